import { performance } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How often the event loop's use is looked at. */
const DEFAULT_CHECK_EVERY_MS = 5_000;
/** Below this share of a check's window spent working, the process is idle. */
const DEFAULT_IDLE_UTILIZATION = 0.02;
/** The heap must have grown this much since the last compaction (or the start) for another to be worth its pause. */
const DEFAULT_MIN_GROWTH_BYTES = 16 * 1024 * 1024;

export interface HeapCheck {
  /** The V8 heap's committed size when the check began, in bytes (a compaction's pages are handed back over the next moments). */
  heapBytes: number;
  compacted: boolean;
}

export interface IdleHeapCompactionOptions {
  checkEveryMs?: number;
  idleUtilization?: number;
  minGrowthBytes?: number;
  /** Called after every check (tests, reports). */
  onCheck?: (check: HeapCheck) => void;
}

type GcFunction = () => void;

/**
 * Gives memory back once a long-running process has gone idle after work. With the heap bounded to 1.5× what is
 * alive (heap-growth.ts) the committed heap stays below what arms V8's own memory reducer, so after a refresh and
 * a burst of reads the process keeps the garbage they left (bench/README `### Session 13: memory and reads during
 * a refresh`) until the next full collection, which an idle server may not reach for hours. When the event loop
 * has worked less than 2% of a 5-second window and the heap has grown by 16 MiB since the smallest it was
 * since the last time, this runs one full collection: old garbage collected, and the pages it freed handed back
 * to the system. It takes a few tens of milliseconds per 100 MiB of heap, at a time nobody is being served. The
 * collection is reached through `--expose-gc` set at run time for one new context and unset again, so neither the
 * process's global nor any context made later has a `gc`.
 * @example const compaction = compactHeapWhenIdle(); server.addHook('onClose', async () => compaction.stop());
 */
export function compactHeapWhenIdle(options: IdleHeapCompactionOptions = {}): { stop(): void } {
  const { checkEveryMs = DEFAULT_CHECK_EVERY_MS, idleUtilization = DEFAULT_IDLE_UTILIZATION, minGrowthBytes = DEFAULT_MIN_GROWTH_BYTES, onCheck } = options;
  let gc: GcFunction | undefined;
  let baseline = getHeapStatistics().total_heap_size;
  let window = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const used = performance.eventLoopUtilization(window);
    window = performance.eventLoopUtilization();
    const heapBytes = getHeapStatistics().total_heap_size;
    // The smallest heap seen since the last compaction (or the start) is what growth is measured from.
    baseline = Math.min(baseline, heapBytes);
    const compacted = used.utilization < idleUtilization && heapBytes - baseline >= minGrowthBytes;
    if (compacted) {
      if (!gc) {
        setFlagsFromString('--expose-gc');
        gc = runInNewContext('gc') as GcFunction;
        // Contexts made later (worker threads, any vm context) get no `gc` of their own.
        setFlagsFromString('--no-expose-gc');
      }
      // A full collection (gc() with no options: on Node 20's V8 `{ type: 'major', execution: 'sync' }` collected nothing).
      gc();
      baseline = getHeapStatistics().total_heap_size;
      // The collection's own time is not the next window's work.
      window = performance.eventLoopUtilization();
    }
    onCheck?.({ heapBytes, compacted });
  }, checkEveryMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
