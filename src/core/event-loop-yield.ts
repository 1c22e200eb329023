import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Synchronous work allowed between two yields: short enough that HTTP requests and timers keep flowing. A request
 * that arrives mid-stretch waits for the rest of it, and issue 18 asks 10 ms p99 of a read during a refresh; a yield
 * with nothing waiting costs microseconds.
 */
const DEFAULT_BUDGET_MS = 5;

/**
 * Work between two calls of a pass's pause: the pause (a {@link loopYielder}) yields once its own budget is spent, so
 * this only bounds how often it is awaited (at most ~1,000 times a second).
 */
const CHECK_EVERY_MS = 1;

/**
 * Long catalog work (parsing a big location, writing 100k entities) calls the returned function
 * between small pieces of work: once `budgetMs` of work has passed since the last yield, it lets the
 * event loop run (I/O, timers, other requests) before going on. Without it, promise chains that never
 * wait for I/O — better-sqlite3 answers synchronously — keep the loop blocked until the whole job ends.
 * For a pass over many small items, {@link forEachPausing}.
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

/**
 * Runs `each` on every item, calling `pause` (a {@link loopYielder}) once a millisecond of their work has passed and
 * not awaiting at all in between: awaiting the pause after each item — a promise and a microtask — was 20–50 ms of
 * CPU over the ~175k items of a 15.7k-entity refresh's passes. By the clock, not a count of items: an item may cost
 * a microsecond (a map entry) or milliseconds (an entity with a large API definition, serialised and hashed).
 * @example await forEachPausing(rows, pause, row => byRef.set(row.ref, row));
 */
export async function forEachPausing<T>(items: Iterable<T>, pause: () => Promise<void>, each: (item: T) => void): Promise<void> {
  let since = performance.now();
  for (const item of items) {
    each(item);
    if (performance.now() - since < CHECK_EVERY_MS) continue;
    await pause();
    since = performance.now();
  }
}
