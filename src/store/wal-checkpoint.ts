import { nodeEntry, type NodeEntry } from '../core/node-entry.js';
import { startNodeWorker } from '../core/node-worker.js';

/** What one checkpoint did: frames in the WAL, and how many of them are now in the database file. */
export interface WalCheckpointResult {
  log: number;
  checkpointed: number;
}

/** Built or from source: the worker entry beside this module (a flat bundle has it beside every chunk). */
const ENTRY: NodeEntry = nodeEntry('./wal-checkpoint-worker.js', import.meta.url);

/**
 * Checkpoints a SQLite file's WAL in a worker thread with its own connection, one checkpoint at a time. SQLite's
 * automatic checkpoint runs inside the COMMIT that crosses its threshold, on the committing thread: after a first
 * load it copies the whole WAL into the database file (~230 MiB at 15.7k entities, ~3 GiB at 100k) while the event
 * loop waits, and the write's answer with it. Nothing needs that copy to read the committed rows: readers read
 * them from the WAL meanwhile. The worker lives for one checkpoint (a few tens of ms to start, against seconds of
 * copying): an idle one would keep its heap for nothing.
 * @example const { log, checkpointed } = await new WalCheckpointer('.pave/pave.db').checkpoint();
 */
export class WalCheckpointer {
  readonly #file: string;
  /** The checkpoint under way or the last one: a new one, or `close`, waits for it. */
  #last: Promise<unknown> = Promise.resolve();

  constructor(file: string) {
    this.#file = file;
  }

  /** Checkpoints the WAL (PASSIVE: as far as readers and the writer let it, without waiting for them). */
  checkpoint(): Promise<WalCheckpointResult> {
    const next = this.#last.catch(() => undefined).then(() => this.#run());
    this.#last = next;
    return next;
  }

  /** Waits for the checkpoint under way, if any. */
  async close(): Promise<void> {
    await this.#last.catch(() => undefined);
  }

  async #run(): Promise<WalCheckpointResult> {
    const worker = startNodeWorker(ENTRY, { workerData: { file: this.#file } });
    try {
      return await new Promise<WalCheckpointResult>((resolve, reject) => {
        worker.once('message', resolve).once('error', reject).once('exit', () => reject(new Error('the checkpoint worker exited before it answered')));
        worker.postMessage('checkpoint');
      });
    } finally {
      await worker.terminate();
    }
  }
}
