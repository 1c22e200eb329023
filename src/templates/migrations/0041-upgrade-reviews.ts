import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';

/**
 * The review an upgrade opened on a generated repository (its pull or merge request, or branch) and what it
 * decided: a repository takes the new template version only once that review is merged. `review_state`
 * stands apart from the JSON so the watcher finds the open ones by index.
 */
export const upgradeReviewsMigration: Migration = {
  name: '0041-upgrade-reviews',
  async up(db: Kysely<any>) {
    await db.schema.alterTable('scaffolder_generated_repositories').addColumn('review_state', 'text').execute();
    await db.schema.alterTable('scaffolder_generated_repositories').addColumn('review', 'text').execute();
    await db.schema.createIndex('scaffolder_generated_repositories_review_idx').on('scaffolder_generated_repositories').columns(['review_state']).execute();
  },
};
