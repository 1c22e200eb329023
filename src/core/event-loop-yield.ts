import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Synchronous work allowed between two yields: short enough that HTTP requests and timers keep flowing. A request
 * that arrives mid-stretch waits for the rest of it, and issue 18 asks 10 ms p99 of a read during a refresh; a yield
 * with nothing waiting costs microseconds.
 */
const DEFAULT_BUDGET_MS = 5;

/** Items of a few microseconds each (a map entry, an event, a row compared) between two pauses: well under 1 ms. */
const ITEMS_A_PAUSE = 64;

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
 * Runs `each` on every item, calling `pause` (a {@link loopYielder}) after every `itemsAPause`th one and not awaiting
 * at all in between: awaiting the pause after each item — a promise and a microtask — was 20–50 ms of CPU over the
 * ~175k items of a 15.7k-entity refresh's passes. Items costing more than a few microseconds want a smaller count,
 * so that that many stay well under the pause's budget.
 * @example await forEachPausing(rows, pause, row => byRef.set(row.ref, row));
 */
export async function forEachPausing<T>(items: Iterable<T>, pause: () => Promise<void>, each: (item: T) => void, itemsAPause = ITEMS_A_PAUSE): Promise<void> {
  let count = 0;
  for (const item of items) {
    each(item);
    if (++count % itemsAPause === 0) await pause();
  }
}
