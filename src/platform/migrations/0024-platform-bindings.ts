import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';

/**
 * Bindings, approvals and expiry: a team's binding of a capability (one per team and capability), and on
 * each request the approval its current generation waits for or got (JSON), when it expires and when its
 * expiry warning was given.
 */
export const platformBindingsMigration: Migration = {
  name: '0024-platform-bindings',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('platform_bindings')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('team', 'text', c => c.notNull())
      .addColumn('namespace', 'text', c => c.notNull())
      .addColumn('capability', 'text', c => c.notNull())
      .addColumn('phase', 'text', c => c.notNull())
      .addColumn('body', 'text', c => c.notNull())
      .addColumn('created_at', 'text', c => c.notNull())
      .addColumn('updated_at', 'text', c => c.notNull())
      .addUniqueConstraint('platform_bindings_team_capability_unique', ['team', 'capability'])
      .execute();
    await db.schema.alterTable('platform_requests').addColumn('approval', 'text').execute();
    await db.schema.alterTable('platform_requests').addColumn('expires_at', 'text').execute();
    await db.schema.alterTable('platform_requests').addColumn('expiry_warned_at', 'text').execute();
    await db.schema.createIndex('platform_requests_expires_at_idx').on('platform_requests').column('expires_at').execute();
  },
};
