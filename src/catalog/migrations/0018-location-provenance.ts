import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';

/** Where a location came from when a golden path registered it (template, task, who ran it), as JSON text. */
export const locationProvenanceMigration: Migration = {
  name: '0018-location-provenance',
  async up(db: Kysely<any>) {
    await db.schema.alterTable('locations').addColumn('provenance', 'text').execute();
  },
};
