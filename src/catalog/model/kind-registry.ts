/**
 * The kind registry: finds the policy for an entity's kind and apiVersion. Kinds are matched
 * case-sensitively and apiVersions exactly, as Backstage's kind validators do (`kind: component`
 * is not a Component; validation refuses it as a typo, see kind-typos.ts). Pure: no I/O.
 */
import type { KindPolicy } from './kind-policy.js';
import { apiPolicy } from './kinds/api.js';
import { capabilityPolicy } from './kinds/capability.js';
import { componentPolicy } from './kinds/component.js';
import { domainPolicy } from './kinds/domain.js';
import { groupPolicy } from './kinds/group.js';
import { locationPolicy } from './kinds/location.js';
import { resourcePolicy } from './kinds/resource.js';
import { systemPolicy } from './kinds/system.js';
import { templatePolicy } from './kinds/template.js';
import { userPolicy } from './kinds/user.js';

/** Looks up kind policies. */
export interface KindRegistry {
  /** The policy covering this kind and apiVersion, or undefined (an unknown kind, or a known kind at an unknown apiVersion). */
  find(kind: unknown, apiVersion: unknown): KindPolicy | undefined;
  /** Every registered policy, in registration order. */
  list(): readonly KindPolicy[];
}

/** The built-in kinds: Backstage's catalog kinds, the scaffolder's Template and Pave's Capability. */
export const builtinKindPolicies: readonly KindPolicy[] = Object.freeze([
  componentPolicy,
  apiPolicy,
  resourcePolicy,
  systemPolicy,
  domainPolicy,
  groupPolicy,
  userPolicy,
  locationPolicy,
  templatePolicy,
  capabilityPolicy,
]);

/**
 * Creates a registry over the given policies. When several cover the same kind and apiVersion,
 * the first one wins.
 * @example createKindRegistry([...builtinKindPolicies, scorecardPolicy]).find('Scorecard', 'pave.dev/v1alpha1')
 */
export function createKindRegistry(policies: readonly KindPolicy[]): KindRegistry {
  const all = Object.freeze([...policies]);
  const byKind = new Map<string, KindPolicy[]>();
  for (const policy of all) {
    const list = byKind.get(policy.kind) ?? [];
    list.push(policy);
    byKind.set(policy.kind, list);
  }
  return Object.freeze({
    find(kind: unknown, apiVersion: unknown): KindPolicy | undefined {
      if (typeof kind !== 'string' || typeof apiVersion !== 'string') return undefined;
      return byKind.get(kind)?.find(p => p.apiVersions.includes(apiVersion));
    },
    list: () => all,
  });
}

/** Kinds the modules declare (`kinds` in their `module.ts`), added once as the module list loads. */
let moduleKinds: KindRegistry = createKindRegistry([]);

/**
 * Adds the kinds modules declare to the default registry (after the built-in ones, which win).
 * @example registerModuleKinds([scorecardPolicy])
 */
export function registerModuleKinds(policies: readonly KindPolicy[]): void {
  moduleKinds = createKindRegistry([...moduleKinds.list(), ...policies.filter(policy => !moduleKinds.list().includes(policy))]);
}

const builtinKinds = createKindRegistry(builtinKindPolicies);

/** The registry of built-in kinds and the kinds modules declared, used when no registry is given. */
export const defaultKindRegistry: KindRegistry = Object.freeze({
  find: (kind: unknown, apiVersion: unknown) => builtinKinds.find(kind, apiVersion) ?? moduleKinds.find(kind, apiVersion),
  list: () => [...builtinKinds.list(), ...moduleKinds.list()],
});

/**
 * The built-in policy for a kind and apiVersion, or undefined.
 * @example findKindPolicy('Component', 'backstage.io/v1alpha1') === componentPolicy
 */
export function findKindPolicy(kind: unknown, apiVersion: unknown): KindPolicy | undefined {
  return defaultKindRegistry.find(kind, apiVersion);
}
