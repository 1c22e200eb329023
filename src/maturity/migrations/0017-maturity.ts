import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';

/** Maturity assessments over the CNCF Platform Engineering Maturity Model, kept for history and comparison. */
export const maturityMigration: Migration = {
  name: '0017-maturity',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('maturity_assessments')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('assessed_at', 'text', c => c.notNull())
      .addColumn('recorded_at', 'text', c => c.notNull())
      .addColumn('assessor', 'text', c => c.notNull())
      .addColumn('body', 'text', c => c.notNull())
      .execute();
    await db.schema.createIndex('maturity_assessments_at_idx').on('maturity_assessments').columns(['assessed_at']).execute();
  },
};
