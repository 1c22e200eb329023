/**
 * The worker thread of wal-checkpoint.ts: checkpoints one SQLite file's WAL on a connection of its own, off the
 * main thread, when asked, and closes it. It is its own bundle entry (scripts/bundle-cli.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import type { WalCheckpointResult } from './wal-checkpoint.js';

// fileMustExist: a checkpoint never creates an empty database where the file has gone.
const database = new SqliteDatabase((workerData as { file: string }).file, { fileMustExist: true });
parentPort!.on('message', () => {
  // PASSIVE: copies what it can without waiting for the writer or the readers (never blocks them).
  const [row] = database.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
  const result: WalCheckpointResult = { log: row?.log ?? 0, checkpointed: row?.checkpointed ?? 0 };
  database.close();
  parentPort!.postMessage(result);
});
