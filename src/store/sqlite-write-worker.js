/**
 * The worker thread of sqlite-write-dialect.ts: owns a SQLite database's one write connection and runs the
 * statements sent to it, one at a time in the order they come, answering each with its rows or its changes, and a
 * batch of statements in order with one answer. It is its own bundle entry (scripts/bundle-cli.ts). Plain
 * JavaScript, as statement-cache.js: a worker started from source needs no TypeScript loader then (it cost ~0.4 s of
 * CPU for every store opened). Its messages are sqlite-write-dialect.ts' `WorkerRequest` and `WorkerAnswer`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import { withStatementCache } from './statement-cache.js';

/**
 * Rows per message of a large result: the main thread takes each message apart in one go, and a read of thousands
 * of entities' bodies in one message held its event loop for tens of ms.
 */
const ROWS_PER_MESSAGE = 500;

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
const database = opened();
if (database) {
  const statements = withStatementCache(database);
  port.on('message', request => {
    if (request === 'close') {
      // The last connection to close checkpoints the WAL; the thread then ends with nothing left to listen to.
      database.close();
      port.close();
      return;
    }
    if ('batch' in request) {
      port.postMessage(runBatch(statements, request.batch));
      return;
    }
    const answer = run(statements, request);
    if ('rows' in answer) {
      const { rows } = answer;
      let start = 0;
      for (; rows.length - start > ROWS_PER_MESSAGE; start += ROWS_PER_MESSAGE) port.postMessage({ part: rows.slice(start, start + ROWS_PER_MESSAGE) });
      port.postMessage(start ? { rows: rows.slice(start) } : answer);
    } else {
      port.postMessage(answer);
    }
  });
  port.postMessage({ ready: true });
}

/** The database with today's pragmas; when it cannot be opened, SQLite's reason is the first answer and the thread ends. */
function opened() {
  try {
    const database = new SqliteDatabase(workerData.file);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    // 16 MiB of page cache (the default is 2 MiB): 64 MiB was ~90 MiB of a 15.7k-entity ingest's peak RSS. A write
    // of 25k entities or more raises it while it runs (catalog/bulk-load.ts): index upkeep at 100k needs it.
    database.pragma('cache_size = -16384');
    return database;
  } catch (error) {
    port.postMessage(failure(error));
    port.close();
    return undefined;
  }
}

/** Runs one statement as Kysely's SQLite driver does: a statement that returns rows answers them, others their changes. */
function run(statements, { sql, parameters }) {
  try {
    const statement = statements.prepare(sql);
    if (statement.reader) return { rows: statement.all(parameters) };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return { changes, lastInsertRowid };
  } catch (error) {
    return failure(error);
  }
}

/**
 * Runs statements in order until one fails: all their answers, or the first one's error and its place in the batch
 * (those after it do not run).
 */
function runBatch(statements, batch) {
  const results = [];
  for (const [index, request] of batch.entries()) {
    const answer = run(statements, request);
    if ('error' in answer) return { ...answer, index };
    results.push(answer);
  }
  return { results };
}

/** An error as it can cross to the main thread: its class's name, message and SQLite's code. */
function failure(error) {
  const { name, message, code } = error;
  return { error: { name, message, ...(code === undefined ? {} : { code }) } };
}
