/**
 * A kind policy: everything the catalog knows about one kind of entity. Which apiVersions it
 * covers, the JSON Schema its `spec` must satisfy, and which spec fields imply which relations.
 * Kinds without a policy (custom kinds) are valid when their envelope is. Pure: no I/O.
 */
import type { Entity } from '../../core/entity.js';
import type { FieldError } from '../../core/problem.js';
import { relationsFromFields, type RelationField } from './relation-fields.js';
import type { RelationDerivation } from './relations.js';
import type { SpecSchema } from './spec-schema.js';

export interface KindPolicy {
  /** The kind as written in entity files, matched case-sensitively (as Backstage's validators do). */
  readonly kind: string;
  /** The apiVersions this policy applies to; an entity of this kind with another apiVersion is not covered. */
  readonly apiVersions: readonly string[];
  /** JSON Schema (draft-07, validated with ajv) that `spec` must satisfy. `spec` itself is required. */
  readonly specSchema: SpecSchema;
  /** Spec fields that imply relations, in derivation order. */
  readonly relationFields: readonly RelationField[];
  /**
   * The permission needed to create, change or delete an entity of this kind, besides writing it:
   * set for kinds that act for others (a Template runs for whoever picks it). See `guarded-changes.ts`.
   */
  readonly publishedBy?: string;
  /**
   * Checks beyond the JSON Schema (a kind a module declares: references between fields, expressions), run
   * once `spec` satisfies the schema; pure, never throws, pointers under `/spec`.
   */
  readonly check?: (spec: Record<string, unknown>) => FieldError[];
  /** Derives the relations implied by an entity of this kind (both directions), with unreadable refs reported. */
  relations(entity: Entity): RelationDerivation;
}

/** What a kind file declares; {@link defineKindPolicy} adds the `relations` function. */
export interface KindPolicyDefinition {
  kind: string;
  apiVersions: readonly string[];
  specSchema: SpecSchema;
  relationFields?: readonly RelationField[];
  publishedBy?: string;
  check?: (spec: Record<string, unknown>) => FieldError[];
}

/** The apiVersions of Backstage's built-in catalog kinds. */
export const BACKSTAGE_API_VERSIONS: readonly string[] = Object.freeze(['backstage.io/v1alpha1', 'backstage.io/v1beta1']);

/**
 * Builds a frozen kind policy whose `relations` derives from `relationFields`.
 * @example
 * export const systemPolicy = defineKindPolicy({
 *   kind: 'System',
 *   apiVersions: BACKSTAGE_API_VERSIONS,
 *   specSchema: { type: 'object', required: ['owner'], properties: { owner: { type: 'string', minLength: 1 } } },
 *   relationFields: [{ field: 'owner', type: 'ownedBy', reverse: 'ownerOf', defaultKind: 'Group' }],
 * });
 */
export function defineKindPolicy(definition: KindPolicyDefinition): KindPolicy {
  const relationFields = Object.freeze([...(definition.relationFields ?? [])].map(f => Object.freeze({ ...f })));
  return Object.freeze({
    kind: definition.kind,
    apiVersions: Object.freeze([...definition.apiVersions]),
    specSchema: definition.specSchema,
    relationFields,
    ...(definition.publishedBy ? { publishedBy: definition.publishedBy } : {}),
    ...(definition.check ? { check: definition.check } : {}),
    relations: (entity: Entity) => relationsFromFields(entity, relationFields),
  });
}
