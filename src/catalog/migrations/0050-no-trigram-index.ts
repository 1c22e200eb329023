import { sql, type Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';
import type {} from '../catalog-tables.js'; // the tables it queries, for the import-graph rule

/**
 * Drops the pg_trgm index over search documents that migration 0036 made on PostgreSQL: search no longer reads it
 * (each replica holds the documents' words per catalog state, `search/document-words.ts`), and every search
 * document written kept it up for nothing — a GIN trigram entry per three letters of every entity's text. The
 * extension stays: other schemas of the database may use it. Nothing on SQLite.
 */
export const noTrigramIndexMigration: Migration = {
  name: '0050-no-trigram-index',
  async up(db: Kysely<any>, dialect) {
    if (dialect !== 'postgres') return;
    await sql`DROP INDEX IF EXISTS search_documents_trgm_idx`.execute(db);
  },
};
