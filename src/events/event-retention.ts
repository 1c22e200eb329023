import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { EventConsumers } from '../store/event-consumers.js';
import type { EventLog } from '../store/event-log.js';
import type { DeliveryStore } from './delivery-store.js';

const DAY_MS = 86_400_000;

/**
 * Keeps the event log to its retention (`events.retentionDays`): once at start and then every hour, events
 * older than that are removed — except those a durable consumer (a webhook fan-out, the message bus, the
 * catalog mirror) has not read yet, which stay until it has — and so are webhook deliveries that ended
 * before then, with their attempts.
 * @example const retention = new EventRetention(log, consumers, { days: 30 }); retention.start(); … await retention.stop();
 */
export class EventRetention {
  readonly #log: EventLog;
  readonly #consumers: EventConsumers;
  readonly #deliveries: Pick<DeliveryStore, 'prune'> | undefined;
  readonly #days: number;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();

  constructor(log: EventLog, consumers: EventConsumers, options: { days: number; deliveries?: Pick<DeliveryStore, 'prune'>; clock?: Clock; logger?: Logger }) {
    this.#log = log;
    this.#consumers = consumers;
    this.#deliveries = options.deliveries;
    this.#days = options.days;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger;
  }

  /** Removes what is past retention now (and the log of webhook deliveries that ended before); answers how many events went. */
  async pruneNow(): Promise<number> {
    const before = new Date(this.#clock.now().getTime() - this.#days * DAY_MS);
    const removed = await this.#log.prune(before, await this.#consumers.lowestPosition());
    const deliveries = (await this.#deliveries?.prune(before)) ?? 0;
    if (removed || deliveries) this.#logger?.info({ removed, deliveries, before: before.toISOString() }, 'events and webhook deliveries past their retention removed');
    return removed;
  }

  start(): void {
    const run = () => {
      this.#running = this.pruneNow().catch(error => this.#logger?.warn({ err: error }, 'pruning the event log failed; it is tried again within the hour'));
    };
    run();
    this.#timer = setInterval(run, 3_600_000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }
}
