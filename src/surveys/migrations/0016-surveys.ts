import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';

/**
 * Developer-experience surveys: questionnaires, their runs, anonymous responses (no person, no time) and
 * the separate "has answered" markers (no time, no link to a response) that refuse a second answer.
 */
export const surveysMigration: Migration = {
  name: '0016-surveys',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('surveys')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('title', 'text', c => c.notNull())
      .addColumn('questions', 'text', c => c.notNull())
      .addColumn('created_at', 'text', c => c.notNull())
      .addColumn('updated_at', 'text', c => c.notNull())
      .execute();
    await db.schema
      .createTable('survey_runs')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('survey_id', 'text', c => c.notNull())
      .addColumn('title', 'text', c => c.notNull())
      .addColumn('questions', 'text', c => c.notNull())
      .addColumn('audience', 'text', c => c.notNull())
      .addColumn('opens_at', 'text', c => c.notNull())
      .addColumn('closes_at', 'text', c => c.notNull())
      .addColumn('closed_at', 'text')
      .addColumn('reminded_at', 'text')
      .addColumn('created_at', 'text', c => c.notNull())
      .execute();
    await db.schema.createIndex('survey_runs_survey_idx').on('survey_runs').columns(['survey_id', 'opens_at']).execute();
    await db.schema
      .createTable('survey_responses')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('run_id', 'text', c => c.notNull())
      .addColumn('team', 'text')
      .addColumn('answers', 'text', c => c.notNull())
      .execute();
    await db.schema.createIndex('survey_responses_run_idx').on('survey_responses').columns(['run_id', 'team']).execute();
    await db.schema
      .createTable('survey_respondents')
      .addColumn('run_id', 'text', c => c.notNull())
      .addColumn('principal', 'text', c => c.notNull())
      .addPrimaryKeyConstraint('survey_respondents_pk', ['run_id', 'principal'])
      .execute();
  },
};
