import { CompiledQuery, type QueryResult } from 'kysely';
import type { DialectName } from './dialect.js';
import type { Db } from './store.js';

/** The statements each carrier query stands for (a compiled query is frozen: nothing can be attached to it). */
const batches = new WeakMap<CompiledQuery, readonly CompiledQuery[]>();

/**
 * Runs statements in order on `db`'s connection (in its transaction, if it is one) and answers each one's result.
 * On SQLite they go to the write worker (sqlite-write-dialect.ts) as one message with one answer, not a round trip
 * each: for statements whose results nothing between them needs (a chunk's deletes and inserts). The first that fails
 * throws a {@link StatementInOrderError} naming it, and those after it do not run. On PostgreSQL they run one after another.
 * @example await runInOrder(trx, 'sqlite', [CompiledQuery.raw('delete from t where k = ?', [1]), CompiledQuery.raw('insert into t (k) values (?)', [1])]);
 */
export async function runInOrder(db: Db, dialect: DialectName, queries: readonly CompiledQuery[]): Promise<QueryResult<unknown>[]> {
  if (dialect !== 'sqlite' || queries.length < 2) {
    const results: QueryResult<unknown>[] = [];
    for (const [index, query] of queries.entries()) {
      try {
        results.push(await db.executeQuery(query));
      } catch (error) {
        throw new StatementInOrderError(index, queries.length, query.sql, error);
      }
    }
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

/** How much of a failing statement's SQL its error quotes: enough to tell a chunk's statements apart. */
const QUOTED_SQL_LENGTH = 80;

/**
 * Statement `index` (from 0) of a {@link runInOrder} batch failed: a chunk's statements are many and alike, and the
 * database's message alone did not say which. The database's error is the `cause`; its `code` (SQLite's, or
 * PostgreSQL's SQLSTATE such as 23505 for a unique violation) is kept on this error too, for callers that check it.
 */
export class StatementInOrderError extends Error {
  readonly code: unknown;

  constructor(readonly index: number, count: number, statementSql: string, cause: unknown) {
    const quoted = statementSql.length > QUOTED_SQL_LENGTH ? `${statementSql.slice(0, QUOTED_SQL_LENGTH)}…` : statementSql;
    super(`statement ${index} (from 0) of ${count} in order failed: ${cause instanceof Error ? cause.message : String(cause)} — ${quoted}`, { cause });
    this.name = 'StatementInOrderError';
    this.code = (cause as { code?: unknown } | undefined)?.code;
  }
}
