import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { braceExpand, Minimatch } from 'minimatch';
import { ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION, type Entity } from '../core/entity.js';
import { entityRefOf } from '../core/entity-ref.js';
import { formatGitTarget, parseGitTarget } from './ingest/location-target.js';
import type { Location } from './location-service.js';

/** Backstage's `getEntityAncestors` answer: the entity first, then each entity that produced it. */
export interface EntityAncestry {
  rootEntityRef: string;
  items: Array<{ entity: Entity; parentEntityRefs: string[] }>;
}

/** An entity with the file it was read from (`file:<path>` or `url:<repository>#<ref>:<path>`). */
export interface SourcedEntity {
  entity: Entity;
  source: string;
}

/**
 * The Location entity Backstage keeps for a registered location (`location:default/generated-<sha1 of
 * type:target>`). Pave keeps registrations as locations, not entities; this is the entity they stand for.
 * @example registeredLocationEntity({ id: 'l1', type: 'url', target: 'https://github.com/acme/shop/blob/main/catalog-info.yaml' }).metadata.name // 'generated-…'
 */
export function registeredLocationEntity(location: Location): Entity {
  const ref = `${location.type}:${location.target}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Location',
    metadata: {
      name: `generated-${createHash('sha1').update(ref).digest('hex')}`,
      namespace: 'default',
      annotations: { [ANNOTATION_LOCATION]: ref, [ANNOTATION_ORIGIN_LOCATION]: ref },
    },
    spec: { type: location.type, target: location.target },
  };
}

/**
 * The ancestry graph of an entity: the Location entities of its location whose targets name the file it was
 * read from, and theirs in turn, up to the registered location (a root with no parents). An entity saved
 * through the API has no parents.
 * @example entityAncestry(component, location, locationEntitiesOfTheSameLocation)
 */
export function entityAncestry(entity: SourcedEntity, location: Location | undefined, locationEntities: SourcedEntity[]): EntityAncestry {
  const rootEntityRef = entityRefOf(entity.entity);
  if (!location) return { rootEntityRef, items: [{ entity: entity.entity, parentEntityRefs: [] }] };
  const root = registeredLocationEntity(location);
  const named = locationEntities.map(l => ({ ...l, targets: targetPatterns(l) }));
  const items: EntityAncestry['items'] = [];
  const seen = new Set<string>();
  const queue: SourcedEntity[] = [entity];
  while (queue.length) {
    const next = queue.shift()!;
    const ref = entityRefOf(next.entity);
    if (seen.has(ref)) continue;
    seen.add(ref);
    const parents = named.filter(l => l.targets.some(matches => matches(next.source)) && entityRefOf(l.entity) !== ref);
    items.push({ entity: next.entity, parentEntityRefs: parents.length ? parents.map(p => entityRefOf(p.entity)) : [entityRefOf(root)] });
    queue.push(...parents);
  }
  return { rootEntityRef, items: [...items, { entity: root, parentEntityRefs: [] }] };
}

/** What a Location entity's targets match: sources of files, as read-location.ts names them. */
function targetPatterns({ entity, source }: SourcedEntity): Array<(source: string) => boolean> {
  const spec = entity.spec ?? {};
  const targets = [spec.target, ...(Array.isArray(spec.targets) ? spec.targets : [])].filter((t): t is string => typeof t === 'string');
  const hash = source.indexOf('#');
  const colon = source.startsWith('url:') && hash !== -1 ? source.indexOf(':', hash) : source.indexOf(':');
  const [prefix, path] = [source.slice(0, colon + 1), source.slice(colon + 1)];
  return targets.flatMap(target => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('file:')) {
      try {
        const git = parseGitTarget(target);
        return [globMatcher(`url:${formatGitTarget({ ...git, path: '' })}`, posix.normalize(git.path))];
      } catch {
        return [];
      }
    }
    const plain = target.replace(/^file:(\/\/)?/, '');
    return [globMatcher(prefix, posix.isAbsolute(plain) && prefix === 'file:' ? posix.normalize(plain) : posix.join(posix.dirname(path), plain))];
  });
}

/**
 * Most patterns a target's braces may expand to. Minimatch expands `{a,b}` sets eagerly, compiling each
 * pattern (up to 100,000 for a chain of 17), which ingestion never does (fast-glob compiles braces unexpanded).
 */
const MAX_BRACE_PATTERNS = 256;
/** Compiled globs kept (`null`: refused), least recently used first. */
const MAX_CACHED_GLOBS = 1_000;
const compiled = new Map<string, Minimatch | null>();

/**
 * Whether a source is `prefix` followed by a path the glob matches, with the glob syntax locations are read
 * with (fast-glob's: `*`, `**`, `?`, `[…]`, braces `{a,b}`, no dot files unless named). A glob whose braces
 * make more than `MAX_BRACE_PATTERNS` patterns matches nothing.
 */
function globMatcher(prefix: string, glob: string): (source: string) => boolean {
  const pattern = compiledGlob(glob);
  return source => pattern !== null && source.startsWith(prefix) && pattern.match(source.slice(prefix.length));
}

/** The glob compiled, or null when its braces expand too far; each ancestry request asks for the same few again. */
function compiledGlob(glob: string): Minimatch | null {
  let pattern = compiled.get(glob);
  if (pattern === undefined) {
    // Expanding one past the limit is enough to know it is over, and costs no more than a glob within it.
    const tooMany = braceExpand(glob, { braceExpandMax: MAX_BRACE_PATTERNS + 1 }).length > MAX_BRACE_PATTERNS;
    pattern = tooMany ? null : new Minimatch(glob, { dot: false });
  }
  // Re-inserted, so the Map's order is least recently used first.
  compiled.delete(glob);
  compiled.set(glob, pattern);
  if (compiled.size > MAX_CACHED_GLOBS) compiled.delete(compiled.keys().next().value!);
  return pattern;
}
