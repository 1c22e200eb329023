import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';

/**
 * Outgoing webhooks: subscriptions (admin-managed data, with the secret that signs their deliveries), one
 * delivery row per (subscription, event) — unique, so fanning an event out twice changes nothing — and
 * one row per attempt to send it.
 */
export const webhooksMigration: Migration = {
  name: '0010-webhooks',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('event_webhooks')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('url', 'text', c => c.notNull())
      .addColumn('types', 'text', c => c.notNull())
      .addColumn('filter', 'text')
      .addColumn('secret', 'text', c => c.notNull())
      .addColumn('enabled', 'integer', c => c.notNull())
      .addColumn('after_seq', 'bigint', c => c.notNull())
      .addColumn('created_at', 'text', c => c.notNull())
      .addColumn('updated_at', 'text', c => c.notNull())
      .execute();
    await db.schema
      .createTable('event_webhook_deliveries')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('webhook_id', 'text', c => c.notNull())
      .addColumn('event_id', 'text', c => c.notNull())
      .addColumn('event_seq', 'bigint', c => c.notNull())
      .addColumn('event_type', 'text', c => c.notNull())
      .addColumn('body', 'text', c => c.notNull())
      .addColumn('state', 'text', c => c.notNull())
      .addColumn('attempts', 'integer', c => c.notNull())
      .addColumn('next_attempt_at', 'text', c => c.notNull())
      .addColumn('last_status', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', c => c.notNull())
      .addColumn('updated_at', 'text', c => c.notNull())
      .addUniqueConstraint('event_webhook_deliveries_event', ['webhook_id', 'event_id'])
      .execute();
    await db.schema.createIndex('event_webhook_deliveries_queue_idx').on('event_webhook_deliveries').columns(['webhook_id', 'state', 'event_seq']).execute();
    await db.schema
      .createTable('event_webhook_attempts')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('delivery_id', 'text', c => c.notNull())
      .addColumn('webhook_id', 'text', c => c.notNull())
      .addColumn('attempt', 'integer', c => c.notNull())
      .addColumn('at', 'text', c => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('duration_ms', 'integer', c => c.notNull())
      .addColumn('error', 'text')
      .execute();
    await db.schema.createIndex('event_webhook_attempts_delivery_idx').on('event_webhook_attempts').columns(['delivery_id', 'attempt']).execute();
    await db.schema.createIndex('event_webhook_attempts_webhook_idx').on('event_webhook_attempts').columns(['webhook_id']).execute();
  },
};
