import type { Job, JobQueue } from '../store/job-queue.js';

/**
 * Turns to push to a branch, taken by every process writing to it. Processes that push to one branch at
 * the same time keep refusing each other (each push moves the branch under the others), and the loser of
 * every race pays a fetch and a rebase; taking turns, each process pushes everything it has committed while
 * it waited. Turns only spare work: git's own check of the branch's old value still decides every push.
 */
export interface PushTurns {
  /** Waits for this process's turn at `key` (a repository and branch). */
  take(key: string): Promise<PushTurn>;
}

export interface PushTurn {
  /** The branch's head as the previous holder left it, when it said (a different one means: fetch first). */
  head?: string;
  /** Ends the turn, telling the next holder the branch's head (undefined when unsure, e.g. after a failure). */
  end(head: string | undefined): Promise<void>;
}

const TURN_QUEUE = 'gitops.push-turn';

/**
 * Push turns held as leases on rows of the job queue (one row per branch), so they work across processes and
 * machines sharing the store. A process killed during its turn holds it until the lease runs out.
 * @example const turns = new QueuePushTurns(queue, { leaseMs: 10_000 }); const end = await turns.take(key); … await end();
 */
export class QueuePushTurns implements PushTurns {
  readonly #queue: JobQueue;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  readonly #known = new Set<string>();

  constructor(queue: JobQueue, options: { leaseMs: number; pollMs?: number }) {
    this.#queue = queue;
    this.#leaseMs = options.leaseMs;
    this.#pollMs = options.pollMs ?? 20;
  }

  async take(key: string): Promise<PushTurn> {
    if (!this.#known.has(key)) {
      await this.#queue.enqueue(TURN_QUEUE, key, {});
      this.#known.add(key);
    }
    let turn: Job<{ head?: string }> | undefined;
    while (!(turn = await this.#queue.claimKey<{ head?: string }>(TURN_QUEUE, key, this.#leaseMs))) await new Promise(resolve => setTimeout(resolve, this.#pollMs));
    const held = turn;
    return {
      ...(typeof held.payload.head === 'string' ? { head: held.payload.head } : {}),
      end: async head => {
        await this.#queue.finish(held, { rescheduleAt: new Date(0), payload: head === undefined ? {} : { head } });
      },
    };
  }
}
