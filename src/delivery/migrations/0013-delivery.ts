import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';

/**
 * Delivery events in: one row per event (unique id, so a resent event changes nothing), indexed for the
 * metrics (by entity, type and time) and for the unmapped list (by target); and hand-made mappings.
 */
export const deliveryMigration: Migration = {
  name: '0013-delivery',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('delivery_events')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('type', 'text', c => c.notNull())
      .addColumn('source', 'text', c => c.notNull())
      .addColumn('status', 'text')
      .addColumn('at', 'text', c => c.notNull())
      .addColumn('environment', 'text')
      .addColumn('sha', 'text')
      .addColumn('incident', 'text')
      .addColumn('rework', 'integer', c => c.notNull())
      .addColumn('target_key', 'text', c => c.notNull())
      .addColumn('target_value', 'text', c => c.notNull())
      .addColumn('entity_ref', 'text')
      .addColumn('commits', 'text')
      .addColumn('detail', 'text')
      .addColumn('received_at', 'text', c => c.notNull())
      .execute();
    await db.schema.createIndex('delivery_events_entity_idx').on('delivery_events').columns(['entity_ref', 'type', 'at']).execute();
    await db.schema.createIndex('delivery_events_target_idx').on('delivery_events').columns(['target_key', 'target_value']).execute();
    await db.schema
      .createTable('delivery_mappings')
      .addColumn('target_key', 'text', c => c.notNull())
      .addColumn('target_value', 'text', c => c.notNull())
      .addColumn('entity_ref', 'text', c => c.notNull())
      .addColumn('created_at', 'text', c => c.notNull())
      .addColumn('created_by', 'text', c => c.notNull())
      .addPrimaryKeyConstraint('delivery_mappings_pk', ['target_key', 'target_value'])
      .execute();
  },
};
