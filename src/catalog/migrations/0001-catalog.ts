import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';

/** Entities, their search rows and relations, locations and their problems. */
export const catalogMigration: Migration = {
  name: '0001-catalog',
  async up(db: Kysely<any>, dialect) {
    // Loaded here, not with the module list the CLI reads at start.
    const { sql } = await import('kysely');
    await db.schema
      .createTable('entities')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('ref', 'text', c => c.notNull().unique())
      .addColumn('kind', 'text', c => c.notNull())
      .addColumn('namespace', 'text', c => c.notNull())
      .addColumn('name', 'text', c => c.notNull())
      .addColumn('title', 'text')
      .addColumn('description', 'text')
      .addColumn('body', 'text', c => c.notNull())
      .addColumn('etag', 'text', c => c.notNull())
      .addColumn('generation', 'integer', c => c.notNull())
      .addColumn('location_id', 'text')
      .addColumn('source', 'text')
      .addColumn('search_text', 'text', c => c.notNull())
      .addColumn('created_at', 'text', c => c.notNull())
      .addColumn('updated_at', 'text', c => c.notNull())
      .execute();
    await db.schema.createIndex('entities_location_idx').on('entities').column('location_id').execute();
    await db.schema.createIndex('entities_kind_name_idx').on('entities').columns(['kind', 'name']).execute();
    await db.schema.createIndex('entities_updated_idx').on('entities').column('updated_at').execute();

    await db.schema
      .createTable('entity_search')
      .addColumn('entity_id', 'text', c => c.notNull().references('entities.id').onDelete('cascade'))
      .addColumn('key', 'text', c => c.notNull())
      .addColumn('value', 'text')
      .addColumn('original_value', 'text')
      .execute();
    await db.schema.createIndex('entity_search_key_value_idx').on('entity_search').columns(['key', 'value']).execute();
    await db.schema.createIndex('entity_search_entity_idx').on('entity_search').column('entity_id').execute();

    await db.schema
      .createTable('relations')
      .addColumn('origin_id', 'text', c => c.notNull().references('entities.id').onDelete('cascade'))
      .addColumn('source_ref', 'text', c => c.notNull())
      .addColumn('type', 'text', c => c.notNull())
      .addColumn('target_ref', 'text', c => c.notNull())
      .execute();
    await db.schema.createIndex('relations_source_idx').on('relations').column('source_ref').execute();
    await db.schema.createIndex('relations_origin_idx').on('relations').column('origin_id').execute();

    await db.schema
      .createTable('locations')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('type', 'text', c => c.notNull())
      .addColumn('target', 'text', c => c.notNull())
      .addColumn('edit_mode', 'text', c => c.notNull().defaultTo('direct'))
      .addColumn('state', 'text', c => c.notNull())
      .addColumn('entity_count', 'integer', c => c.notNull().defaultTo(0))
      .addColumn('error_count', 'integer', c => c.notNull().defaultTo(0))
      .addColumn('last_refresh_at', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', c => c.notNull())
      .execute();
    await db.schema
      .createIndex('locations_type_target_idx')
      .on('locations')
      .columns(['type', 'target'])
      .unique()
      .execute();

    await db.schema
      .createTable('location_problems')
      .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', c => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('location_id', 'text', c => c.notNull().references('locations.id').onDelete('cascade'))
      .addColumn('source', 'text')
      .addColumn('document', 'integer')
      .addColumn('line', 'integer')
      .addColumn('pointer', 'text', c => c.notNull())
      .addColumn('detail', 'text', c => c.notNull())
      .addColumn('rule', 'text')
      .addColumn('entity_ref', 'text')
      .execute();
    await db.schema.createIndex('location_problems_location_idx').on('location_problems').column('location_id').execute();
    await db.schema.createIndex('location_problems_entity_idx').on('location_problems').column('entity_ref').execute();

    // Full-text search lives in each database's own index.
    if (dialect === 'sqlite') {
      await sql`CREATE VIRTUAL TABLE entities_fts USING fts5(
        id UNINDEXED, name, title, description, search_text,
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
      )`.execute(db);
    } else {
      await sql`ALTER TABLE entities ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(name, '')), 'A') ||
        setweight(to_tsvector('simple', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(description, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(search_text, '')), 'C')
      ) STORED`.execute(db);
      await sql`CREATE INDEX entities_search_vector_idx ON entities USING gin (search_vector)`.execute(db);
    }
  },
};
