/**
 * Authorizing changes to catalog entities as a whole: the write on each entity where the caller's own
 * permission does not already stand for it, and every guarded change (membership, ownership moves,
 * published kinds; see `catalog/model/guarded-changes.ts`) whatever the owner rules say. Every route,
 * action and location that changes entities asks here, so none can skip a guard.
 */
import type { Entity } from '../core/entity.js';
import { entityRefOf } from '../core/entity-ref.js';
import { forbidden, type FieldError } from '../core/problem.js';
import { guardedChanges } from '../catalog/model/guarded-changes.js';
import type { EntityReader } from '../catalog/query/entity-reader.js';
import type { Identity } from './identity.js';
import type { PermissionService } from './permission-service.js';

/** One entity going from `before` (absent: new) to `after` (absent: deleted). */
export interface EntityChange {
  before?: Entity;
  after?: Entity;
}

export interface EntityChangeOptions {
  /**
   * Also require `catalog.entity.write` on each entity (on what it was and what it becomes), or
   * `catalog.entity.delete` for a deletion: for callers whose own permission does not stand for the
   * entities they bring, such as a golden path registering what it generated. A location registration
   * does not need it: registering a location is the permission to load what it holds.
   */
  requireWrite?: boolean;
  /** Prefixed to every field error's pointer, e.g. `/entities/2` when several entities are checked. */
  pointerPrefix?: (change: EntityChange, index: number) => string;
}

/**
 * Throws one 403 problem listing every refused change (each field error names the entity, the field
 * and the rule's verdict); returns quietly when everything is allowed.
 * @example await authorizeEntityChanges(app.auth.permissions, request.identity, [{ before, after: body }]);
 */
export async function authorizeEntityChanges(permissions: PermissionService, identity: Identity, changes: readonly EntityChange[], options: EntityChangeOptions = {}): Promise<void> {
  const refused: FieldError[] = [];
  const actions = new Set<string>();
  for (const [index, change] of changes.entries()) {
    const entity = change.after ?? change.before;
    if (!entity) continue;
    const ref = entityRefOf(entity);
    const prefix = options.pointerPrefix?.(change, index) ?? '';
    const needs: Array<{ action: string; pointer: string; detail: string; on: Entity }> = [];
    if (options.requireWrite) {
      if (change.before) needs.push({ action: change.after ? 'catalog.entity.write' : 'catalog.entity.delete', pointer: '', detail: change.after ? 'changes it' : 'deletes it', on: change.before });
      if (change.after) needs.push({ action: 'catalog.entity.write', pointer: '/spec/owner', detail: change.before ? 'writes it' : 'creates it', on: unsaved(change.after) });
    }
    for (const guarded of guardedChanges(change.before, change.after)) needs.push({ ...guarded, on: change.before ?? unsaved(entity) });
    for (const need of needs) {
      const decision = await permissions.decide(identity, need.action, need.on);
      if (decision.allowed) continue;
      actions.add(need.action);
      refused.push({ pointer: prefix + need.pointer, detail: `${ref}: ${need.detail}, which needs ${need.action}: ${decision.reason}`, rule: 'permission' });
    }
  }
  if (!refused.length) return;
  const first = refused[0]!;
  throw forbidden(refused.length === 1 ? first.detail : `${refused.length} changes are not allowed: ${refused.map(e => e.detail).join('; ')}`, refused, { action: [...actions][0] });
}

/**
 * Authorizes writing `entities` as they are (each compared with the catalog's copy, when it has one):
 * what a location registration or a golden path's `catalog:register` would load.
 * @example await authorizeEntityWrites(permissions, catalog.entities, identity, read.entities, { requireWrite: true });
 */
export async function authorizeEntityWrites(
  permissions: PermissionService,
  catalog: Pick<EntityReader, 'byRefs'>,
  identity: Identity,
  entities: readonly Entity[],
  options: EntityChangeOptions = {},
): Promise<void> {
  const stored = entities.length ? await catalog.byRefs(entities.map(entity => entityRefOf(entity))) : [];
  await authorizeEntityChanges(
    permissions,
    identity,
    entities.map((after, i) => ({ ...(stored[i] ? { before: stored[i]! } : {}), after })),
    options,
  );
}

/**
 * An entity that is not stored yet, as the policy must see it: owned by what its spec says. Relations in
 * a submitted document are the caller's words, not derived ones, so they must not decide its owners.
 */
export function unsaved(entity: Entity): Entity {
  const { relations: _ignored, ...rest } = entity;
  return rest;
}
