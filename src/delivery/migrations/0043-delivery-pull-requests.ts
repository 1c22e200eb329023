import { sql, type Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';
import type {} from '../delivery-tables.js'; // the tables it changes, for the import-graph rule

/**
 * Pull and merge requests as changes: `pull_request` holds the request's key (null for a commit). And the
 * index by target shrinks to the events still unmapped, the only ones looked up by target on the hot path
 * (the unmapped list, a first mapping): every event inserted used to write a page of it at a random place,
 * about a third of what an ingested batch wrote to the database.
 */
export const deliveryPullRequestsMigration: Migration = {
  name: '0043-delivery-pull-requests',
  async up(db: Kysely<any>) {
    await db.schema.alterTable('delivery_events').addColumn('pull_request', 'text').execute();
    await db.schema.dropIndex('delivery_events_target_idx').execute();
    await db.schema.createIndex('delivery_events_unmapped_idx').on('delivery_events').columns(['target_key', 'target_value']).where(sql.ref('entity_ref'), 'is', null).execute();
  },
};
