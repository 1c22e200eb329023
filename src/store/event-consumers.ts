import type { Logger } from '../core/logger.js';
import { systemClock, type Clock } from '../core/clock.js';
import { EVENTS_TOPIC, type EventLog, type PaveEvent } from './event-log.js';
import type { Job, JobQueue } from './job-queue.js';
import type { Store } from './store.js';

/**
 * A durable reader of the event log: the SSE streams, the catalog mirror of platform requests, outgoing
 * webhooks, the message-bus publisher. Delivery is at least once, in order: a handler that throws sees the
 * same events again (after a backoff) and the cursor does not move past them, so handlers de-duplicate on
 * `event.id` where a repeat would matter.
 */
export interface EventConsumer {
  /** Unique and stable: the cursor is kept under this name. */
  readonly name: string;
  /** Only events of these types (a type ending in `.*` is a prefix); every event when absent. */
  readonly types?: readonly string[];
  /** Where a consumer seen for the first time starts: the oldest event kept, or after the newest (default). */
  readonly startAt?: 'oldest' | 'latest';
  /** Handles events in order. Throw to have them (from the first one) handed again later. */
  handle(events: readonly PaveEvent[]): Promise<void>;
}

export interface EventConsumersOptions {
  store: Store;
  log: EventLog;
  queue: JobQueue;
  logger?: Logger;
  clock?: Clock;
  /** How often to look for events when no wake-up came (another replica's bus may miss one). Default 1000. */
  pollMs?: number;
  /** A consumer's claim; another replica takes over after it lapses. Default 30 s. */
  leaseMs?: number;
  /** Events read per batch. Default 200. */
  batchSize?: number;
}

const QUEUE = 'store.event-consumer';

/**
 * Runs event consumers: each holds a lease on its own row of the job queue while it reads (so across
 * replicas each consumer runs in one place at a time), keeps a cursor in `event_cursors`, and is woken by the
 * store's event bus after every commit that appended events, with a poll as the safety net.
 * @example
 *   const consumers = new EventConsumers({ store, log, queue });
 *   consumers.register({ name: 'webhooks', handle: async events => deliver(events) });
 *   consumers.start(); … await consumers.stop();
 */
export class EventConsumers {
  readonly #options: Required<Pick<EventConsumersOptions, 'pollMs' | 'leaseMs' | 'batchSize'>> & EventConsumersOptions;
  readonly #clock: Clock;
  readonly #consumers = new Map<string, EventConsumer>();
  readonly #running = new Map<string, Promise<void>>();
  readonly #again = new Set<string>();
  /** Consumers whose queue row and cursor exist. */
  readonly #ready = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #stopped = true;

  constructor(options: EventConsumersOptions) {
    this.#options = { pollMs: 1000, leaseMs: 30_000, batchSize: 200, ...options };
    this.#clock = options.clock ?? systemClock;
  }

  /** Adds a consumer; a running set starts it at once. */
  register(consumer: EventConsumer): void {
    if (this.#consumers.has(consumer.name)) throw new Error(`An event consumer named ${consumer.name} is registered already`);
    this.#consumers.set(consumer.name, consumer);
    if (!this.#stopped) this.#wake(consumer.name);
  }

  /** The consumers registered, by name. */
  names(): string[] {
    return [...this.#consumers.keys()];
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#unsubscribe = this.#options.store.events.subscribe(EVENTS_TOPIC, () => this.#wakeAll());
    const tick = () => {
      this.#wakeAll();
      if (!this.#stopped) this.#timer = setTimeout(tick, this.#options.pollMs).unref();
    };
    tick();
  }

  /** Stops waking consumers and waits for the batches being handled. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#unsubscribe?.();
    await Promise.allSettled([...this.#running.values()]);
  }

  /**
   * Runs every consumer until it has caught up with the log as it is now (tests, and commands that must see
   * the effects before they answer), whether or not the set was started. Throws when a consumer fails instead
   * of catching up.
   */
  async drain(): Promise<void> {
    const latest = await this.#options.log.latest();
    for (const name of this.#consumers.keys()) {
      while ((await this.position(name)) < latest) {
        const failure = await this.#options.store.db.selectFrom('event_cursors').select(['failures', 'last_error']).where('consumer', '=', name).executeTakeFirst();
        if (failure && failure.failures > 0) throw new Error(`event consumer ${name} failed: ${failure.last_error}`);
        this.#wake(name, { evenStopped: true });
        await this.#running.get(name);
      }
    }
  }

  /**
   * How far every consumer registered here has read (replicas run the same ones): the events after this one
   * are still to be handled; the newest seq when none has a cursor yet. A consumer no longer registered (a
   * publisher switched off) holds nothing back.
   */
  async lowestPosition(): Promise<number> {
    const names = this.names();
    const row = names.length ? await this.#options.store.db.selectFrom('event_cursors').select(eb => eb.fn.min<number>('seq').as('lowest')).where('consumer', 'in', names).executeTakeFirst() : undefined;
    return row?.lowest === null || row?.lowest === undefined ? this.#options.log.latest() : Number(row.lowest);
  }

  /** How far a consumer has read (its cursor); 0 before its first run. */
  async position(name: string): Promise<number> {
    const row = await this.#options.store.db.selectFrom('event_cursors').select('seq').where('consumer', '=', name).executeTakeFirst();
    return Number(row?.seq ?? 0);
  }

  #wakeAll(): void {
    for (const name of this.#consumers.keys()) this.#wake(name);
  }

  /** Runs the consumer now, or once more right after the run in progress; `evenStopped` for one run of a stopped set (drain). */
  #wake(name: string, options: { evenStopped?: boolean } = {}): void {
    if (this.#stopped && !options.evenStopped) return;
    if (this.#running.has(name)) {
      this.#again.add(name);
      return;
    }
    const run = this.#run(name, () => !this.#stopped || options.evenStopped === true)
      .catch(error => this.#options.logger?.error({ err: error, consumer: name }, 'event consumer run failed'))
      .finally(() => {
        this.#running.delete(name);
        if (this.#again.delete(name)) this.#wake(name);
      });
    this.#running.set(name, run);
  }

  async #run(name: string, going: () => boolean): Promise<void> {
    const consumer = this.#consumers.get(name)!;
    const { queue, store, log } = this.#options;
    await this.#ensureRows(consumer);
    const job = await queue.claimKey(QUEUE, name, this.#options.leaseMs);
    if (!job) return; // another replica holds it, or it is backing off after a failure
    let cursor = await this.position(name);
    try {
      while (going()) {
        const batch = await log.read({ after: cursor, limit: this.#options.batchSize });
        if (!batch.length) break;
        const wanted = consumer.types?.length ? batch.filter(event => matchesTypes(event.type, consumer.types!)) : batch;
        if (wanted.length) await consumer.handle(wanted);
        if (!(await queue.extendLease(job, this.#options.leaseMs))) return; // lost the lease: the new holder goes on
        cursor = batch[batch.length - 1]!.seq;
        await store.db.updateTable('event_cursors').set({ seq: cursor, failures: 0, last_error: null, updated_at: this.#now() }).where('consumer', '=', name).execute();
      }
      await queue.finish(job, { rescheduleAt: this.#clock.now() });
    } catch (error) {
      await this.#failed(name, job, error);
    }
  }

  async #failed(name: string, job: Job, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    this.#options.logger?.warn({ err: error, consumer: name }, 'event consumer failed; its events will be handed again');
    await this.#options.store.db
      .updateTable('event_cursors')
      .set(eb => ({ failures: eb('failures', '+', 1), last_error: message.slice(0, 4000), updated_at: this.#now() }))
      .where('consumer', '=', name)
      .execute();
    const retryAt = await this.#options.queue.fail(job, message, { baseMs: 500, maxMs: 60_000 });
    // The queue holds the retry time; wake this consumer then (a poll would too, later).
    setTimeout(() => this.#wake(name), Math.max(0, retryAt.getTime() - this.#clock.now().getTime()) + 5).unref();
  }

  /** The queue row holding the consumer's lease, and its cursor, made on first use. */
  async #ensureRows(consumer: EventConsumer): Promise<void> {
    if (this.#ready.has(consumer.name)) return;
    const { store, queue, log } = this.#options;
    const start = consumer.startAt === 'oldest' ? 0 : await log.latest();
    await store.db
      .insertInto('event_cursors')
      .values({ consumer: consumer.name, seq: start, failures: 0, last_error: null, updated_at: this.#now() })
      .onConflict(oc => oc.column('consumer').doNothing())
      .execute();
    if (!(await queue.list(QUEUE)).some(job => job.key === consumer.name)) await queue.enqueue(QUEUE, consumer.name, {});
    this.#ready.add(consumer.name);
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }
}

/** Whether an event type is among `types` (entries ending in `.*` are prefixes). */
export function matchesTypes(type: string, types: readonly string[]): boolean {
  return types.some(t => (t.endsWith('.*') ? type.startsWith(t.slice(0, -1)) : type === t));
}
