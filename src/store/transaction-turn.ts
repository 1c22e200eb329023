import { sql } from 'kysely';
import type { Db } from './store.js';
import type { DialectName } from './dialect.js';

/**
 * Makes the transactions that call it with the same `name` take turns on PostgreSQL, from the call until they commit
 * or roll back: a transaction-level advisory lock, per schema (two Paves in one database do not wait for each other).
 * For writers that decide from what is stored, so each reads what the one before it committed; taken before any row
 * such a writer locks, so none holds a row another waits for while it waits for the turn. SQLite needs none: it has
 * one writer at a time.
 * @example await takeTransactionTurn(trx, store.dialect, 'catalog.writes'); // then read, decide and write
 */
export async function takeTransactionTurn(db: Db, dialect: DialectName, name: string): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`SELECT pg_advisory_xact_lock(hashtext(current_schema() || ${`.pave.${name}`}))`.execute(db);
}
