import type { EventsConfig } from './events-config.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { AuditLog } from '../store/audit-log.js';
import type { EventConsumers } from '../store/event-consumers.js';
import type { EventLog } from '../store/event-log.js';
import type { JobQueue } from '../store/job-queue.js';
import type { Store } from '../store/store.js';
import { AddressPolicy } from './address-policy.js';
import { DeliveryStore } from './delivery-store.js';
import { WebhookDeliveryWorker } from './delivery-worker.js';
import { NatsPublisher } from './nats-publisher.js';
import { SubscriptionStore } from './subscription-store.js';
import { WebhookFanOut } from './webhook-fanout.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhookService } from './webhook-service.js';
import type { Authorizer } from '../auth/authorizer.js';
import { EventFeed, type ReadableEntities } from './event-feed.js';
import type { PermissionService } from '../auth/permission-service.js';
import type { ModuleEventType } from '../pave-module.js';

export interface EventsServiceOptions {
  store: Store;
  queue: JobQueue;
  log: EventLog;
  /** The event consumers the fan-out (`events.webhooks`) and the NATS publisher (`events.nats`) join. */
  consumers: EventConsumers;
  config: EventsConfig;
  /** Every event type the modules declare: what a subscription may name, and who reads each. */
  eventTypes: readonly ModuleEventType[];
  permissions: Authorizer & Pick<PermissionService, 'decide'>;
  /** Which entities a caller may read in the catalog: the feed lists only those of the ones a payload names. */
  readableEntities: ReadableEntities;
  audit: AuditLog;
  logger?: Logger;
  clock?: Clock;
}

/**
 * Events out: webhook subscriptions (`webhooks`, the service API the adapters call), the consumers that
 * read the event log for them (registered on construction, run by whoever starts the consumers) and the
 * delivery worker (`start`/`stop`). The NATS publisher joins only when `events.nats` is configured.
 * @example
 *   const events = new EventsService({ store, queue, log, consumers, config: config.events, permissions, audit });
 *   consumers.start(); events.start(); … await consumers.stop(); await events.stop();
 */
export class EventsService {
  readonly webhooks: WebhookService;
  /** The event log as callers may read it (`GET /api/events` and its stream). */
  readonly feed: EventFeed;
  /** The log of webhook deliveries (kept to the event log's retention). */
  readonly deliveries: DeliveryStore;
  readonly #worker: WebhookDeliveryWorker;
  readonly #nats: NatsPublisher | undefined;

  constructor(options: EventsServiceOptions) {
    const { store, queue, log, consumers, config, permissions, readableEntities, audit, logger, clock, eventTypes } = options;
    const policy = new AddressPolicy(config.webhooks.allowedHosts);
    const sender = new WebhookSender({ policy, timeoutMs: config.webhooks.timeoutSeconds * 1000 });
    const subscriptions = new SubscriptionStore(store);
    const deliveries = (this.deliveries = new DeliveryStore(store));
    this.feed = new EventFeed(store, log, permissions, eventTypes, readableEntities);
    this.webhooks = new WebhookService({ store, queue, log, subscriptions, deliveries, sender, policy, eventTypes: eventTypes.map(type => type.type), permissions, audit, ...(logger ? { logger } : {}), ...(clock ? { clock } : {}) });
    this.#worker = new WebhookDeliveryWorker({ store, queue, subscriptions, deliveries, sender, config: config.webhooks, ...(logger ? { logger } : {}), ...(clock ? { clock } : {}) });
    consumers.register(new WebhookFanOut({ store, queue, subscriptions, deliveries, ...(clock ? { clock } : {}) }));
    if (config.nats) {
      this.#nats = new NatsPublisher(config.nats, logger ? { logger } : {});
      consumers.register(this.#nats);
    }
  }

  /** Starts sending webhook deliveries. */
  start(): void {
    this.#worker.start();
  }

  /** Stops sending (waiting for attempts under way) and closes the NATS connection. Stop the consumers first. */
  async stop(): Promise<void> {
    await this.#worker.stop();
    await this.#nats?.close();
  }
}
