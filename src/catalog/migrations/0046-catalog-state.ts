import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';
import type {} from '../catalog-tables.js'; // the tables it queries, for the import-graph rule

/**
 * The catalog's state version (`catalog-state.ts`): one counter every catalog write bumps in its own
 * transaction, so every replica can tell with one primary-key read whether counts, facets and search
 * answers it keeps are still those of the catalog it sees.
 */
export const catalogStateMigration: Migration = {
  name: '0046-catalog-state',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('catalog_state')
      .addColumn('name', 'text', c => c.primaryKey())
      .addColumn('version', 'bigint', c => c.notNull())
      .execute();
    await db.insertInto('catalog_state').values({ name: 'catalog', version: 0 }).execute();
  },
};
