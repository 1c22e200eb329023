import { sql } from 'kysely';
import type { Db, Store } from '../store/store.js';
import { FreshReads } from '../core/fresh-reads.js';
import type {} from './catalog-tables.js'; // the tables it queries, for Kysely's types

/**
 * The catalog's state version: a number that changes in the same transaction as any change to entities,
 * relations, search rows or search documents, on SQLite and PostgreSQL alike (one counter row, so several
 * replicas and a CLI process writing the same SQLite file all see it move). Readers key what they keep
 * (state-answers.ts) by it. A counter of its own rather than the event log's head: events of other modules
 * (deliveries, scorecards) would throw away the catalog's answers for nothing, and the docs indexer changes
 * search documents without an event.
 * @example
 *   await store.transaction(async trx => { await writeEntities(trx, …); await advanceCatalogState(store, trx); });
 *   const version = await new CatalogState(store).version();
 */
export class CatalogState {
  constructor(private readonly store: Store) {}

  /**
   * The version committed, read where the catalog's reads go (on SQLite the read-only connection, so a
   * refresh's open transaction neither holds it up nor shows through), by a read that starts no earlier than
   * the call: a change committed before it — through this process or any other — is seen, with no staleness
   * to bound. Calls of one process made while a read is under way share the next one (fresh-reads.ts): under
   * load one read serves many requests instead of each taking a pooled connection for its own.
   */
  version(): Promise<number> {
    let reads = VERSION_READS.get(this.store);
    if (!reads) VERSION_READS.set(this.store, (reads = new FreshReads(() => readVersion(this.store))));
    return reads.next();
  }
}

/** The reads of each store's version, shared by every CatalogState of the process (weakly: a closed store's go with it). */
const VERSION_READS = new WeakMap<Store, FreshReads<number>>();

async function readVersion(store: Store): Promise<number> {
  const row = await store.reads.selectFrom('catalog_state').select('version').where('name', '=', 'catalog').executeTakeFirst();
  return Number(row?.version ?? 0);
}

/**
 * Marks the catalog changed by the transaction `db` is part of: the counter moves as the transaction's last
 * write, once however many changes it records (store.beforeCommit). Taken last, the row's lock is held only
 * for the commit — a refresh does not hold every other catalog writer up while it deletes or pauses, and no
 * writer waits for another row while holding it (the docs indexer holds its entity's key-share lock, a
 * refresh deleting that entity would wait for it: with the counter taken early, each would wait for the
 * other). On PostgreSQL no reader sees the new version before the change it stands for.
 */
export async function advanceCatalogState(store: Store, db: Db): Promise<void> {
  await store.beforeCommit(db, 'catalog-state', async () => {
    await db
      .updateTable('catalog_state')
      .set({ version: sql<number>`version + 1` })
      .where('name', '=', 'catalog')
      .execute();
  });
}
