import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';

/**
 * The repositories golden paths created, each with what made it (template, template version, the values
 * given) and the render its content last came from, so a template change can be merged into it later.
 */
export const generatedRepositoriesMigration: Migration = {
  name: '0028-generated-repositories',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('scaffolder_generated_repositories')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('task_id', 'text', c => c.notNull())
      .addColumn('step_id', 'text', c => c.notNull())
      .addColumn('template_ref', 'text', c => c.notNull())
      .addColumn('template_version', 'text', c => c.notNull())
      .addColumn('parameters', 'text', c => c.notNull())
      .addColumn('publisher', 'text', c => c.notNull())
      .addColumn('repo_url', 'text', c => c.notNull())
      .addColumn('clone_url', 'text', c => c.notNull())
      .addColumn('branch', 'text', c => c.notNull())
      .addColumn('source_path', 'text', c => c.notNull())
      .addColumn('render_commit', 'text', c => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', c => c.notNull())
      .addColumn('last_upgrade', 'text')
      .execute();
    await db.schema.createIndex('scaffolder_generated_repositories_template_idx').on('scaffolder_generated_repositories').columns(['template_ref', 'created_at']).execute();
    await db.schema.createIndex('scaffolder_generated_repositories_task_idx').on('scaffolder_generated_repositories').columns(['task_id', 'step_id']).unique().execute();
  },
};
