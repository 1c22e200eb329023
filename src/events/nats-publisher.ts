import type { NatsConnection } from 'nats';
import type { NatsConfig } from './events-config.js';
import type { Logger } from '../core/logger.js';
import type { EventConsumer } from '../store/event-consumers.js';
import type { PaveEvent } from '../store/event-log.js';
import { deliveryBody } from './delivery-store.js';

/** How long to wait for a connection, a flush or a JetStream acknowledgement before the batch counts as failed. */
const TIMEOUT_MS = 5_000;

/**
 * The event consumer `events.nats`: publishes every event on `<subjectPrefix>.<type>` (by default
 * `pave.catalog.entity.updated` and so on) with the same JSON body a webhook gets and the event id as
 * `Nats-Msg-Id`. With a stream configured it publishes through JetStream and waits for every
 * acknowledgement (the stream, created when missing, covers `<subjectPrefix>.>` and drops a repeated
 * message id); without one it publishes on core NATS and flushes. Anything short of that — the server down,
 * no acknowledgement — throws, so the consumer's cursor stays put and the batch is published again later:
 * nothing is lost, and JetStream de-duplicates what was published twice.
 * @example consumers.register(new NatsPublisher({ url: 'nats://127.0.0.1:4222', stream: 'PAVE', subjectPrefix: 'pave' }));
 */
export class NatsPublisher implements EventConsumer {
  readonly name = 'events.nats';
  readonly #config: Readonly<NatsConfig>;
  readonly #logger: Logger | undefined;
  #connection: Promise<NatsConnection> | undefined;
  #streamReady = false;

  constructor(config: NatsConfig, options: { logger?: Logger } = {}) {
    this.#config = Object.freeze({ ...config });
    this.#logger = options.logger;
  }

  async handle(events: readonly PaveEvent[]): Promise<void> {
    try {
      const connection = await this.#connect();
      const { headers: natsHeaders } = await import('nats');
      const { stream, subjectPrefix } = this.#config;
      const messages = events.map(event => {
        const h = natsHeaders();
        h.set('Nats-Msg-Id', event.id);
        h.set('Pave-Event-Type', event.type);
        return { event, subject: `${subjectPrefix}.${event.type}`, data: new TextEncoder().encode(deliveryBody(event)), headers: h };
      });
      if (stream) {
        await this.#ensureStream(connection, stream);
        const js = connection.jetstream({ timeout: TIMEOUT_MS });
        // Pipelined on one connection, so the server stores them in this order; each ack is awaited.
        await Promise.all(messages.map(m => js.publish(m.subject, m.data, { msgID: m.event.id, headers: m.headers, timeout: TIMEOUT_MS })));
      } else {
        for (const m of messages) connection.publish(m.subject, m.data, { headers: m.headers });
        await withTimeout(connection.flush(), 'flush');
      }
    } catch (error) {
      // Start afresh next time: a broken connection may hold unsent messages we are about to publish again.
      await this.close();
      this.#logger?.warn({ err: error, server: serverOf(this.#config.url) }, 'publishing events to NATS failed; they will be published again');
      throw error;
    }
  }

  /** Closes the connection (a later batch opens a new one). */
  async close(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    this.#streamReady = false;
    if (connection) await connection.then(c => c.close()).catch(() => undefined);
  }

  #connect(): Promise<NatsConnection> {
    if (!this.#connection) {
      // No reconnecting in the background: a lost connection fails the batch, which is handed again. The client is
      // imported on first use: most Paves publish to no NATS, and it is ~11 MiB of a process's memory once loaded.
      const opening = import('nats').then(({ connect }) => connect({ servers: this.#config.url, name: 'pave', reconnect: false, timeout: TIMEOUT_MS }));
      this.#connection = opening;
      opening.then(
        c =>
          void c.closed().then(() => {
            if (this.#connection === opening) this.#connection = undefined;
          }),
        () => {
          if (this.#connection === opening) this.#connection = undefined;
        },
      );
    }
    return this.#connection;
  }

  async #ensureStream(connection: NatsConnection, stream: string): Promise<void> {
    if (this.#streamReady) return;
    const manager = await connection.jetstreamManager({ timeout: TIMEOUT_MS });
    try {
      await manager.streams.info(stream);
    } catch (error) {
      if (!/stream not found/i.test((error as Error).message)) throw error;
      await manager.streams.add({ name: stream, subjects: [`${this.#config.subjectPrefix}.>`] });
      this.#logger?.info({ stream }, 'created the NATS stream for Pave events');
    }
    this.#streamReady = true;
  }
}

/** `host:port` of a NATS URL: never the user name or password it may hold. */
function serverOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`NATS ${what} timed out after ${TIMEOUT_MS} ms`)), TIMEOUT_MS)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
