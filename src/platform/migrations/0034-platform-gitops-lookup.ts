import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';
import { repositoryKey } from '../model/gitops-health.js';
import type {} from '../platform-tables.js'; // the tables it fills, for the import-graph rule

/**
 * What a GitOps tool's report is looked up by, so a webhook reads only the requests it is about: each
 * destination's repository as `repositoryKey` names it, and each request's deliveries (destination and folder)
 * as rows of their own, kept beside the status that holds them. Filled from the rows already there.
 */
export const platformGitOpsLookupMigration: Migration = {
  name: '0034-platform-gitops-lookup',
  async up(db: Kysely<any>) {
    await db.schema.alterTable('platform_destinations').addColumn('repository', 'text').execute();
    await db.schema.createIndex('platform_destinations_repository_idx').on('platform_destinations').column('repository').execute();
    for (const row of await db.selectFrom('platform_destinations').select(['name', 'body']).execute()) {
      const url = (JSON.parse(row.body as string) as { spec?: { git?: { url?: string } } }).spec?.git?.url;
      if (url) await db.updateTable('platform_destinations').set({ repository: repositoryKey(url) }).where('name', '=', row.name).execute();
    }
    await db.schema
      .createTable('platform_request_deliveries')
      .addColumn('request_id', 'text', c => c.notNull())
      .addColumn('destination', 'text', c => c.notNull())
      .addColumn('path', 'text', c => c.notNull())
      .addPrimaryKeyConstraint('platform_request_deliveries_pk', ['request_id', 'destination', 'path'])
      .execute();
    await db.schema.createIndex('platform_request_deliveries_destination_idx').on('platform_request_deliveries').column('destination').execute();
    for (const row of await db.selectFrom('platform_requests').select(['id', 'status']).execute()) {
      const deliveries = (JSON.parse(row.status as string) as { deliveries?: Array<{ destination: string; path: string }> }).deliveries ?? [];
      const unique = [...new Map(deliveries.map(d => [`${d.destination}\n${d.path}`, d])).values()];
      if (unique.length) await db.insertInto('platform_request_deliveries').values(unique.map(d => ({ request_id: row.id, destination: d.destination, path: d.path }))).execute();
    }
  },
};
