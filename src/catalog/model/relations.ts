/**
 * The relation vocabulary (Backstage's well-known relations) and relation derivation.
 * Relations are derived, never authored: they follow from spec fields such as `owner` or
 * `dependsOn`, and every relation comes with its reverse so both ends can be queried.
 * Pure: no I/O.
 */
import type { FieldError } from '../../core/problem.js';
import type { Entity } from '../../core/entity.js';
import { defaultKindRegistry, type KindRegistry } from './kind-registry.js';

/** Entity → its owner (a Group or User). Reverse: {@link RELATION_OWNER_OF}. */
export const RELATION_OWNED_BY = 'ownedBy';
/** Owner → the entity it owns. Reverse: {@link RELATION_OWNED_BY}. */
export const RELATION_OWNER_OF = 'ownerOf';
/** Component/Resource → what it needs to function. Reverse: {@link RELATION_DEPENDENCY_OF}. */
export const RELATION_DEPENDS_ON = 'dependsOn';
/** The needed entity → what needs it. Reverse: {@link RELATION_DEPENDS_ON}. */
export const RELATION_DEPENDENCY_OF = 'dependencyOf';
/** Component → an API it provides. Reverse: {@link RELATION_API_PROVIDED_BY}. */
export const RELATION_PROVIDES_API = 'providesApi';
/** API → the component providing it. Reverse: {@link RELATION_PROVIDES_API}. */
export const RELATION_API_PROVIDED_BY = 'apiProvidedBy';
/** Component → an API it consumes. Reverse: {@link RELATION_API_CONSUMED_BY}. */
export const RELATION_CONSUMES_API = 'consumesApi';
/** API → a component consuming it. Reverse: {@link RELATION_CONSUMES_API}. */
export const RELATION_API_CONSUMED_BY = 'apiConsumedBy';
/** Part → whole (component → system, system → domain, subcomponent, subdomain). Reverse: {@link RELATION_HAS_PART}. */
export const RELATION_PART_OF = 'partOf';
/** Whole → part. Reverse: {@link RELATION_PART_OF}. */
export const RELATION_HAS_PART = 'hasPart';
/** User → a group it belongs to. Reverse: {@link RELATION_HAS_MEMBER}. */
export const RELATION_MEMBER_OF = 'memberOf';
/** Group → a member user. Reverse: {@link RELATION_MEMBER_OF}. */
export const RELATION_HAS_MEMBER = 'hasMember';
/** Group → its parent group. Reverse: {@link RELATION_PARENT_OF}. */
export const RELATION_CHILD_OF = 'childOf';
/** Group → a child group. Reverse: {@link RELATION_CHILD_OF}. */
export const RELATION_PARENT_OF = 'parentOf';

/** Every relation type Pave derives. */
export type RelationType =
  | typeof RELATION_OWNED_BY
  | typeof RELATION_OWNER_OF
  | typeof RELATION_DEPENDS_ON
  | typeof RELATION_DEPENDENCY_OF
  | typeof RELATION_PROVIDES_API
  | typeof RELATION_API_PROVIDED_BY
  | typeof RELATION_CONSUMES_API
  | typeof RELATION_API_CONSUMED_BY
  | typeof RELATION_PART_OF
  | typeof RELATION_HAS_PART
  | typeof RELATION_MEMBER_OF
  | typeof RELATION_HAS_MEMBER
  | typeof RELATION_CHILD_OF
  | typeof RELATION_PARENT_OF;

/** Each relation type and its reverse: the pairs are symmetric. */
export const RELATION_PAIRS: Readonly<Record<RelationType, RelationType>> = Object.freeze({
  ownedBy: 'ownerOf',
  ownerOf: 'ownedBy',
  dependsOn: 'dependencyOf',
  dependencyOf: 'dependsOn',
  providesApi: 'apiProvidedBy',
  apiProvidedBy: 'providesApi',
  consumesApi: 'apiConsumedBy',
  apiConsumedBy: 'consumesApi',
  partOf: 'hasPart',
  hasPart: 'partOf',
  memberOf: 'hasMember',
  hasMember: 'memberOf',
  childOf: 'parentOf',
  parentOf: 'childOf',
});

/** One directed relation between two entities, both as canonical lower-case refs (`kind:namespace/name`). */
export interface DerivedRelation {
  source: string;
  type: string;
  target: string;
}

/** Relations derived from an entity, and the refs that could not be read (pointers into the entity). */
export interface RelationDerivation {
  relations: DerivedRelation[];
  errors: FieldError[];
}

/**
 * Derives the relations an entity's spec implies, both directions of every pair, de-duplicated,
 * following Backstage's BuiltinKindsEntityProcessor (and the scaffolder's processor for
 * Templates). Refs default to the entity's own namespace; refs that cannot be read are
 * skipped (see {@link deriveRelationsWithErrors} to learn which). Entities of kinds with no
 * policy (custom kinds) have no derived relations. Never throws.
 *
 * @example
 * deriveRelations(component) // with spec.owner 'team-a':
 * // [{ source: 'component:default/x', type: 'ownedBy', target: 'group:default/team-a' },
 * //  { source: 'group:default/team-a', type: 'ownerOf', target: 'component:default/x' }]
 */
export function deriveRelations(entity: Entity, registry: KindRegistry = defaultKindRegistry): DerivedRelation[] {
  return deriveRelationsWithErrors(entity, registry).relations;
}

/**
 * Like {@link deriveRelations}, and also reports each ref that was skipped, e.g. a `dependsOn`
 * entry without a kind (`dependsOn` has no default kind in Backstage) or a non-string entry.
 * Never throws.
 */
export function deriveRelationsWithErrors(
  entity: Entity,
  registry: KindRegistry = defaultKindRegistry,
): RelationDerivation {
  try {
    if (typeof entity !== 'object' || entity === null) return { relations: [], errors: [] };
    const policy = registry.find(entity.kind, entity.apiVersion);
    if (!policy) return { relations: [], errors: [] };
    const derived = policy.relations(entity);
    const seen = new Set<string>();
    const relations = derived.relations.filter(r => {
      const key = `${r.source}\u0000${r.type}\u0000${r.target}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return { relations, errors: derived.errors };
  } catch (error) {
    return {
      relations: [],
      errors: [{ pointer: '', detail: `relations could not be derived: ${describeError(error)}`, rule: 'internal' }],
    };
  }
}

function describeError(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unknown error';
  }
}
