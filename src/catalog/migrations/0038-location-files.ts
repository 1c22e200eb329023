import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';

/**
 * The files of a location a refresh may skip while their content is unchanged (`location-files.ts`):
 * each one's hash and the refs its documents defined. Parsing YAML was about a quarter of an ingest's
 * CPU and all of it again on a refresh that changed nothing.
 */
export const locationFilesMigration: Migration = {
  name: '0038-location-files',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('location_files')
      .addColumn('location_id', 'text', c => c.notNull().references('locations.id').onDelete('cascade'))
      .addColumn('source', 'text', c => c.notNull())
      .addColumn('hash', 'text', c => c.notNull())
      .addColumn('refs', 'text', c => c.notNull())
      .addPrimaryKeyConstraint('location_files_pk', ['location_id', 'source'])
      .execute();
  },
};
