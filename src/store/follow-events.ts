import { EVENTS_TOPIC, type EventLog, type EventQuery, type PaveEvent } from './event-log.js';
import type { Store } from './store.js';

/**
 * Follows the event log from a seq for as long as `signal` allows: batches of events in order as they are
 * committed, woken by the store's event bus after each commit that appended some, and reading the table
 * anyway every `pollMs` (a wake-up from another replica may be lost; the table is the truth). For
 * server-sent streams and other live readers that need every event once, in order, from a point.
 * @example for await (const batch of followEvents(store, log, { after: 0, signal })) for (const event of batch) send(event);
 */
export async function* followEvents(
  store: Store,
  log: EventLog,
  options: Omit<EventQuery, 'after'> & { after: number; signal: AbortSignal; pollMs?: number },
): AsyncGenerator<PaveEvent[]> {
  const { signal, pollMs = 1000, after: start, ...query } = options;
  let after = start;
  let wake: (() => void) | undefined;
  const unsubscribe = store.events.subscribe(EVENTS_TOPIC, () => wake?.());
  const onAbort = () => wake?.();
  signal.addEventListener('abort', onAbort);
  try {
    while (!signal.aborted) {
      // The newest seq before reading: a filtered read that finds nothing has seen every event up to it.
      const horizon = await log.latest();
      const batch = await log.read({ ...query, after, limit: 200 });
      if (batch.length) {
        after = batch[batch.length - 1]!.seq;
        yield batch;
        continue;
      }
      after = Math.max(after, horizon);
      // Nothing new: wait for a wake-up, the poll, or the end.
      await new Promise<void>(resolve => {
        const timer = setTimeout(done, pollMs);
        function done() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    unsubscribe();
  }
}
