import { systemClock, type Clock } from '../core/clock.js';
import type { EventConsumer } from '../store/event-consumers.js';
import type { PaveEvent } from '../store/event-log.js';
import type { JobQueue } from '../store/job-queue.js';
import type { Store } from '../store/store.js';
import type { DeliveryStore } from './delivery-store.js';
import { scheduleDelivery } from './delivery-worker.js';
import type { SubscriptionStore } from './subscription-store.js';
import { subscriptionMatches } from './webhook-subscription.js';

/**
 * The event consumer `events.webhooks`: turns each event into one pending delivery per enabled subscription
 * that wants it, and nothing else — sending is the delivery worker's, so a slow receiver never holds the
 * log's cursor (or the change that appended the event) back. Rows are unique per (subscription, event), so
 * a batch handed again after a failure adds nothing twice. A subscription sees only events after the one
 * that recorded its creation.
 * @example consumers.register(new WebhookFanOut({ store, queue, subscriptions, deliveries }));
 */
export class WebhookFanOut implements EventConsumer {
  readonly name = 'events.webhooks';
  // From the oldest: the first run after an upgrade or a first start loses nothing (older events match no subscription).
  readonly startAt = 'oldest';
  readonly #o: { store: Store; queue: JobQueue; subscriptions: SubscriptionStore; deliveries: DeliveryStore; clock?: Clock };

  constructor(options: { store: Store; queue: JobQueue; subscriptions: SubscriptionStore; deliveries: DeliveryStore; clock?: Clock }) {
    this.#o = options;
  }

  async handle(events: readonly PaveEvent[]): Promise<void> {
    const { store, queue, subscriptions, deliveries } = this.#o;
    const enabled = await subscriptions.enabled();
    const items = events.flatMap(event => enabled.filter(s => event.seq > s.afterSeq && subscriptionMatches(s, event)).map(s => ({ webhookId: s.id, event })));
    if (!items.length) return;
    const now = (this.#o.clock ?? systemClock).now().toISOString();
    await store.transaction(trx => deliveries.add(trx, items, now));
    for (const webhookId of new Set(items.map(item => item.webhookId))) await scheduleDelivery(store, queue, webhookId);
  }
}
