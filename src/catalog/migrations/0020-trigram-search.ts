import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';
import type {} from '../catalog-tables.js'; // the tables it queries, for the import-graph rule

/**
 * Search documents: one row per searchable text of an entity (the entity itself, each section of its
 * docs), indexed by trigrams so that a typo or part of a word still finds it — SQLite's FTS5 trigram
 * tokenizer, PostgreSQL's pg_trgm (where the server has it; without it search scans, see catalog-search.ts).
 * Replaces the word index of 0001, which needed every word spelt right.
 */
export const trigramSearchMigration: Migration = {
  name: '0020-trigram-search',
  async up(db: Kysely<any>, dialect) {
    // Loaded here, not with the module list the CLI reads at start.
    const { sql } = await import('kysely');
    const { searchDocumentOf } = await import('../search/search-document.js');
    await db.schema
      .createTable('search_documents')
      .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', c => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('entity_id', 'text', c => c.notNull().references('entities.id').onDelete('cascade'))
      .addColumn('section', 'text', c => c.notNull())
      .addColumn('title', 'text', c => c.notNull())
      .addColumn('name', 'text', c => c.notNull())
      .addColumn('description', 'text', c => c.notNull())
      .addColumn('owner', 'text', c => c.notNull())
      .addColumn('body', 'text', c => c.notNull())
      .execute();
    await db.schema.createIndex('search_documents_entity_idx').on('search_documents').columns(['entity_id', 'section']).unique().execute();
    if (dialect === 'sqlite') {
      await sql`DROP TABLE entities_fts`.execute(db);
      // External content: the index reads the rows' text from search_documents; triggers keep it in step,
      // also when a deleted entity's rows go by cascade.
      await sql`CREATE VIRTUAL TABLE search_fts USING fts5(
        title, name, description, owner, body,
        content = 'search_documents', content_rowid = 'id', tokenize = 'trigram remove_diacritics 1'
      )`.execute(db);
      const columns = 'title, name, description, owner, body';
      await sql.raw(`CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN
        INSERT INTO search_fts (rowid, ${columns}) VALUES (new.id, new.title, new.name, new.description, new.owner, new.body); END`).execute(db);
      await sql.raw(`CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN
        INSERT INTO search_fts (search_fts, rowid, ${columns}) VALUES ('delete', old.id, old.title, old.name, old.description, old.owner, old.body); END`).execute(db);
      await sql.raw(`CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN
        INSERT INTO search_fts (search_fts, rowid, ${columns}) VALUES ('delete', old.id, old.title, old.name, old.description, old.owner, old.body);
        INSERT INTO search_fts (rowid, ${columns}) VALUES (new.id, new.title, new.name, new.description, new.owner, new.body); END`).execute(db);
    } else {
      await sql`DROP INDEX entities_search_vector_idx`.execute(db);
      await sql`ALTER TABLE entities DROP COLUMN search_vector`.execute(db);
      await sql`ALTER TABLE search_documents ADD COLUMN search_text text GENERATED ALWAYS AS (
        lower(title || ' ' || name || ' ' || description || ' ' || owner || ' ' || body)
      ) STORED`.execute(db);
      // Its trigram index needs pg_trgm, which not every server has: migration 0036 makes it where it can.
    }
    await db.schema.alterTable('entities').dropColumn('search_text').execute();
    // Entities already stored get their document now; later writes keep it (entity-writer.ts).
    let after = '';
    for (;;) {
      const rows = await db.selectFrom('entities').select(['id', 'body']).where('id', '>', after).orderBy('id').limit(500).execute();
      if (!rows.length) break;
      const values = rows.map(row => ({ entity_id: row.id, ...searchDocumentOf(JSON.parse(row.body)) }));
      for (let i = 0; i < values.length; i += 100) await db.insertInto('search_documents').values(values.slice(i, i + 100)).execute();
      after = rows[rows.length - 1]!.id;
    }
  },
};
