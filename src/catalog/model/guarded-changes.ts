/**
 * Changes to an entity that grant power beyond editing what one owns, and so need a permission of their
 * own whatever the owner rules say: who belongs to which group (a User's `memberOf`, a Group's
 * `members`, `children` and `parent`: membership decides who is an admin), moving an entity to another
 * team (`spec.owner`), and publishing kinds that run or read things for others (a Template runs for
 * whoever picks it; a Location makes the catalog read its targets). Pure: no I/O.
 */
import type { Entity } from '../../core/entity.js';
import { joinPointer } from '../../core/problem.js';
import type { KindPolicy } from './kind-policy.js';
import { defaultKindRegistry, type KindRegistry } from './kind-registry.js';
import { relationsFromFields, type RelationField } from './relation-fields.js';

/** Changing who belongs to which group: admins only under the default policy. */
export const MEMBERSHIP_WRITE = 'catalog.membership.write';
/** Moving an existing entity to another owner: admins only under the default policy. */
export const OWNERSHIP_TRANSFER = 'catalog.ownership.transfer';

/** Relation types whose targets decide group membership (in either direction). */
const MEMBERSHIP_RELATIONS: ReadonlySet<string> = new Set(['memberOf', 'hasMember', 'childOf', 'parentOf']);

/** One guarded change and the permission it needs. */
export interface GuardedChange {
  /** The permission the change needs, e.g. `catalog.membership.write`. */
  action: string;
  /** JSON pointer of the field that changed (`/kind` for a published kind). */
  pointer: string;
  /** What changed, in words. */
  detail: string;
}

/**
 * The guarded changes in going from `before` (absent: a new entity) to `after` (absent: a deletion).
 * Membership fields are compared by the refs they name (so re-ordering or re-spelling a ref is no
 * change); an owner change counts only for an entity that already exists (a new entity's owner is
 * checked by the write permission on it). Kinds are matched by name whatever their apiVersion, so an
 * unusual apiVersion cannot slip a Template past its publish rule.
 * @example guardedChanges(me, { ...me, spec: { ...me.spec, memberOf: ['platform-team'] } })
 * // [{ action: 'catalog.membership.write', pointer: '/spec/memberOf', detail: 'adds group:default/platform-team' }]
 */
export function guardedChanges(before: Entity | undefined, after: Entity | undefined, registry: KindRegistry = defaultKindRegistry): GuardedChange[] {
  const changes: GuardedChange[] = [];
  const published = new Set([before, after].map(entity => entity && publishingPolicy(entity, registry)?.publishedBy).filter((a): a is string => a !== undefined));
  for (const action of published) {
    const kind = (after ?? before)!.kind;
    changes.push({ action, pointer: '/kind', detail: `${after ? (before ? 'changes' : 'creates') : 'deletes'} a ${kind}, which needs ${action}` });
  }
  for (const field of relationFieldsOf([before, after], registry)) {
    const action = MEMBERSHIP_RELATIONS.has(field.type) ? MEMBERSHIP_WRITE : field.type === 'ownedBy' && before && after ? OWNERSHIP_TRANSFER : undefined;
    if (!action) continue;
    const was = targets(before, field);
    const is = targets(after, field);
    const added = [...is].filter(ref => !was.has(ref));
    const removed = [...was].filter(ref => !is.has(ref));
    if (!added.length && !removed.length) continue;
    const words = [added.length ? `adds ${added.join(', ')}` : '', removed.length ? `removes ${removed.join(', ')}` : ''].filter(Boolean).join(' and ');
    changes.push({ action, pointer: joinPointer('spec', field.field), detail: words });
  }
  return changes;
}

/** The policy that makes a kind a published one (by kind name, case-insensitively, any apiVersion). */
function publishingPolicy(entity: Entity, registry: KindRegistry): KindPolicy | undefined {
  const kind = typeof entity.kind === 'string' ? entity.kind.toLocaleLowerCase('en-US') : '';
  return registry.list().find(policy => policy.publishedBy !== undefined && policy.kind.toLocaleLowerCase('en-US') === kind);
}

/** The relation fields of the entities' policies, each (field, type) once. */
function relationFieldsOf(entities: Array<Entity | undefined>, registry: KindRegistry): RelationField[] {
  const fields = new Map<string, RelationField>();
  for (const entity of entities) {
    for (const field of (entity && registry.find(entity.kind, entity.apiVersion)?.relationFields) ?? []) fields.set(`${field.field}\u0000${field.type}`, field);
  }
  return [...fields.values()];
}

/** The canonical refs one relation field of an entity names. */
function targets(entity: Entity | undefined, field: RelationField): Set<string> {
  if (!entity) return new Set();
  return new Set(relationsFromFields(entity, [field]).relations.filter(r => r.type === field.type).map(r => r.target));
}
