import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';

/** Announcements from the platform team, newest first by publication. */
export const announcementsMigration: Migration = {
  name: '0025-announcements',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('announcements')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('title', 'text', c => c.notNull())
      .addColumn('text', 'text', c => c.notNull())
      .addColumn('audience', 'text', c => c.notNull())
      .addColumn('published_at', 'text', c => c.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('author', 'text', c => c.notNull())
      .execute();
    await db.schema.createIndex('announcements_published_idx').on('announcements').column('published_at').execute();
  },
};
