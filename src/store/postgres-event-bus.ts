import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from '../core/logger.js';
import { encodeMessage, LocalSubscribers, type EventBus } from './event-bus.js';

const MAX_CHANNEL_BYTES = 63;
/** Messages waiting for the connection, at most; past that a new one is dropped rather than queued. */
const MAX_PENDING = 1_000;
/** Idle time before TCP keep-alive probes start, so the kernel notices a peer that vanished. */
const KEEPALIVE_DELAY_MS = 10_000;

/** How patient the bus is with its connection. The defaults suit production; tests shorten them. */
export interface PostgresEventBusTimings {
  /** Longest wait to connect and LISTEN before the attempt counts as failed. */
  connectTimeoutMs: number;
  /** How often the connection proves it still hears: it NOTIFYs itself and waits for the echo. */
  heartbeatMs: number;
  /** How long that echo may take before the connection is taken for dead and replaced. */
  heartbeatTimeoutMs: number;
  /** First pause before reconnecting; it doubles after each failure up to `retryMaxMs`. */
  retryMinMs: number;
  retryMaxMs: number;
  /** Longest `close()` waits for queued messages to go out. */
  closeGraceMs: number;
}

const DEFAULT_TIMINGS: PostgresEventBusTimings = {
  connectTimeoutMs: 10_000,
  heartbeatMs: 30_000,
  heartbeatTimeoutMs: 10_000,
  retryMinMs: 500,
  retryMaxMs: 30_000,
  closeGraceMs: 1_000,
};

interface Envelope {
  /** The sending bus: the publisher has already delivered its message to its own subscribers. */
  o: string;
  t?: string;
  m?: unknown;
  /** A heartbeat's number, for the sender alone. */
  h?: number;
}

/**
 * The bus of replicas sharing a PostgreSQL database: each message is delivered here at once and sent with
 * `pg_notify` on one channel per Pave schema, which every replica LISTENs to on a connection of its own
 * (a session: LISTEN does not work through a pooler in transaction mode).
 *
 * Delivery to the other replicas is best-effort. A message is sent on the connection if it is up, or
 * about to be (the first connection, being opened); otherwise — while the database is unreachable between
 * attempts — it is dropped, and so are those queued when a connection is lost: nothing queues without
 * bound, and `close()` never waits long. The connection is opened on first use, has TCP keep-alive and a
 * connect timeout, and proves every `heartbeatMs` that it still hears (a half-open socket never errors);
 * when it does not, or it drops, it is replaced with backoff.
 * @example const bus = new PostgresEventBus({ url: 'postgres://postgres@127.0.0.1:5432/test', schema: 'pave' });
 */
export class PostgresEventBus extends LocalSubscribers implements EventBus {
  /** NOTIFY channels are per database, not per schema: two Paves in one database must not hear each other. */
  readonly channel: string;
  /** This bus; its connection's `application_name` is `pave-events:<id>`, so operators can tell replicas apart. */
  readonly id = randomUUID();
  readonly #url: string;
  readonly #timings: PostgresEventBusTimings;
  /** NOTIFY payloads for the connection, oldest first; sent one at a time (pg wants no overlapping queries). */
  readonly #pending: string[] = [];
  /** Connections already given up on, so their several farewell events are handled once. */
  readonly #forgotten = new WeakSet<pg.Client>();
  /** Connected and listening. */
  #client: pg.Client | undefined;
  /** Being connected. */
  #opening: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  #draining: Promise<void> | undefined;
  #retryMs: number;
  #retryTimer: NodeJS.Timeout | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #heartbeat: { number: number; timer: NodeJS.Timeout } | undefined;
  #heartbeats = 0;
  #dropped = 0;
  #closed = false;

  constructor(config: { url: string; schema?: string; logger?: Logger; timings?: Partial<PostgresEventBusTimings> }) {
    super(config);
    this.#url = config.url;
    this.channel = channelFor(config.schema);
    this.#timings = Object.freeze({ ...DEFAULT_TIMINGS, ...config.timings });
    this.#retryMs = this.#timings.retryMinMs;
  }

  publish(topic: string, message: object): void {
    const text = encodeMessage(message);
    this.deliver(topic, text);
    if (this.#closed) return;
    if (!this.#client && !this.#connecting && !this.#openSoon()) return this.#drop();
    if (this.#pending.length >= MAX_PENDING) return this.#drop();
    this.#pending.push(JSON.stringify({ o: this.id, t: topic, m: JSON.parse(text) } satisfies Envelope));
    this.#drain();
  }

  override subscribe(topic: string, listener: (message: unknown) => void): () => void {
    const unsubscribe = super.subscribe(topic, listener);
    this.#openSoon();
    return unsubscribe;
  }

  async ready(): Promise<void> {
    await this.#connection();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.#stopHeartbeat();
    // What is queued gets a moment to go out (a clean shutdown's last events), never longer.
    if (this.#draining) await settlesWithin(this.#draining, this.#timings.closeGraceMs);
    this.#pending.length = 0;
    const opening = this.#opening;
    const client = this.#client;
    this.#client = undefined;
    if (opening) destroy(opening);
    if (client) await this.#end(client);
  }

  /** Starts connecting unless connected, connecting or waiting to retry; says whether a connection is coming. */
  #openSoon(): boolean {
    if (this.#closed || this.#retryTimer) return false;
    this.#connection().catch(() => undefined);
    return true;
  }

  #connection(): Promise<pg.Client> {
    if (this.#closed) return Promise.reject(new Error('the event bus is closed'));
    if (this.#client) return Promise.resolve(this.#client);
    if (!this.#connecting) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = undefined;
      this.#connecting = this.#open().finally(() => (this.#connecting = undefined));
    }
    return this.#connecting;
  }

  async #open(): Promise<pg.Client> {
    const { connectTimeoutMs } = this.#timings;
    const { default: driver } = await import('pg');
    const client = new driver.Client({
      connectionString: this.#url,
      application_name: `pave-events:${this.id}`,
      connectionTimeoutMillis: connectTimeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
    });
    client.on('notification', notification => this.#received(notification.payload));
    client.on('error', error => this.#lost(client, error));
    client.on('end', () => this.#lost(client));
    this.#opening = client;
    // pg's timeout covers reaching the server; this one covers LISTEN too, on a server that stops answering.
    const deadline = setTimeout(() => destroy(client), connectTimeoutMs);
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.channel)}`);
    } catch (error) {
      this.#lost(client, error);
      throw error;
    } finally {
      clearTimeout(deadline);
      this.#opening = undefined;
    }
    if (this.#closed) {
      destroy(client);
      throw new Error('the event bus is closed');
    }
    this.#client = client;
    this.#retryMs = this.#timings.retryMinMs;
    if (this.#dropped) this.logger?.warn({ dropped: this.#dropped, channel: this.channel }, 'the event bus is connected again; events published meanwhile did not reach the other replicas');
    this.#dropped = 0;
    this.#heartbeatTimer = setInterval(() => this.#beat(client), this.#timings.heartbeatMs);
    this.#heartbeatTimer.unref();
    this.#drain();
    return client;
  }

  /** Sends what is queued, in order, one NOTIFY at a time, while the connection it started on lasts. */
  #drain(): void {
    const client = this.#client;
    if (!client || this.#draining) return;
    this.#draining = (async () => {
      while (this.#client === client && this.#pending.length) {
        const payload = this.#pending.shift()!;
        try {
          await client.query('SELECT pg_notify($1, $2)', [this.channel, payload]);
        } catch (error) {
          this.#dropped++;
          // A lost connection has said so already (#lost); anything else is worth a word of its own.
          if (this.#client === client) this.logger?.warn({ err: error, channel: this.channel }, 'could not send an event to the other replicas');
        }
      }
    })().finally(() => {
      this.#draining = undefined;
      if (this.#client && this.#pending.length) this.#drain();
    });
  }

  /** NOTIFYs this connection itself; no echo within the timeout means it no longer hears. */
  #beat(client: pg.Client): void {
    if (this.#client !== client || this.#heartbeat) return;
    const number = ++this.#heartbeats;
    const timer = setTimeout(() => this.#lost(client, new Error(`no echo of its heartbeat within ${this.#timings.heartbeatTimeoutMs} ms`)), this.#timings.heartbeatTimeoutMs);
    timer.unref();
    this.#heartbeat = { number, timer };
    // Past the limit on purpose: a full queue is a stuck connection, which the missing echo reveals.
    this.#pending.push(JSON.stringify({ o: this.id, h: number } satisfies Envelope));
    this.#drain();
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeatTimer);
    clearTimeout(this.#heartbeat?.timer);
    this.#heartbeatTimer = undefined;
    this.#heartbeat = undefined;
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
    if (envelope.o === this.id) {
      if (envelope.h !== undefined && envelope.h === this.#heartbeat?.number) {
        clearTimeout(this.#heartbeat.timer);
        this.#heartbeat = undefined;
      }
      return;
    }
    if (typeof envelope.t !== 'string') return;
    this.deliver(envelope.t, JSON.stringify(envelope.m));
  }

  #drop(): void {
    if (this.#dropped++ === 0) this.logger?.warn({ channel: this.channel }, 'the event bus has no connection; events for the other replicas are dropped until it is back');
  }

  /**
   * A connection failed, ended or stopped hearing: forget it, drop what was queued for it (a queue that
   * outlives an outage grows without bound), and open another after a pause that grows with each failure.
   */
  #lost(client: pg.Client, error?: unknown): void {
    if (this.#forgotten.has(client)) return;
    this.#forgotten.add(client);
    destroy(client);
    if (this.#client !== client && this.#opening !== client) return;
    if (this.#client === client) {
      this.#client = undefined;
      this.#stopHeartbeat();
    }
    if (this.#closed) return;
    this.#dropped += this.#pending.length;
    this.#pending.length = 0;
    this.logger?.warn({ err: error, channel: this.channel }, 'the event bus lost its PostgreSQL connection; other replicas’ events are missed until it is back');
    if (this.#retryTimer) return;
    const wait = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, this.#timings.retryMaxMs);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#connection().catch(() => undefined);
    }, wait);
    this.#retryTimer.unref();
  }

  /** Says goodbye to the server, but on a connection that does not answer, not for longer than the grace. */
  async #end(client: pg.Client): Promise<void> {
    this.#forgotten.add(client);
    if (!(await settlesWithin(client.end(), this.#timings.closeGraceMs))) destroy(client);
  }
}

/** Closes the socket at once, whatever the connection is doing. */
function destroy(client: pg.Client): void {
  client.connection.stream.destroy();
}

/** Whether the promise settles (either way) within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>(resolve => (timer = setTimeout(resolve, ms, false)));
  try {
    return await Promise.race([promise.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** `pave_events`, or `pave_events:<schema>` (hashed when too long for a channel name). */
function channelFor(schema?: string): string {
  if (!schema) return 'pave_events';
  const named = `pave_events:${schema}`;
  return Buffer.byteLength(named) <= MAX_CHANNEL_BYTES ? named : `pave_events:${createHash('sha256').update(schema).digest('hex').slice(0, 32)}`;
}
