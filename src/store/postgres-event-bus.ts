import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../core/logger.js';
import { encodeMessage, LocalSubscribers, type EventBus } from './event-bus.js';

const MAX_CHANNEL_BYTES = 63;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;

interface Envelope {
  /** The publishing bus, which has already delivered the message to its own subscribers. */
  o: string;
  t: string;
  m: unknown;
}

/**
 * The bus of replicas sharing a PostgreSQL database: each message is delivered here at once and sent with
 * `pg_notify` on one channel per Pave schema, which every replica LISTENs to on a connection of its own.
 * The connection is opened on first use and reopened (with backoff) when it drops while anyone listens.
 * @example const bus = new PostgresEventBus({ url: 'postgres://postgres@127.0.0.1:5432/test', schema: 'pave' });
 */
export class PostgresEventBus extends LocalSubscribers implements EventBus {
  /** NOTIFY channels are per database, not per schema: two Paves in one database must not hear each other. */
  readonly channel: string;
  readonly #url: string;
  readonly #origin = randomUUID();
  readonly #sending = new Set<Promise<void>>();
  /** One NOTIFY at a time on the connection (pg does not want overlapping queries), in publishing order. */
  #lastSend: Promise<void> = Promise.resolve();
  #client: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  #retryMs = RETRY_MIN_MS;
  #retryTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(config: { url: string; schema?: string; logger?: Logger }) {
    super(config);
    this.#url = config.url;
    this.channel = channelFor(config.schema);
  }

  publish(topic: string, message: object): void {
    const text = encodeMessage(message);
    this.deliver(topic, text);
    if (this.#closed) return;
    const sent = this.#notify(JSON.stringify({ o: this.#origin, t: topic, m: JSON.parse(text) } satisfies Envelope))
      .catch(error => this.logger?.warn({ err: error, topic }, 'could not send an event to the other replicas'))
      .finally(() => this.#sending.delete(sent));
    this.#sending.add(sent);
  }

  override subscribe(topic: string, listener: (message: unknown) => void): () => void {
    const unsubscribe = super.subscribe(topic, listener);
    this.#connection().catch(() => undefined);
    return unsubscribe;
  }

  async ready(): Promise<void> {
    await this.#connection();
  }

  async close(): Promise<void> {
    await Promise.all([...this.#sending]);
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    const client = this.#client ?? (await this.#connecting?.catch(() => undefined));
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  #notify(payload: string): Promise<void> {
    const send = this.#lastSend.then(async () => {
      const client = await this.#connection();
      await client.query('SELECT pg_notify($1, $2)', [this.channel, payload]);
    });
    this.#lastSend = send.catch(() => undefined);
    return send;
  }

  #connection(): Promise<pg.Client> {
    if (this.#closed) return Promise.reject(new Error('the event bus is closed'));
    if (this.#client) return Promise.resolve(this.#client);
    this.#connecting ??= this.#connect().finally(() => (this.#connecting = undefined));
    return this.#connecting;
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.#url });
    client.on('notification', notification => this.#received(notification.payload));
    client.on('error', error => this.#lost(client, error));
    client.on('end', () => this.#lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.channel)}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      this.#lost(client, error);
      throw error;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      throw new Error('the event bus is closed');
    }
    this.#client = client;
    this.#retryMs = RETRY_MIN_MS;
    return client;
  }

  #received(payload: string | undefined): void {
    if (!payload) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(payload) as Envelope;
    } catch (error) {
      this.logger?.warn({ err: error, channel: this.channel }, 'ignored an unreadable event bus message');
      return;
    }
    if (envelope.o === this.#origin || typeof envelope.t !== 'string') return;
    this.deliver(envelope.t, JSON.stringify(envelope.m));
  }

  /** A connection failed or ended: forget it and, while anyone here listens, open another after a pause. */
  #lost(client: pg.Client, error?: unknown): void {
    if (this.#client === client) this.#client = undefined;
    if (this.#closed) return;
    if (error) this.logger?.warn({ err: error, channel: this.channel }, 'the event bus lost its PostgreSQL connection; other replicas’ events are missed until it is back');
    if (!this.listening || this.#retryTimer) return;
    const wait = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (!this.#client && this.listening) this.#connection().catch(() => undefined);
    }, wait);
    this.#retryTimer.unref();
  }
}

/** `pave_events`, or `pave_events:<schema>` (hashed when too long for a channel name). */
function channelFor(schema?: string): string {
  if (!schema) return 'pave_events';
  const named = `pave_events:${schema}`;
  return Buffer.byteLength(named) <= MAX_CHANNEL_BYTES ? named : `pave_events:${createHash('sha256').update(schema).digest('hex').slice(0, 32)}`;
}
