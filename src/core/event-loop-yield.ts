import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Synchronous work allowed between two yields: short enough that HTTP requests and timers keep flowing. A request
 * that arrives mid-stretch waits for the rest of it, and issue 18 asks 10 ms p99 of a read during a refresh; a yield
 * with nothing waiting costs microseconds.
 */
const DEFAULT_BUDGET_MS = 5;

/**
 * Long catalog work (parsing a big location, writing 100k entities) calls the returned function
 * between small pieces of work: once `budgetMs` of work has passed since the last yield, it lets the
 * event loop run (I/O, timers, other requests) before going on. Without it, promise chains that never
 * wait for I/O — better-sqlite3 answers synchronously — keep the loop blocked until the whole job ends.
 * @example const pause = loopYielder(); for (const chunk of chunks) { await write(chunk); await pause(); }
 */
export function loopYielder(budgetMs = DEFAULT_BUDGET_MS): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < budgetMs) return;
    await nextTurn();
    since = performance.now();
  };
}
