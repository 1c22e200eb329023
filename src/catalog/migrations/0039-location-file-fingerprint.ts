import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';

/**
 * The ingestion fingerprint a skippable file was read under (`ingestion-fingerprint.ts`): Pave's version,
 * the catalog settings and the kinds validated. Rows recorded before it have none, so every file is read once more.
 */
export const locationFileFingerprintMigration: Migration = {
  name: '0039-location-file-fingerprint',
  async up(db: Kysely<any>) {
    await db.schema.alterTable('location_files').addColumn('fingerprint', 'text', c => c.notNull().defaultTo('')).execute();
  },
};
