/**
 * Relation fields: the declarative link between a spec field and the relation pair it implies
 * (e.g. `spec.owner` → ownedBy/ownerOf, default kind Group). Kind policies list their fields;
 * {@link relationsFromFields} turns them into relations. Pure: no I/O.
 */
import type { Entity } from '../../core/entity.js';
import { compoundRefOf, stringifyEntityRef, tryParseEntityRef } from '../../core/entity-ref.js';
import { joinPointer, type FieldError } from '../../core/problem.js';
import type { DerivedRelation, RelationDerivation, RelationType } from './relations.js';

/** One spec field that holds a ref (or a list of refs) and the relation pair it implies. */
export interface RelationField {
  /** The field under `spec`, e.g. `owner`. It may hold one ref string or a list of them. */
  readonly field: string;
  /** Relation from the entity to each target, e.g. `ownedBy`. */
  readonly type: RelationType;
  /** Relation from each target back to the entity, e.g. `ownerOf`. */
  readonly reverse: RelationType;
  /**
   * Kind assumed when a ref names none, e.g. `Group` for `owner: team-a`. Absent means a ref
   * must name its kind (as Backstage requires for `dependsOn` and `dependencyOf`).
   */
  readonly defaultKind?: string;
}

/**
 * Derives the relations an entity's spec implies for the given fields: for each ref, the
 * forward relation and its reverse, in field order. A ref without namespace takes the entity's
 * own namespace. Unreadable refs are skipped and reported. Falsy field values (absent, null,
 * empty string) are ignored, as Backstage does.
 *
 * @example relationsFromFields(component, [{ field: 'owner', type: 'ownedBy', reverse: 'ownerOf', defaultKind: 'Group' }])
 */
export function relationsFromFields(entity: Entity, fields: readonly RelationField[]): RelationDerivation {
  const relations: DerivedRelation[] = [];
  const errors: FieldError[] = [];
  const spec = entity.spec;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return { relations, errors };
  const self = compoundRefOf(entity);
  if (!self.namespace) self.namespace = 'default';
  const selfRef = stringifyEntityRef(self);

  for (const { field, type, reverse, defaultKind } of fields) {
    const value = spec[field];
    if (!value) continue;
    const many = Array.isArray(value);
    const refs: unknown[] = many ? value : [value];
    refs.forEach((ref, index) => {
      const parsed = tryParseEntityRef(ref, { defaultKind, defaultNamespace: self.namespace });
      if (!parsed) {
        const pointer = many ? joinPointer('spec', field, index) : joinPointer('spec', field);
        errors.push({ pointer, detail: refProblem(ref, defaultKind, self.namespace), rule: 'entity-ref' });
        return;
      }
      const target = stringifyEntityRef(parsed);
      relations.push({ source: selfRef, type, target }, { source: target, type: reverse, target: selfRef });
    });
  }
  return { relations, errors };
}

/** Why a ref that could not be parsed is unusable. */
function refProblem(ref: unknown, defaultKind: string | undefined, namespace: string): string {
  if (typeof ref !== 'string') return 'must be an entity ref string of the form [kind:][namespace/]name';
  if (!defaultKind && tryParseEntityRef(ref, { defaultKind: 'x', defaultNamespace: namespace })) {
    return `must name its kind, e.g. "component:${ref.trim()}" (this field has no default kind)`;
  }
  return `"${ref}" is not an entity ref of the form [kind:][namespace/]name`;
}
