import type { Db, Store } from '../store/store.js';
import type { EventWebhooksTable } from './events-tables.js';
import type { WebhookFilter, WebhookSubscription } from './webhook-subscription.js';

/** A subscription as the delivery side needs it: with its secret and the event it starts after. */
export interface StoredSubscription extends WebhookSubscription {
  secret: string;
  /** Only events after this seq are delivered (the seq of the event that recorded the creation). */
  afterSeq: number;
}

/**
 * The `event_webhooks` table. Knows nothing of validation, permissions or the audit log: the service does.
 * @example const all = await new SubscriptionStore(store).list();
 */
export class SubscriptionStore {
  constructor(private readonly store: Store) {}

  async list(db: Db = this.store.db): Promise<StoredSubscription[]> {
    const rows = await db.selectFrom('event_webhooks').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toSubscription);
  }

  /** The enabled subscriptions, which the fan-out matches events against. */
  async enabled(db: Db = this.store.db): Promise<StoredSubscription[]> {
    const rows = await db.selectFrom('event_webhooks').selectAll().where('enabled', '=', 1).execute();
    return rows.map(toSubscription);
  }

  async get(id: string, db: Db = this.store.db): Promise<StoredSubscription | undefined> {
    const row = await db.selectFrom('event_webhooks').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toSubscription(row) : undefined;
  }

  /**
   * Reads a subscription in `trx` and, on PostgreSQL, holds its row until `trx` ends: a change writes the subscription
   * back whole, so another replica's change waits and then reads what this one wrote (SQLite runs one writing
   * transaction at a time).
   */
  async locked(trx: Db, id: string): Promise<StoredSubscription | undefined> {
    const query = trx.selectFrom('event_webhooks').selectAll().where('id', '=', id);
    const row = await (this.store.dialect === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
    return row ? toSubscription(row) : undefined;
  }

  async insert(db: Db, subscription: StoredSubscription): Promise<void> {
    await db.insertInto('event_webhooks').values(toRow(subscription)).execute();
  }

  async update(db: Db, subscription: StoredSubscription): Promise<void> {
    const { id, ...values } = toRow(subscription);
    await db.updateTable('event_webhooks').set(values).where('id', '=', id).execute();
  }

  /** Removes the subscription with its deliveries and their attempts. */
  async delete(db: Db, id: string): Promise<void> {
    await db.deleteFrom('event_webhook_attempts').where('webhook_id', '=', id).execute();
    await db.deleteFrom('event_webhook_deliveries').where('webhook_id', '=', id).execute();
    await db.deleteFrom('event_webhooks').where('id', '=', id).execute();
  }
}

/** The public part: everything but the secret and the starting point. */
export function publicSubscription(stored: StoredSubscription): WebhookSubscription {
  const { secret: _secret, afterSeq: _afterSeq, ...subscription } = stored;
  return subscription;
}

function toSubscription(row: EventWebhooksTable): StoredSubscription {
  return {
    id: row.id,
    url: row.url,
    types: JSON.parse(row.types) as string[],
    ...(row.filter ? { filter: JSON.parse(row.filter) as WebhookFilter } : {}),
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    secret: row.secret,
    afterSeq: Number(row.after_seq),
  };
}

function toRow(subscription: StoredSubscription): EventWebhooksTable {
  return {
    id: subscription.id,
    url: subscription.url,
    types: JSON.stringify(subscription.types),
    filter: subscription.filter ? JSON.stringify(subscription.filter) : null,
    secret: subscription.secret,
    enabled: subscription.enabled ? 1 : 0,
    after_seq: subscription.afterSeq,
    created_at: subscription.createdAt,
    updated_at: subscription.updatedAt,
  };
}
