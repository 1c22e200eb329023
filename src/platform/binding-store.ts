import type { Selectable } from 'kysely';
import { conflict } from '../core/problem.js';
import type { Db, Store } from '../store/store.js';
import type { PlatformBindingsTable } from './platform-tables.js';
import type { CapabilityBinding } from './model/capability-binding.js';

/** A stored binding with its bookkeeping. */
export interface StoredBinding {
  id: string;
  binding: CapabilityBinding;
  createdAt: string;
  updatedAt: string;
}

/**
 * The rows behind bindings: one per team and capability. Writes take the transaction of the change they
 * belong to (its audit entry and events go in the same one).
 */
export class BindingStore {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async get(team: string, capability: string, db: Db = this.#store.db): Promise<StoredBinding | undefined> {
    const row = await db.selectFrom('platform_bindings').selectAll().where('team', '=', team).where('capability', '=', capability).executeTakeFirst();
    return row ? toStored(row) : undefined;
  }

  /**
   * Reads a binding in `trx` and, on PostgreSQL, holds its row until `trx` ends: another replica's read-modify-write
   * of the same binding waits and then reads what this one wrote (SQLite runs one writing transaction at a time).
   */
  async locked(trx: Db, team: string, capability: string): Promise<StoredBinding | undefined> {
    const query = trx.selectFrom('platform_bindings').selectAll().where('team', '=', team).where('capability', '=', capability);
    const row = await (this.#store.dialect === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
    return row ? toStored(row) : undefined;
  }

  /**
   * Reads a binding in `trx` and, on PostgreSQL, keeps it from changing until `trx` ends (a shared lock: requests
   * made under it at once do not wait for each other; a removal or a change of it waits for them all).
   */
  async held(trx: Db, team: string, capability: string): Promise<StoredBinding | undefined> {
    const query = trx.selectFrom('platform_bindings').selectAll().where('team', '=', team).where('capability', '=', capability);
    const row = await (this.#store.dialect === 'postgres' ? query.forShare() : query).executeTakeFirst();
    return row ? toStored(row) : undefined;
  }

  async list(filter: { team?: string; capability?: string } = {}, db: Db = this.#store.db): Promise<StoredBinding[]> {
    let query = db.selectFrom('platform_bindings').selectAll();
    if (filter.team) query = query.where('team', '=', filter.team);
    if (filter.capability) query = query.where('capability', '=', filter.capability);
    return (await query.orderBy('team').orderBy('capability').execute()).map(toStored);
  }

  /** Inserts or replaces the team's binding of the capability; a 409 when another apply inserted it meanwhile. */
  async save(db: Db, stored: StoredBinding): Promise<void> {
    const { binding } = stored;
    const values = { phase: binding.status.phase, namespace: binding.metadata.namespace, body: JSON.stringify(binding), updated_at: stored.updatedAt };
    const updated = await db.updateTable('platform_bindings').set(values).where('id', '=', stored.id).executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) return;
    const inserted = await db
      .insertInto('platform_bindings')
      .values({ id: stored.id, team: binding.status.team, capability: binding.spec.capability, created_at: stored.createdAt, ...values })
      .onConflict(oc => oc.columns(['team', 'capability']).doNothing())
      .executeTakeFirst();
    // Another replica's apply made it after this one found none (there was no row to lock).
    if (!Number(inserted.numInsertedOrUpdatedRows)) {
      throw conflict(`${binding.status.team} bound ${binding.spec.capability} at the same time elsewhere; apply again`, [{ pointer: '/spec/capability', detail: 'was bound meanwhile by another apply' }]);
    }
  }

  async remove(db: Db, id: string): Promise<void> {
    await db.deleteFrom('platform_bindings').where('id', '=', id).execute();
  }
}

function toStored(row: Selectable<PlatformBindingsTable>): StoredBinding {
  return { id: row.id, binding: JSON.parse(row.body) as CapabilityBinding, createdAt: row.created_at, updatedAt: row.updated_at };
}
