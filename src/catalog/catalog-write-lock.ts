import type { Db } from '../store/store.js';
import type { DialectName } from '../store/dialect.js';
import { takeTransactionTurn } from '../store/transaction-turn.js';

/**
 * Makes the catalog writes of concurrent transactions on PostgreSQL take turns, from their first entity write or
 * deletion until they commit. Each entity is stored with its relations (sent-entity.ts), and a write re-reads the
 * relations of every entity it touches: two writers side by side under READ COMMITTED would each read the other's
 * relations from before its change, and the later commit would store relations the table no longer holds (a user
 * removed from a group while the user is rewritten would keep the group, and its role). Taking turns, each reads
 * what the one before committed. A transaction-level advisory lock, per schema (two Paves in one database do not
 * wait for each other); taken before any row of the catalog, so no writer holds a row another waits for while
 * it waits for the lock. SQLite needs none: it has one writer at a time.
 * @example await lockCatalogWrites(trx, store.dialect); // then read and write entities and relations
 */
export async function lockCatalogWrites(db: Db, dialect: DialectName): Promise<void> {
  await takeTransactionTurn(db, dialect, 'catalog.writes');
}
