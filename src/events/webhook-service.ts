import { newId } from '../core/ids.js';
import type { Authorizer } from '../auth/authorizer.js';
import { systemClock, type Clock } from '../core/clock.js';
import { invalidInput, notFound, conflict } from '../core/problem.js';
import type { Logger } from '../core/logger.js';
import type { AuditContext, AuditLog } from '../store/audit-log.js';
import type { Identity } from '../auth/identity.js';
import { newSecret } from '../auth/secrets.js';
import type { EventLog, PaveEvent } from '../store/event-log.js';
import type { JobQueue } from '../store/job-queue.js';
import type { Db, Store } from '../store/store.js';
import type { AddressPolicy } from './address-policy.js';
import { DELIVERY_QUEUE, scheduleDelivery } from './delivery-worker.js';
import { originOf } from './webhook-origin.js';
import { deliveryBody, type DeliveryQuery, type DeliveryStore, type WebhookDelivery } from './delivery-store.js';
import { publicSubscription, type StoredSubscription, type SubscriptionStore } from './subscription-store.js';
import { deliveryHeaders } from './delivery-headers.js';
import type { WebhookSender } from './webhook-sender.js';
import { normalizeFilter, validateWebhookFields, type WebhookChanges, type WebhookInput, type WebhookSubscription } from './webhook-subscription.js';

/** What `create` and a secret-changing `update` answer: the subscription and, this once, its secret. */
export type WebhookWithSecret = WebhookSubscription & { secret: string };

export interface WebhookServiceOptions {
  store: Store;
  queue: JobQueue;
  log: EventLog;
  subscriptions: SubscriptionStore;
  deliveries: DeliveryStore;
  sender: WebhookSender;
  policy: AddressPolicy;
  /** Every event type the modules declare: what a subscription may name. */
  eventTypes: readonly string[];
  permissions: Authorizer;
  audit: AuditLog;
  logger?: Logger;
  clock?: Clock;
}

const SECRET_PREFIX = 'whsec_';

/**
 * Webhook subscriptions as data, managed by admins: every change is authorized here (whichever adapter
 * calls), validated with problems naming the field, and written together with its audit entry and its
 * `events.webhook.*` event in one transaction. The secret is returned by `create` (and by an update that
 * sets or rotates it) and never again; audit entries and events carry no secret and no URL path (a URL
 * can itself hold a token), only the receiver's origin.
 * @example
 *   const { secret, ...hook } = await webhooks.create(admin, { url: 'https://ci.example.com/hooks/pave', types: ['catalog.entity.*'] });
 */
export class WebhookService {
  readonly #o: WebhookServiceOptions;
  readonly #clock: Clock;

  constructor(options: WebhookServiceOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
  }

  async list(caller: Identity): Promise<WebhookSubscription[]> {
    await this.#o.permissions.authorize(caller, 'events.webhook.read');
    return (await this.#o.subscriptions.list()).map(publicSubscription);
  }

  async get(caller: Identity, id: string): Promise<WebhookSubscription> {
    await this.#o.permissions.authorize(caller, 'events.webhook.read');
    return publicSubscription(await this.#stored(id));
  }

  async create(caller: Identity, input: WebhookInput, context?: AuditContext): Promise<WebhookWithSecret> {
    await this.#o.permissions.authorize(caller, 'events.webhook.write');
    const errors = validateWebhookFields(input, this.#o.policy, this.#o.eventTypes);
    if (input.url === undefined) errors.unshift({ pointer: '/url', detail: 'is required: the http:// or https:// URL to POST events to', rule: 'required' });
    if (input.types === undefined) errors.unshift({ pointer: '/types', detail: "is required: the event types to send, e.g. ['catalog.entity.*']", rule: 'required' });
    if (errors.length) throw invalidInput(`The webhook has ${errors.length} mistake(s)`, errors);
    const now = this.#now();
    const filter = normalizeFilter(input.filter);
    const subscription: StoredSubscription = {
      id: newId(),
      url: input.url,
      types: [...new Set(input.types)],
      ...(filter ? { filter } : {}),
      enabled: input.enabled ?? true,
      createdAt: now,
      updatedAt: now,
      secret: input.secret ?? newSecret(SECRET_PREFIX),
      afterSeq: 0,
    };
    await this.#o.store.transaction(async trx => {
      // The creation's own event numbers the start: only later events are delivered to it.
      const [event] = await this.#o.log.appendReturning(trx, this.#event('events.webhook.created', caller, subscription));
      subscription.afterSeq = event!.seq;
      await this.#o.subscriptions.insert(trx, subscription);
      await this.#audit(trx, caller, 'events.webhook.create', subscription.id, undefined, subscription, context);
    });
    this.#o.logger?.info({ webhook: subscription.id, origin: originOf(subscription.url), actor: caller.principal }, 'webhook created');
    return { ...publicSubscription(subscription), secret: subscription.secret };
  }

  /** Changes the fields given; answers the secret when it was set or rotated. */
  async update(caller: Identity, id: string, changes: WebhookChanges, context?: AuditContext): Promise<WebhookSubscription | WebhookWithSecret> {
    await this.#o.permissions.authorize(caller, 'events.webhook.write');
    const errors = validateWebhookFields(changes, this.#o.policy, this.#o.eventTypes);
    if (errors.length) throw invalidInput(`The webhook change has ${errors.length} mistake(s)`, errors);
    const newSecretGiven = changes.secret !== undefined || changes.rotateSecret === true;
    const result = await this.#o.store.transaction(async trx => {
      const before = await this.#locked(trx, id);
      const filter = changes.filter === undefined ? before.filter : normalizeFilter(changes.filter);
      const { filter: _old, ...rest } = before;
      const after: StoredSubscription = {
        ...rest,
        ...(changes.url !== undefined ? { url: changes.url } : {}),
        ...(changes.types !== undefined ? { types: [...new Set(changes.types)] } : {}),
        ...(filter ? { filter } : {}),
        ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
        ...(newSecretGiven ? { secret: changes.secret ?? newSecret(SECRET_PREFIX) } : {}),
        updatedAt: this.#now(),
      };
      await this.#o.subscriptions.update(trx, after);
      await this.#o.log.append(trx, this.#event('events.webhook.updated', caller, after));
      await this.#audit(trx, caller, 'events.webhook.update', id, before, after, context, { secretChanged: newSecretGiven });
      return { before, after };
    });
    // Switched back on: deliveries that waited while it was off go out again.
    if (result.after.enabled && !result.before.enabled) await scheduleDelivery(this.#o.store, this.#o.queue, id);
    return newSecretGiven ? { ...publicSubscription(result.after), secret: result.after.secret } : publicSubscription(result.after);
  }

  async delete(caller: Identity, id: string, context?: AuditContext): Promise<void> {
    await this.#o.permissions.authorize(caller, 'events.webhook.delete');
    await this.#o.store.transaction(async trx => {
      const before = await this.#locked(trx, id);
      await this.#o.subscriptions.delete(trx, id);
      await this.#o.log.append(trx, this.#event('events.webhook.deleted', caller, before));
      await this.#audit(trx, caller, 'events.webhook.delete', id, before, undefined, context);
    });
    await this.#o.queue.remove(DELIVERY_QUEUE, id);
  }

  /** A subscription's deliveries, newest first, each with its attempts. */
  async deliveries(caller: Identity, id: string, query: DeliveryQuery = {}): Promise<{ items: WebhookDelivery[]; nextCursor?: string }> {
    await this.#o.permissions.authorize(caller, 'events.webhook.read');
    await this.#stored(id);
    return this.#o.deliveries.list(id, query);
  }

  /** Sends a dead-lettered delivery again: it becomes pending, due now, in its place in the subscription's order. */
  async redeliver(caller: Identity, id: string, deliveryId: string, context?: AuditContext): Promise<WebhookDelivery> {
    await this.#o.permissions.authorize(caller, 'events.webhook.redeliver');
    await this.#o.store.transaction(async trx => {
      await this.#stored(id, trx);
      const delivery = await this.#o.deliveries.get(id, deliveryId, trx);
      if (!delivery) throw notFound(`Webhook ${id} has no delivery ${deliveryId}`);
      if (!(await this.#o.deliveries.revive(trx, id, deliveryId, this.#now())))
        throw conflict(`Delivery ${deliveryId} is ${delivery.state}; only a dead-lettered delivery is sent again`, [{ pointer: '/deliveryId', detail: `is ${delivery.state}, not dead`, rule: 'state' }]);
      await this.#o.audit.record({ actor: caller, action: 'events.webhook.redeliver', entityRef: `webhook:${id}`, context, detail: { delivery: deliveryId, event: delivery.eventId, type: delivery.eventType } }, trx);
    });
    await scheduleDelivery(this.#o.store, this.#o.queue, id);
    return (await this.#o.deliveries.get(id, deliveryId))!;
  }

  /**
   * Sends a test ping (`events.webhook.ping`, signed like every delivery) now, whether the subscription
   * is enabled or not, and answers the delivery with its one attempt. Never retried.
   */
  async ping(caller: Identity, id: string, context?: AuditContext): Promise<WebhookDelivery> {
    await this.#o.permissions.authorize(caller, 'events.webhook.write');
    const subscription = await this.#stored(id);
    const at = this.#now();
    const event: PaveEvent = { seq: 0, id: newId(), type: 'events.webhook.ping', subject: `webhook:${id}`, actor: caller.principal, payload: { webhook: id }, at };
    const body = deliveryBody(event);
    const outcome = await this.#o.sender.send(subscription.url, body, deliveryHeaders({ eventId: event.id, eventType: event.type, deliveryId: event.id, attempt: 1, body, secret: subscription.secret, unixSeconds: Math.floor(this.#clock.now().getTime() / 1000) }));
    const deliveryId = await this.#o.store.transaction(async trx => {
      const stored = await this.#o.deliveries.addSent(trx, id, event, outcome, this.#now());
      await this.#o.audit.record({ actor: caller, action: 'events.webhook.test', entityRef: `webhook:${id}`, context, detail: { delivery: stored, ok: outcome.ok, ...(outcome.statusCode ? { status: outcome.statusCode } : {}) } }, trx);
      return stored;
    });
    return (await this.#o.deliveries.get(id, deliveryId))!;
  }

  async #stored(id: string, db?: Db): Promise<StoredSubscription> {
    return found(id, await this.#o.subscriptions.get(id, db));
  }

  /** The subscription as a change in `trx` decides from: held until `trx` ends (see SubscriptionStore.locked). */
  async #locked(trx: Db, id: string): Promise<StoredSubscription> {
    return found(id, await this.#o.subscriptions.locked(trx, id));
  }

  #event(type: string, caller: Identity, subscription: StoredSubscription) {
    return { type, subject: `webhook:${subscription.id}`, actor: caller.principal, payload: { id: subscription.id, origin: originOf(subscription.url), types: subscription.types, enabled: subscription.enabled } };
  }

  /** An audit entry whose hashes and detail never see the secret. */
  async #audit(db: Db, caller: Identity, action: string, id: string, before: StoredSubscription | undefined, after: StoredSubscription | undefined, context?: AuditContext, extra: Record<string, unknown> = {}): Promise<void> {
    const shown = after ?? before!;
    await this.#o.audit.record(
      {
        actor: caller,
        action,
        entityRef: `webhook:${id}`,
        before: before && publicSubscription(before),
        after: after && publicSubscription(after),
        context,
        detail: { origin: originOf(shown.url), types: shown.types, enabled: shown.enabled, ...extra },
      },
      db,
    );
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }
}

function found(id: string, subscription: StoredSubscription | undefined): StoredSubscription {
  if (!subscription) throw notFound(`No webhook ${id}`);
  return subscription;
}
