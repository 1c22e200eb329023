import type { EventBus } from '../store/event-bus.js';

/** A change worth telling watchers about (the SSE stream sends these as they happen). */
export interface PlatformEvent {
  type: 'request.applied' | 'request.status' | 'request.deleting' | 'request.deleted' | 'capability.published' | 'capability.deleted' | 'destination.applied';
  at: string;
  namespace?: string;
  name?: string;
  kind?: string;
  generation?: number;
  phase?: string;
  message?: string;
  runId?: string;
  capability?: string;
  version?: string;
}

const TOPIC = 'platform';
/** A status message can be a long error; the event carries its start and the request holds all of it. */
const MAX_MESSAGE_CHARS = 1_000;

/**
 * Publish/subscribe for platform changes over the store's event bus, so a watcher connected to one replica
 * sees the reconciles every replica runs (on PostgreSQL; on SQLite there is one process).
 * @example const off = events.subscribe(event => console.log(event.type)); … off();
 */
export class PlatformEvents {
  readonly #bus: EventBus;

  constructor(bus: EventBus) {
    this.#bus = bus;
  }

  emit(event: PlatformEvent): void {
    const message = event.message && event.message.length > MAX_MESSAGE_CHARS ? `${event.message.slice(0, MAX_MESSAGE_CHARS - 1)}…` : event.message;
    this.#bus.publish(TOPIC, message === undefined ? event : { ...event, message });
  }

  subscribe(listener: (event: PlatformEvent) => void): () => void {
    return this.#bus.subscribe(TOPIC, message => listener(message as PlatformEvent));
  }

  /** Resolves once this process hears the other replicas' events too; rejects while it cannot (local events still arrive). */
  ready(): Promise<void> {
    return this.#bus.ready();
  }
}
