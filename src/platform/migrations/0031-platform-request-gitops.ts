import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';

/**
 * GitOps health read back onto requests: what the Argo CD Application or Flux Kustomization syncing a
 * request's files last reported (JSON `RequestGitOps`). A column of its own, beside the status the
 * reconciler writes, so neither overwrites the other.
 */
export const platformRequestGitOpsMigration: Migration = {
  name: '0031-platform-request-gitops',
  async up(db: Kysely<any>) {
    await db.schema.alterTable('platform_requests').addColumn('gitops', 'text').execute();
  },
};
