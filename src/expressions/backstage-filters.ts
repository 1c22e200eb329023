/**
 * The filters Backstage adds to Nunjucks for software templates: `parseRepoUrl`,
 * `parseEntityRef`, `pick` and `projectSlug`. Results are null-prototype objects.
 */
import { parseEntityRef as parseRef } from '../core/entity-ref.js';
import type { FilterContext, FilterDefinition } from './filter-types.js';
import { describeValue } from './methods.js';
import { createObject, getProperty, isPlainObject } from './safe-access.js';
import { runtimeError } from './template-error.js';
import { getPath } from './values.js';

/** A repository location as RepoUrlPicker writes it: `host?owner=o&repo=r`. */
export interface RepoSpec {
  host: string;
  repo: string;
  owner?: string;
  organization?: string;
  workspace?: string;
  project?: string;
}

/** Which query parameters a host family needs, as Backstage's integrations do. */
function requiredParams(host: string, spec: RepoSpec): string[] {
  const h = host.toLowerCase();
  if (h.includes('bitbucket')) return h === 'bitbucket.org' || h === 'www.bitbucket.org' ? ['workspace', 'project', 'repo'] : ['project', 'repo'];
  if (h === 'dev.azure.com' || h.endsWith('.visualstudio.com') || h.includes('azure')) return ['project', 'repo'];
  if (h.includes('gitlab')) return spec.project ? ['repo'] : ['owner', 'repo'];
  if (h.includes('gitea') || h.includes('gerrit')) return ['repo'];
  return ['owner', 'repo'];
}

/**
 * Parses `github.com?owner=o&repo=r` into its parts; throws a clear error when a part
 * the host needs is missing.
 *
 * @example
 * parseRepoUrl('github.com?owner=acme&repo=api', ctx); // { host: 'github.com', owner: 'acme', repo: 'api' }
 */
export function parseRepoUrl(value: unknown, ctx: FilterContext): RepoSpec {
  if (typeof value !== 'string' || value.trim() === '') {
    throw runtimeError(`parseRepoUrl expects a repository location like "github.com?owner=o&repo=r", got ${describeValue(value)}`, ctx.loc);
  }
  let url: URL;
  try {
    url = new URL(`https://${value.trim()}`);
  } catch {
    throw runtimeError(`parseRepoUrl: invalid repository location ${JSON.stringify(value)}`, ctx.loc);
  }
  const spec: RepoSpec = { host: url.host, repo: url.searchParams.get('repo') ?? '' };
  for (const key of ['owner', 'organization', 'workspace', 'project'] as const) {
    const param = url.searchParams.get(key);
    if (param !== null) spec[key] = param;
  }
  const missing = requiredParams(url.host, spec).filter(key => !spec[key as keyof RepoSpec]);
  if (!url.host || missing.length > 0) {
    throw runtimeError(
      `parseRepoUrl: repository location ${JSON.stringify(value)} is missing ${url.host ? missing.map(m => `"${m}"`).join(' and ') : 'the host'}`,
      ctx.loc,
    );
  }
  return spec;
}

function toEngineObject(record: object): Record<string, unknown> {
  const out = createObject();
  for (const [k, v] of Object.entries(record)) if (v !== undefined) out[k] = v;
  return out;
}

/** The Backstage filters by name. */
export const BACKSTAGE_FILTERS: Readonly<Record<string, FilterDefinition>> = Object.freeze({
  parseRepoUrl: {
    params: [],
    apply: (v, _a, ctx) => toEngineObject(parseRepoUrl(v, ctx)),
  },
  projectSlug: {
    params: [],
    apply: (v, _a, ctx) => {
      const spec = parseRepoUrl(v, ctx);
      const owner = spec.owner ?? spec.workspace ?? spec.organization;
      if (!owner) throw runtimeError(`projectSlug: repository location ${JSON.stringify(v)} has no owner`, ctx.loc);
      return `${owner}/${spec.repo}`;
    },
  },
  parseEntityRef: {
    params: ['context'],
    apply: (v, [context], ctx) => {
      const defaults = isPlainObject(context) ? context : undefined;
      const defaultKind = getProperty(defaults, 'defaultKind');
      const defaultNamespace = getProperty(defaults, 'defaultNamespace');
      const options = {
        ...(typeof defaultKind === 'string' ? { defaultKind } : {}),
        ...(typeof defaultNamespace === 'string' ? { defaultNamespace } : {}),
      };
      let ref: string;
      if (typeof v === 'string') ref = v;
      else if (isPlainObject(v) && typeof getProperty(v, 'name') === 'string') {
        const kind = getProperty(v, 'kind');
        const namespace = getProperty(v, 'namespace');
        ref = `${typeof kind === 'string' ? kind + ':' : ''}${typeof namespace === 'string' ? namespace + '/' : ''}${String(getProperty(v, 'name'))}`;
      } else {
        throw runtimeError(`parseEntityRef expects an entity reference like "kind:namespace/name", got ${describeValue(v)}`, ctx.loc);
      }
      if (ref.trim() === '') throw runtimeError('parseEntityRef: entity reference must not be empty', ctx.loc);
      try {
        return toEngineObject(parseRef(ref, options));
      } catch (error) {
        throw runtimeError(`parseEntityRef: ${(error as Error).message}`, ctx.loc);
      }
    },
  },
  pick: {
    params: ['path'],
    apply: (v, [path]) => getPath(v, path),
  },
});
