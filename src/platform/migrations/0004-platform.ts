import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';

/** The platform API: capability revisions, destinations, requests and their runs. */
export const platformMigration: Migration = {
  name: '0004-platform',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('platform_capability_revisions')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('name', 'text', c => c.notNull())
      .addColumn('version', 'text', c => c.notNull())
      .addColumn('api_group', 'text', c => c.notNull())
      .addColumn('api_version', 'text', c => c.notNull())
      .addColumn('api_kind', 'text', c => c.notNull())
      .addColumn('body', 'text', c => c.notNull())
      .addColumn('digest', 'text', c => c.notNull())
      .addColumn('created_at', 'text', c => c.notNull())
      .addUniqueConstraint('platform_capability_revisions_name_version_unique', ['name', 'version'])
      .execute();
    await db.schema.createIndex('platform_capability_revisions_api_idx').on('platform_capability_revisions').columns(['api_group', 'api_kind']).execute();

    await db.schema
      .createTable('platform_destinations')
      .addColumn('name', 'text', c => c.primaryKey())
      .addColumn('body', 'text', c => c.notNull())
      .addColumn('created_at', 'text', c => c.notNull())
      .addColumn('updated_at', 'text', c => c.notNull())
      .execute();

    await db.schema
      .createTable('platform_requests')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('namespace', 'text', c => c.notNull())
      .addColumn('name', 'text', c => c.notNull())
      .addColumn('api_version', 'text', c => c.notNull())
      .addColumn('kind', 'text', c => c.notNull())
      .addColumn('capability', 'text', c => c.notNull())
      .addColumn('pinned_version', 'text')
      .addColumn('generation', 'integer', c => c.notNull())
      .addColumn('body', 'text', c => c.notNull())
      .addColumn('status', 'text', c => c.notNull())
      .addColumn('deleting_since', 'text')
      .addColumn('created_at', 'text', c => c.notNull())
      .addColumn('updated_at', 'text', c => c.notNull())
      .addUniqueConstraint('platform_requests_namespace_name_unique', ['namespace', 'name'])
      .execute();
    await db.schema.createIndex('platform_requests_capability_idx').on('platform_requests').column('capability').execute();

    await db.schema
      .createTable('platform_runs')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('request_id', 'text', c => c.notNull())
      .addColumn('namespace', 'text', c => c.notNull())
      .addColumn('name', 'text', c => c.notNull())
      .addColumn('kind', 'text', c => c.notNull())
      .addColumn('generation', 'integer', c => c.notNull())
      .addColumn('capability', 'text', c => c.notNull())
      .addColumn('capability_version', 'text', c => c.notNull())
      .addColumn('action', 'text', c => c.notNull())
      .addColumn('trigger', 'text', c => c.notNull())
      .addColumn('input_hash', 'text', c => c.notNull())
      .addColumn('phase', 'text', c => c.notNull())
      .addColumn('steps', 'text', c => c.notNull())
      .addColumn('outputs', 'text', c => c.notNull())
      .addColumn('diff', 'text', c => c.notNull())
      .addColumn('commits', 'text', c => c.notNull())
      .addColumn('drift', 'integer', c => c.notNull().defaultTo(0))
      .addColumn('error', 'text')
      .addColumn('started_at', 'text', c => c.notNull())
      .addColumn('finished_at', 'text')
      .execute();
    await db.schema.createIndex('platform_runs_request_idx').on('platform_runs').columns(['request_id', 'started_at']).execute();
    await db.schema.createIndex('platform_runs_name_idx').on('platform_runs').columns(['namespace', 'name', 'started_at']).execute();
  },
};
