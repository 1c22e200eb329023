import type { WebhooksConfig } from './events-config.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { backoffMs, type Job, type JobQueue } from '../store/job-queue.js';
import type { Store } from '../store/store.js';
import { deliveryHeaders } from './delivery-headers.js';
import type { DeliveryState, DeliveryStore } from './delivery-store.js';
import type { SubscriptionStore } from './subscription-store.js';
import type { WebhookSender } from './webhook-sender.js';
import { originOf } from './webhook-origin.js';

/** The job queue holding one job per subscription with deliveries to send: its lease is who sends them. */
export const DELIVERY_QUEUE = 'events.webhook-delivery';
/** The event-bus topic that wakes the delivery workers of every replica. */
const DELIVERIES_TOPIC = 'events.webhook-deliveries';
/** How often to look for subscriptions whose job went missing (a process that died between commit and enqueue). */
const SWEEP_MS = 30_000;

/**
 * Asks for a subscription's deliveries to be sent: its job is (re)queued, due now, and the workers on
 * every replica are woken.
 * @example await scheduleDelivery(store, queue, webhookId);
 */
export async function scheduleDelivery(store: Store, queue: JobQueue, webhookId: string): Promise<void> {
  await queue.enqueue(DELIVERY_QUEUE, webhookId, {});
  store.events.publish(DELIVERIES_TOPIC, { webhook: webhookId });
}

export interface DeliveryWorkerOptions {
  store: Store;
  queue: JobQueue;
  subscriptions: SubscriptionStore;
  deliveries: DeliveryStore;
  sender: WebhookSender;
  config: WebhooksConfig;
  logger?: Logger;
  clock?: Clock;
  /** How often to look for due work when nothing woke the worker. Default 1000 ms. */
  pollMs?: number;
}

/**
 * Sends webhook deliveries. Each subscription with something to send has one job in the queue; whoever
 * holds its lease (one process across replicas) sends that subscription's pending deliveries one at a time
 * in event order, so event n+1 never overtakes event n, while other subscriptions are sent by other jobs at
 * the same time (up to `concurrency` per process): a slow or failing receiver delays only itself. A failed
 * attempt is retried with exponential backoff (`backoffMs`); after `maxAttempts` the delivery is dead-lettered
 * and the next one goes. A process that dies mid-send lets the lease lapse and another sends the delivery
 * again, with the same event id.
 * @example const worker = new WebhookDeliveryWorker({ store, queue, subscriptions, deliveries, sender, config }); worker.start(); … await worker.stop();
 */
export class WebhookDeliveryWorker {
  readonly #o: DeliveryWorkerOptions;
  readonly #clock: Clock;
  readonly #leaseMs: number;
  readonly #running = new Set<Promise<void>>();
  #claiming: Promise<void> | undefined;
  #again = false;
  #stopped = true;
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #lastSweep = 0;

  constructor(options: DeliveryWorkerOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    // The lease outlives the longest attempt with room to spare; it is renewed around each attempt.
    this.#leaseMs = options.config.timeoutSeconds * 1000 + 30_000;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#unsubscribe = this.#o.store.events.subscribe(DELIVERIES_TOPIC, () => this.#wake());
    const tick = () => {
      this.#wake();
      if (!this.#stopped) this.#timer = setTimeout(tick, this.#o.pollMs ?? 1000).unref();
    };
    tick();
  }

  /** Stops claiming and waits for the attempts under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#unsubscribe?.();
    await this.#claiming;
    await Promise.allSettled([...this.#running]);
  }

  /** Claims due subscriptions until none is due or `concurrency` are being sent to. */
  #wake(): void {
    if (this.#stopped) return;
    if (this.#claiming) {
      this.#again = true;
      return;
    }
    this.#claiming = this.#claim()
      .catch(error => this.#o.logger?.error({ err: error }, 'webhook delivery worker could not claim work'))
      .finally(() => {
        this.#claiming = undefined;
        if (this.#again) {
          this.#again = false;
          this.#wake();
        }
      });
  }

  async #claim(): Promise<void> {
    await this.#sweep();
    while (!this.#stopped && this.#running.size < this.#o.config.concurrency) {
      const job = await this.#o.queue.claim(DELIVERY_QUEUE, this.#leaseMs);
      if (!job) return;
      const run = this.#send(job).finally(() => {
        this.#running.delete(run);
        this.#wake();
      });
      this.#running.add(run);
    }
  }

  /** Re-queues subscriptions that have pending deliveries but no job (their process died between the two writes). */
  async #sweep(): Promise<void> {
    const now = this.#clock.now().getTime();
    if (now - this.#lastSweep < SWEEP_MS) return;
    this.#lastSweep = now;
    const queued = new Set((await this.#o.queue.list(DELIVERY_QUEUE)).map(job => job.key));
    for (const webhookId of await this.#o.deliveries.withPending()) if (!queued.has(webhookId)) await this.#o.queue.enqueue(DELIVERY_QUEUE, webhookId, {});
  }

  /** Sends one subscription's due deliveries in order, until one must wait or none is left. */
  async #send(job: Job): Promise<void> {
    const { queue, subscriptions, deliveries, sender, config, logger } = this.#o;
    try {
      const subscription = await subscriptions.get(job.key);
      // Gone, or switched off: its deliveries wait (switching it on queues it again).
      if (!subscription?.enabled) return void (await queue.finish(job));
      for (;;) {
        if (this.#stopped) return void (await queue.finish(job, { rescheduleAt: this.#clock.now() }));
        const head = await deliveries.head(subscription.id);
        if (!head) return void (await queue.finish(job));
        const now = this.#clock.now();
        if (head.nextAttemptAt > now.toISOString()) return void (await this.#waitUntil(job, new Date(head.nextAttemptAt)));
        if (!(await queue.extendLease(job, this.#leaseMs))) return;
        const attempt = head.attempts + 1;
        const headers = deliveryHeaders({ eventId: head.eventId, eventType: head.eventType, deliveryId: head.id, attempt, body: head.body, secret: subscription.secret, unixSeconds: Math.floor(now.getTime() / 1000) });
        const outcome = await sender.send(subscription.url, head.body, headers);
        // Lost the lease while sending: the new holder sends this delivery again (same event id).
        if (!(await queue.extendLease(job, this.#leaseMs))) return;
        const done = this.#clock.now();
        const state: DeliveryState = outcome.ok ? 'delivered' : attempt >= config.maxAttempts ? 'dead' : 'pending';
        const retryAt = new Date(done.getTime() + backoffMs(attempt, config.retryBaseSeconds * 1000, config.retryMaxSeconds * 1000));
        await deliveries.recordAttempt(subscription.id, head.id, attempt, outcome, { state, nextAttemptAt: (state === 'pending' ? retryAt : done).toISOString() }, done.toISOString());
        if (!outcome.ok) {
          const context = { webhook: subscription.id, origin: originOf(subscription.url), event: head.eventId, attempt, status: outcome.statusCode, error: outcome.error };
          if (state === 'dead') logger?.warn(context, 'webhook delivery dead-lettered after its last attempt');
          else logger?.info(context, 'webhook delivery failed; it will be retried');
        }
        if (state === 'pending') return void (await this.#waitUntil(job, retryAt));
      }
    } catch (error) {
      logger?.error({ err: error, webhook: job.key }, 'webhook delivery failed unexpectedly');
      const retryAt = await queue.fail(job, error instanceof Error ? error.message : String(error));
      this.#wakeAt(retryAt);
    }
  }

  /** Gives the subscription's job back until `at`, and wakes this worker then (the poll would too, later). */
  async #waitUntil(job: Job, at: Date): Promise<void> {
    await this.#o.queue.finish(job, { rescheduleAt: at });
    this.#wakeAt(at);
  }

  #wakeAt(at: Date): void {
    setTimeout(() => this.#wake(), Math.max(0, at.getTime() - this.#clock.now().getTime()) + 5).unref();
  }
}
