import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';

/**
 * One covering index of `entity_search` by key and value instead of two: (key, value, entity_id) served filters,
 * (key, original_value, entity_id) facets; (key, value, entity_id, original_value) serves both, filters seeking as
 * before, facets reading the key's rows from it and grouping them in a sort of their own. Every search row (~20 an
 * entity) kept both up: one of the three index builds of a first load, ~0.2 s of SQLite's CPU at 15.7k entities,
 * and a third of the search rows' index upkeep of a load that keeps its indexes up (bulk-load.ts).
 */
export const oneSearchValueIndexMigration: Migration = {
  name: '0051-one-search-value-index',
  async up(db: Kysely<any>) {
    // Run again harmlessly on a database that already has it (a test replays the migrations after 0050).
    await db.schema.dropIndex('entity_search_facet_idx').ifExists().execute();
    await db.schema.dropIndex('entity_search_key_value_entity_idx').ifExists().execute();
    await db.schema.createIndex('entity_search_key_value_idx').ifNotExists().on('entity_search').columns(['key', 'value', 'entity_id', 'original_value']).execute();
  },
};
