import { EVENTS_TOPIC, type EventLog, type PaveEvent } from './event-log.js';
import type { Store } from './store.js';

/** Where to follow the log from, and which events. */
export interface FollowQuery {
  /** Events after this sequence number (a caller's `Last-Event-ID`, or the newest when it connected). */
  after: number;
  /** Only these types; a type ending in `.*` matches a prefix. */
  types?: readonly string[];
}

export interface FollowOptions {
  /** Ends the following (the generator returns). */
  signal: AbortSignal;
  /** How often the table is read when no wake-up came (another replica's may be missed). Default 1000. */
  pollMs?: number;
}

const BATCH = 500;

/**
 * Follows the event log live: yields, in order, every event after `query.after` (of `query.types`), then the
 * ones appended later, until `signal` aborts. It always reads the table, so nothing committed is missed; the
 * store's event bus only wakes it after commits that appended events, and a poll covers wake-ups lost between
 * replicas. For streams to clients (server-sent events) that must see every change once they connected.
 * @example
 *   for await (const event of followEvents(store, log, { after: await log.latest(), types: ['platform.*'] }, { signal })) send(event);
 */
export async function* followEvents(store: Store, log: EventLog, query: FollowQuery, options: FollowOptions): AsyncGenerator<PaveEvent> {
  const { signal } = options;
  const pollMs = options.pollMs ?? 1000;
  let after = query.after;
  // Subscribed before each read, so a commit made while reading is not slept through.
  let appended = false;
  let wake: (() => void) | undefined;
  const unsubscribe = store.events.subscribe(EVENTS_TOPIC, () => {
    appended = true;
    wake?.();
  });
  try {
    while (!signal.aborted) {
      appended = false;
      // Numbers follow commit order, so every event up to the newest number read first is in the table now:
      // a batch that is not full may move the cursor past events of other types too.
      const newest = await log.latest();
      const batch = await log.read({ after, limit: BATCH, ...(query.types ? { types: query.types } : {}) });
      for (const event of batch) {
        after = event.seq;
        yield event;
        if (signal.aborted) return;
      }
      if (batch.length === BATCH) continue;
      after = Math.max(after, newest);
      if (appended) continue;
      await new Promise<void>(resolve => {
        const done = () => {
          clearTimeout(timer);
          wake = undefined;
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, pollMs);
        wake = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
  } finally {
    unsubscribe();
  }
}
