import { setFlagsFromString } from 'node:v8';

/** The old generation may grow by this much past what the last full collection left alive before the next one. */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Bounds how far V8 lets a long-running process's heap grow between full collections: to 1.5× what the last one
 * left alive. By default V8 picks a factor between 1.1 and 4 from its GC and allocation speeds, and allows 4 on a
 * machine with a large heap limit: after a 15.7k-entity ingest (~40 MiB alive once collected) the main thread's
 * heap grew to ~340 MiB under sequential reads before a full collection (peak RSS 465 MiB; 260–285 MiB with this).
 * The flag is read at every full collection, so setting it once the process runs takes effect (and reaches worker
 * threads: V8's flags are the process's). Not when the operator set it in node's arguments (Node refuses it in
 * NODE_OPTIONS, so `node --heap-growing-percent=N bin/pave.js serve` is the way to choose another).
 * Returns whether it was set.
 * @example boundHeapGrowth(); // in the server's start
 */
export function boundHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some(arg => /^--heap[-_]growing[-_]percent\b/.test(arg))) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
