import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';

/**
 * Golden-path tasks: one row per task (what to run, its state and result), one per step (status and
 * recorded output, so a resumed task never repeats a completed side effect), and the event log that is
 * streamed to clients.
 */
export const templatesMigration: Migration = {
  name: '0005-templates',
  async up(db: Kysely<any>, dialect) {
    await db.schema
      .createTable('scaffolder_tasks')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('template_ref', 'text', c => c.notNull())
      .addColumn('spec', 'text', c => c.notNull())
      .addColumn('status', 'text', c => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('secrets', 'text')
      .addColumn('cancel_requested', 'integer', c => c.notNull().defaultTo(0))
      .addColumn('output', 'text')
      .addColumn('error', 'text')
      .addColumn('created_at', 'text', c => c.notNull())
      .addColumn('updated_at', 'text', c => c.notNull())
      .addColumn('last_heartbeat_at', 'text')
      .addColumn('completed_at', 'text')
      .execute();
    await db.schema.createIndex('scaffolder_tasks_status_idx').on('scaffolder_tasks').columns(['status', 'created_at']).execute();
    await db.schema.createIndex('scaffolder_tasks_created_by_idx').on('scaffolder_tasks').columns(['created_by', 'created_at']).execute();

    await db.schema
      .createTable('scaffolder_task_steps')
      .addColumn('task_id', 'text', c => c.notNull().references('scaffolder_tasks.id').onDelete('cascade'))
      .addColumn('step_index', 'integer', c => c.notNull())
      .addColumn('step_id', 'text', c => c.notNull())
      .addColumn('name', 'text', c => c.notNull())
      .addColumn('action', 'text', c => c.notNull())
      .addColumn('status', 'text', c => c.notNull())
      .addColumn('attempts', 'integer', c => c.notNull().defaultTo(0))
      .addColumn('output', 'text')
      .addColumn('error', 'text')
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .addPrimaryKeyConstraint('scaffolder_task_steps_pk', ['task_id', 'step_index'])
      .execute();

    await db.schema
      .createTable('scaffolder_task_events')
      .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', c => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('task_id', 'text', c => c.notNull().references('scaffolder_tasks.id').onDelete('cascade'))
      .addColumn('type', 'text', c => c.notNull())
      .addColumn('body', 'text', c => c.notNull())
      .addColumn('created_at', 'text', c => c.notNull())
      .execute();
    await db.schema.createIndex('scaffolder_task_events_task_idx').on('scaffolder_task_events').columns(['task_id', 'id']).execute();
  },
};
