import type { Migration } from '../../store/migrations/migration.js';

/**
 * Once made PostgreSQL's pg_trgm index over search documents; search stopped reading it in session 12 and 0050
 * drops it where it was made. Kept, doing nothing, so that databases which applied it and new ones list the same
 * migrations.
 */
export const trigramIndexMigration: Migration = {
  name: '0036-trigram-index',
  async up() {},
};
