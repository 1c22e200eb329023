import { CompiledQuery, type QueryResult } from 'kysely';
import type { DialectName } from './dialect.js';
import type { Db } from './store.js';

/** The statements each carrier query stands for (a compiled query is frozen: nothing can be attached to it). */
const batches = new WeakMap<CompiledQuery, readonly CompiledQuery[]>();

/**
 * Runs statements in order on `db`'s connection (in its transaction, if it is one) and answers each one's result.
 * On SQLite they go to the write worker (sqlite-write-dialect.ts) as one message with one answer, not a round trip
 * each: for statements whose results nothing between them needs (a chunk's deletes and inserts). The first that fails
 * throws its error, and those after it do not run. On PostgreSQL they run one after another.
 * @example await runInOrder(trx, 'sqlite', [CompiledQuery.raw('delete from t where k = ?', [1]), CompiledQuery.raw('insert into t (k) values (?)', [1])]);
 */
export async function runInOrder(db: Db, dialect: DialectName, queries: readonly CompiledQuery[]): Promise<QueryResult<unknown>[]> {
  if (dialect !== 'sqlite' || queries.length < 2) {
    const results: QueryResult<unknown>[] = [];
    for (const query of queries) results.push(await db.executeQuery(query));
    return results;
  }
  // Only the write worker's connection knows the carrier; anywhere else it is a text with no statement, and fails.
  const carrier = CompiledQuery.raw('-- a batch of statements for the SQLite write worker');
  batches.set(carrier, queries);
  return (await db.executeQuery(carrier)).rows as QueryResult<unknown>[];
}

/** The statements `query` carries, if it is a batch of {@link runInOrder}'s. */
export function batchCarriedBy(query: CompiledQuery): readonly CompiledQuery[] | undefined {
  return batches.get(query);
}
