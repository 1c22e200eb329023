import type { Logger } from '../core/logger.js';

/**
 * PostgreSQL's NOTIFY refuses payloads of 8000 bytes or more. Every bus keeps to one limit (with room for the
 * envelope), so an oversized message fails on SQLite in a test as it would on PostgreSQL in production.
 */
export const MAX_MESSAGE_BYTES = 7_000;

export type BusListener = (message: unknown) => void;

/**
 * Publish/subscribe between every process sharing one store: small JSON messages on named topics ("a request
 * changed", "task 42 has new events"), never the data itself, which readers fetch from the store. Delivery is
 * best-effort (a replica whose connection drops misses what was sent meanwhile, and what is published while the
 * database is unreachable is dropped), so a subscriber that must not miss anything also reads the store. Chosen
 * by the store's dialect: in-process on SQLite, LISTEN/NOTIFY on PostgreSQL.
 * @example
 *   const off = store.events.subscribe('platform', message => console.log(message));
 *   store.events.publish('platform', { type: 'request.applied', name: 'orders-db' });
 *   off();
 */
export interface EventBus {
  /** Delivers a copy of `message` to the topic's subscribers here at once, and to those of other processes. Throws only for a message over {@link MAX_MESSAGE_BYTES}. */
  publish(topic: string, message: object): void;
  /** Calls `listener` with each message of the topic (a parsed copy); returns the function that stops it. */
  subscribe(topic: string, listener: BusListener): () => void;
  /** Resolves once messages from other processes reach this one (at once in-process); rejects when it cannot listen now. */
  ready(): Promise<void>;
  /** Stops receiving; messages still being sent get a short grace (on PostgreSQL, a second), never an unbounded wait. */
  close(): Promise<void>;
}

/** The JSON text of a message, refusing one over the limit: send the event, not big data. */
export function encodeMessage(message: object): string {
  const text = JSON.stringify(message);
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_MESSAGE_BYTES) throw new RangeError(`An event bus message holds at most ${MAX_MESSAGE_BYTES} bytes (this one has ${bytes}); send what changed, not the data`);
  return text;
}

/** Subscribers by topic, and delivery to them; each implementation adds how messages travel. */
export abstract class LocalSubscribers {
  readonly #listeners = new Map<string, Set<BusListener>>();
  protected readonly logger: Logger | undefined;

  constructor(options: { logger?: Logger } = {}) {
    this.logger = options.logger;
  }

  subscribe(topic: string, listener: BusListener): () => void {
    let set = this.#listeners.get(topic);
    if (!set) this.#listeners.set(topic, (set = new Set()));
    // Each subscription is its own entry, so subscribing the same function twice needs two unsubscribes.
    const entry: BusListener = message => listener(message);
    set.add(entry);
    return () => {
      set.delete(entry);
      if (!set.size && this.#listeners.get(topic) === set) this.#listeners.delete(topic);
    };
  }

  /** Calls each subscriber with its own parsed copy; one subscriber's failure does not stop the others. */
  protected deliver(topic: string, text: string): void {
    for (const listener of [...(this.#listeners.get(topic) ?? [])]) {
      try {
        listener(JSON.parse(text));
      } catch (error) {
        this.logger?.warn({ err: error, topic }, 'an event bus subscriber failed');
      }
    }
  }
}

/**
 * The bus of a single process (SQLite): messages reach this process's subscribers only.
 * @example const bus = new InProcessEventBus(); bus.subscribe('t', m => …); bus.publish('t', { n: 1 });
 */
export class InProcessEventBus extends LocalSubscribers implements EventBus {
  publish(topic: string, message: object): void {
    this.deliver(topic, encodeMessage(message));
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {}
}
