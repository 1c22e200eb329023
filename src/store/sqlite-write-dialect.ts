import SqliteDatabase from 'better-sqlite3';
import type { Worker } from 'node:worker_threads';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';
import { nodeEntry, type NodeEntry } from '../core/node-entry.js';
import { startNodeWorker } from '../core/node-worker.js';
import { batchCarriedBy, StatementInOrderError } from './statements-in-order.js';

type Statement = { sql: string; parameters: readonly unknown[] };
type StatementAnswer = { rows: unknown[] } | { changes: number; lastInsertRowid: number | bigint };
/** A statement's error; a batch's names its failing statement's place in the batch. */
type ErrorAnswer = { error: { name: string; message: string; code?: string }; index?: number };
/** What the worker is sent: one statement, statements to run in order (statements-in-order.ts), or the word to close the database. */
export type WorkerRequest = Statement | { batch: Statement[] } | 'close';
/**
 * What the worker answers: that the database is open, a statement's rows (a large result's first rows as parts, each
 * its own message, before the answer) or changes, a batch's answers, or an error (a batch's: its first statement that failed, and where).
 */
export type WorkerAnswer =
  | { ready: true }
  | { part: unknown[] }
  | StatementAnswer
  | { results: StatementAnswer[] }
  | ErrorAnswer;

/** Built or from source: the worker entry beside this module (a flat bundle has it beside every chunk). */
const ENTRY: NodeEntry = nodeEntry('./sqlite-write-worker.js', import.meta.url);

/**
 * Kysely's SQLite dialect with its one connection in a worker thread (sqlite-write-worker.js). better-sqlite3 is
 * synchronous: on the main thread every statement of a large write held the event loop (deleting 200 entities'
 * search rows ~70 ms, a COMMIT up to 239 ms), and requests waited behind it. Here the main thread sends each
 * statement and waits for its answer like for any I/O. Queued like Kysely's driver: a query or transaction holds
 * the connection until it is done. A statement's SQLite error reaches the caller as a `SqliteError` with its code (a
 * batch's inside a `StatementInOrderError` that names the statement).
 * `:memory:` works too: the worker's connection is then the database's only one (there is no read connection).
 * @example new Kysely({ dialect: new SqliteWriteDialect('.pave/pave.db') })
 */
export class SqliteWriteDialect implements Dialect {
  readonly #file: string;

  constructor(file: string) {
    this.#file = file;
  }

  createDriver(): Driver {
    return new SqliteWriteDriver(this.#file);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

class SqliteWriteDriver implements Driver {
  readonly #file: string;
  #connection: WorkerConnection | undefined;
  /** Settles when the holder of the connection releases it; the next one waits for it. */
  #held: Promise<void> = Promise.resolve();
  #release: () => void = () => undefined;

  constructor(file: string) {
    this.#file = file;
  }

  async init(): Promise<void> {
    this.#connection = await WorkerConnection.open(this.#file);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#held;
    let release!: () => void;
    this.#held = new Promise(resolve => (release = resolve));
    await previous;
    this.#release = release;
    return this.#connection!;
  }

  async releaseConnection(): Promise<void> {
    this.#release();
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  /** Closes once the query or transaction holding the connection is done (a write under way commits); those after it fail. */
  async destroy(): Promise<void> {
    const connection = (await this.acquireConnection()) as WorkerConnection | undefined;
    await connection?.close();
    this.#release();
  }
}

/** The one connection: statements go to the worker in order and its answers come back in the same order. */
class WorkerConnection implements DatabaseConnection {
  readonly #worker: Worker;
  readonly #pending: Array<{ resolve: (answer: WorkerAnswer) => void; reject: (error: Error) => void; parts?: unknown[][] }> = [];
  /** Why the worker can take no more statements (it failed, exited, or was closed). */
  #gone: Error | undefined;

  private constructor(worker: Worker) {
    this.#worker = worker;
    // Referenced only while a statement waits for its answer: an idle store keeps no process alive, as a
    // connection on the main thread would not.
    worker.unref();
    worker.on('message', (answer: WorkerAnswer) => {
      if ('part' in answer) {
        const waiting = this.#pending[0];
        if (waiting) (waiting.parts ??= []).push(answer.part);
        return;
      }
      const waiting = this.#pending.shift();
      waiting?.resolve(waiting.parts && 'rows' in answer ? { rows: waiting.parts.concat([answer.rows]).flat() } : answer);
      if (!this.#pending.length) worker.unref();
    });
    worker.on('error', error => this.#fail(new Error(`the SQLite write worker failed: ${error?.message ?? String(error)}`, { cause: error })));
    worker.on('exit', code => this.#fail(new Error(`the SQLite write worker exited (code ${code})`)));
  }

  /** Starts the worker and resolves once it has opened the database (or rejects with why it could not). */
  static async open(file: string): Promise<WorkerConnection> {
    // No inherited `--import tsx` (a test's): the entry is plain JavaScript, and loading tsx was ~0.4 s a store.
    const connection = new WorkerConnection(startNodeWorker(ENTRY, { workerData: { file }, execArgv: [] }));
    const first = await connection.#ask(undefined);
    if ('error' in first) throw workerError(first.error);
    return connection;
  }

  /** A batch of statements-in-order.ts answers its statements' results as its rows. */
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const batch = batchCarriedBy(query);
    const answer = await this.#ask(batch ? { batch: batch.map(({ sql, parameters }) => ({ sql, parameters })) } : { sql: query.sql, parameters: query.parameters });
    if ('error' in answer) {
      const error = workerError(answer.error);
      throw batch && answer.index !== undefined ? new StatementInOrderError(answer.index, batch.length, batch[answer.index]!.sql, error) : error;
    }
    if ('results' in answer) return { rows: answer.results.map(queryResult) as R[] };
    return queryResult(answer as StatementAnswer) as QueryResult<R>;
  }

  /** Whole results only: a large one's rows come from the worker in parts, gathered before they are yielded. */
  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    yield await this.executeQuery<R>(query);
  }

  /** Closes the database (the worker checkpoints the WAL as the last connection) and waits for the thread to end. */
  async close(): Promise<void> {
    if (this.#gone) return;
    const exited = new Promise(resolve => this.#worker.once('exit', resolve));
    this.#fail(new Error('the SQLite store is closed'));
    // Referenced until it has ended: unreferenced, a process with nothing else to do would exit with this await unsettled.
    this.#worker.ref();
    this.#worker.postMessage('close' satisfies WorkerRequest);
    await exited;
  }

  /** Sends `request` (none: waits for the worker's first answer, that it is ready) and resolves with its answer. */
  #ask(request: WorkerRequest | undefined): Promise<WorkerAnswer> {
    if (this.#gone) return Promise.reject(this.#gone);
    return new Promise((resolve, reject) => {
      // Posted before it waits for an answer: parameters that cannot be cloned throw here, and a waiting entry left
      // behind would take the next statement's answer.
      if (request !== undefined) this.#worker.postMessage(request);
      this.#pending.push({ resolve, reject });
      this.#worker.ref();
    });
  }

  /** Refuses every statement from now on, and those waiting for an answer, with `reason`. */
  #fail(reason: Error): void {
    this.#gone ??= reason;
    for (const pending of this.#pending.splice(0)) pending.reject(this.#gone);
  }
}

function queryResult(answer: StatementAnswer): QueryResult<unknown> {
  if ('rows' in answer) return { rows: answer.rows };
  return { numAffectedRows: BigInt(answer.changes), insertId: BigInt(answer.lastInsertRowid), rows: [] };
}

/** The worker's error as the caller would have had it on the main thread: SQLite's own carry their code. */
function workerError({ name, message, code }: { name: string; message: string; code?: string }): Error {
  if (name === 'SqliteError' && code !== undefined) return new SqliteDatabase.SqliteError(message, code);
  // better-sqlite3 reports bad bindings as TypeError or RangeError: kept as such.
  const error = name === 'TypeError' ? new TypeError(message) : name === 'RangeError' ? new RangeError(message) : new Error(message);
  error.name = name;
  return error;
}
