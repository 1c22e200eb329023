import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';
import type {} from '../catalog-tables.js'; // the tables it queries, for the import-graph rule

/**
 * PostgreSQL's trigram index over search documents (`pg_trgm`), made with the schema instead of at each start:
 * the extension where the server has it and the role may install it, then the index in Pave's schema. A
 * server without it, or refusing it to the role, still migrates (search then reads every document; the
 * start-up warning says how to add the index by hand). Nothing on SQLite, whose FTS5 trigram table came with 0020.
 */
export const trigramIndexMigration: Migration = {
  name: '0036-trigram-index',
  async up(db: Kysely<any>, dialect) {
    if (dialect !== 'postgres') return;
    const { ensureTrigramIndex } = await import('../search/trigram-support.js');
    await ensureTrigramIndex(db);
  },
};
