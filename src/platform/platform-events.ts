import { EventEmitter } from 'node:events';

/** A change worth telling watchers about (the SSE stream sends these as they happen). */
export interface PlatformEvent {
  type: 'request.applied' | 'request.status' | 'request.deleting' | 'request.deleted' | 'capability.published' | 'destination.applied';
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

/**
 * In-process publish/subscribe for platform changes. Each process reports what it did itself; a watcher
 * connected to one replica sees the reconciles that replica runs.
 * @example const off = events.subscribe(event => console.log(event.type)); … off();
 */
export class PlatformEvents {
  readonly #emitter = new EventEmitter();

  constructor() {
    this.#emitter.setMaxListeners(0);
  }

  emit(event: PlatformEvent): void {
    this.#emitter.emit('event', event);
  }

  subscribe(listener: (event: PlatformEvent) => void): () => void {
    this.#emitter.on('event', listener);
    return () => this.#emitter.off('event', listener);
  }
}
