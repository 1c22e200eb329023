import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';

/**
 * The team that owns a platform request, decided by Pave when the request is created (from
 * `platform.namespaceOwners` or the Group named like its namespace) and kept from then on; never taken
 * from the submitted document. Requests stored before this have none until they are next applied, and
 * are owned meanwhile by their namespace's owning team as decided now.
 */
export const platformRequestOwnerMigration: Migration = {
  name: '0008-platform-request-owner',
  async up(db: Kysely<any>) {
    await db.schema.alterTable('platform_requests').addColumn('owner', 'text').execute();
  },
};
