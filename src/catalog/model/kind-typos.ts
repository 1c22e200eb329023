/**
 * Kinds and apiVersions people mistype. Backstage's own catalog loads `kind: component` or
 * `apiVersion: backstage.io/v1` as nothing ("no processor recognized the entity"); Pave would load them as
 * custom kinds, silently without their relations. Both are refused instead, with the spelling meant.
 * Custom kinds under an organisation's own apiVersion (`acme.com/v1`) stay welcome. Pure: no I/O.
 */
import type { FieldError } from '../../core/problem.js';
import type { KindRegistry } from './kind-registry.js';
import { BACKSTAGE_API_VERSIONS } from './kind-policy.js';

/** apiVersions in Backstage's own families: `backstage.io/…`, `scaffolder.backstage.io/…`, or a bare `v1alpha1`. */
const BACKSTAGE_FAMILY = /^((scaffolder\.)?backstage\.io\/.*|v\d+(alpha|beta)\d+)$/i;
/** A bare `v1` is a typo for a known kind; a custom kind may be versioned so. */
const BARE_VERSION = /^v\d+$/i;

/**
 * What is wrong with an entity's kind and apiVersion when they look like a known kind's misspelt: a kind that
 * matches a known one only when case is ignored, or an apiVersion of Backstage's families the kind does not
 * have. Empty when they are right, or a custom kind under another apiVersion.
 * @example kindTypoErrors('component', 'backstage.io/v1alpha1', registry) // [{ pointer: '/kind', detail: '… did you mean Component?' }]
 */
export function kindTypoErrors(kind: string, apiVersion: string, registry: KindRegistry): FieldError[] {
  // A known kind at one of its apiVersions (nearly every entity) has nothing misspelt: the checks below find nothing.
  const known = registry.find(kind, apiVersion);
  if (known?.kind === kind && known.apiVersions.includes(apiVersion)) return [];
  const policies = registry.list();
  const exact = policies.filter(p => p.kind === kind);
  const meant = exact.length ? exact : policies.filter(p => p.kind.toLowerCase() === kind.toLowerCase());
  const versions = meant.flatMap(p => p.apiVersions);
  const backstageFamily = BACKSTAGE_FAMILY.test(apiVersion) || versions.includes(apiVersion) || (meant.length > 0 && BARE_VERSION.test(apiVersion));
  const errors: FieldError[] = [];
  if (!exact.length && meant.length && backstageFamily) {
    errors.push({ pointer: '/kind', detail: `is not a kind Pave knows (kinds are case-sensitive); did you mean ${meant[0]!.kind}?`, rule: 'kind-typo' });
  }
  if (!backstageFamily) return errors;
  if (meant.length && !versions.includes(apiVersion)) {
    errors.push({ pointer: '/apiVersion', detail: `is not an apiVersion of ${meant[0]!.kind}; did you mean ${suggestedVersion(apiVersion, versions)}?`, rule: 'api-version-typo' });
  } else if (!meant.length && !policies.some(p => p.apiVersions.includes(apiVersion))) {
    errors.push({ pointer: '/apiVersion', detail: `is not an apiVersion Backstage has; did you mean ${suggestedVersion(apiVersion, BACKSTAGE_API_VERSIONS)}?`, rule: 'api-version-typo' });
  }
  return errors;
}

/** The known apiVersion closest to a mistyped one: the same version under another prefix, else the first. */
function suggestedVersion(apiVersion: string, versions: readonly string[]): string {
  const tail = apiVersion.slice(apiVersion.lastIndexOf('/') + 1).toLowerCase();
  return versions.find(v => v.toLowerCase() === apiVersion.toLowerCase()) ?? versions.find(v => v.endsWith(`/${tail}`)) ?? versions[0]!;
}
