import type { Kysely } from 'kysely';
import type { Migration } from './migration.js';

/**
 * The event log: every change, appended in the transaction that makes it, numbered by one counter per
 * database (`event_sequence`, whose row lock orders appends by commit), and the durable cursors of the
 * consumers that read it.
 */
export const eventLogMigration: Migration = {
  name: '0009-event-log',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('events')
      .addColumn('seq', 'bigint', c => c.primaryKey())
      .addColumn('id', 'text', c => c.notNull().unique())
      .addColumn('type', 'text', c => c.notNull())
      .addColumn('subject', 'text')
      .addColumn('actor', 'text')
      .addColumn('payload', 'text', c => c.notNull())
      .addColumn('created_at', 'text', c => c.notNull())
      .execute();
    await db.schema.createIndex('events_type_idx').on('events').columns(['type', 'seq']).execute();
    await db.schema.createIndex('events_subject_idx').on('events').columns(['subject', 'seq']).execute();
    await db.schema.createIndex('events_created_idx').on('events').columns(['created_at']).execute();
    await db.schema
      .createTable('event_sequence')
      .addColumn('name', 'text', c => c.primaryKey())
      .addColumn('last', 'bigint', c => c.notNull())
      .execute();
    await db.insertInto('event_sequence').values({ name: 'events', last: 0 }).execute();
    await db.schema
      .createTable('event_cursors')
      .addColumn('consumer', 'text', c => c.primaryKey())
      .addColumn('seq', 'bigint', c => c.notNull())
      .addColumn('failures', 'integer', c => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('updated_at', 'text', c => c.notNull())
      .execute();
  },
};
