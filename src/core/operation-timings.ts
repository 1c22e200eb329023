/**
 * Timings of operations that lower layers perform (a git push) and upper ones measure (the operations
 * module's metrics), without the lower layer knowing who listens. In process only; nothing is kept.
 */

/** One operation that ended. */
export interface OperationTiming {
  /** `<area>.<operation>`, e.g. `git.push`. */
  readonly operation: string;
  readonly seconds: number;
  readonly outcome: 'ok' | 'error';
}

type Listener = (timing: OperationTiming) => void;
const listeners = new Set<Listener>();

/**
 * Calls `listener` for every timed operation that ends in this process; returns the unsubscribe function.
 * @example const stop = onOperationTiming(t => histogram.observe({ operation: t.operation }, t.seconds));
 */
export function onOperationTiming(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Runs `work`, telling the listeners how long it took and whether it threw.
 * @example await timed('git.push', () => runGit(['push', …]));
 */
export async function timed<T>(operation: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  let outcome: OperationTiming['outcome'] = 'error';
  try {
    const result = await work();
    outcome = 'ok';
    return result;
  } finally {
    const timing: OperationTiming = { operation, seconds: (performance.now() - started) / 1000, outcome };
    for (const listener of listeners) {
      try {
        listener(timing);
      } catch {
        // A listener's failure never fails the operation.
      }
    }
  }
}
