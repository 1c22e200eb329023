import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';
import type {} from '../delivery-tables.js'; // the tables it changes, for the import-graph rule

/**
 * Which entities hold events of each target (key, value): a mapping moves every attributed event of its target,
 * also those an annotation attributed before it was removed, without reading the whole event table (the index by
 * target keeps only unmapped events: 0043). Filled from the events already stored.
 */
export const deliveryTargetsMigration: Migration = {
  name: '0044-delivery-targets',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('delivery_targets')
      .addColumn('target_key', 'text', c => c.notNull())
      .addColumn('target_value', 'text', c => c.notNull())
      .addColumn('entity_ref', 'text', c => c.notNull())
      .addPrimaryKeyConstraint('delivery_targets_pk', ['target_key', 'target_value', 'entity_ref'])
      .execute();
    await db
      .insertInto('delivery_targets')
      .columns(['target_key', 'target_value', 'entity_ref'])
      .expression(eb => eb.selectFrom('delivery_events').select(['target_key', 'target_value', 'entity_ref']).distinct().where('entity_ref', 'is not', null))
      .execute();
  },
};
