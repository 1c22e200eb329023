import type { Kysely } from 'kysely';
import type { Migration } from './migration.js';

/** The durable job queue shared by every long operation. */
export const jobsMigration: Migration = {
  name: '0002-jobs',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('jobs')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('queue', 'text', c => c.notNull())
      .addColumn('key', 'text', c => c.notNull())
      .addColumn('payload', 'text', c => c.notNull())
      .addColumn('state', 'text', c => c.notNull())
      .addColumn('attempts', 'integer', c => c.notNull().defaultTo(0))
      .addColumn('rerun', 'integer', c => c.notNull().defaultTo(0))
      .addColumn('run_at', 'text', c => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_expires_at', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', c => c.notNull())
      .addColumn('updated_at', 'text', c => c.notNull())
      .addUniqueConstraint('jobs_queue_key_unique', ['queue', 'key'])
      .execute();
    await db.schema.createIndex('jobs_ready_idx').on('jobs').columns(['queue', 'state', 'run_at']).execute();
  },
};
