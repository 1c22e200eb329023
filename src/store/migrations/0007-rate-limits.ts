import type { Kysely } from 'kysely';
import type { Migration } from './migration.js';

/**
 * Request counters for rate limits, kept in the store so that every replica counts against the
 * same limit: one row per key (route and client) with the start of its window (epoch milliseconds).
 */
export const rateLimitsMigration: Migration = {
  name: '0007-rate-limits',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('rate_limits')
      .addColumn('key', 'text', c => c.primaryKey())
      .addColumn('window_start', 'bigint', c => c.notNull())
      .addColumn('window_ms', 'integer', c => c.notNull())
      .addColumn('count', 'integer', c => c.notNull())
      .execute();
  },
};
