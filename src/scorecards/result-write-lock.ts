import type { Db } from '../store/store.js';
import type { DialectName } from '../store/dialect.js';
import { takeTransactionTurn } from '../store/transaction-turn.js';

/**
 * Makes the scorecard result writes of concurrent transactions on PostgreSQL take turns until they commit: a save
 * decides from the stored results which changed (a history row, a `scorecards.level.changed` event), and two
 * evaluations of one entity at once (two replicas) under READ COMMITTED would both decide from the result before
 * either. A transaction-level advisory lock, per schema; SQLite needs none: it has one writer at a time.
 * @example await lockResultWrites(trx, store.dialect); // then read the stored results and write the changed ones
 */
export async function lockResultWrites(db: Db, dialect: DialectName): Promise<void> {
  await takeTransactionTurn(db, dialect, 'scorecards.results');
}
