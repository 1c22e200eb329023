import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';

/**
 * Strings a task's expressions derived from its secrets (`secrets.token | upper`, …), kept beside the
 * secrets while the task runs so every process masks them in what it shows (step outputs are stored
 * raw until the task ends); cleared with the secrets when it ends.
 */
export const taskDerivedSecretsMigration: Migration = {
  name: '0011-task-derived-secrets',
  async up(db: Kysely<any>) {
    await db.schema.alterTable('scaffolder_tasks').addColumn('derived_secrets', 'text').execute();
  },
};
