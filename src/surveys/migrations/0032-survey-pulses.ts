import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';

/**
 * The in-context pulse: one rating after a golden path run or a platform request, kept like survey answers
 * (no person, no exact time, a random id), and the separate "has answered this occasion" markers.
 */
export const surveyPulsesMigration: Migration = {
  name: '0032-survey-pulses',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('survey_pulses')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('occasion_kind', 'text', c => c.notNull())
      .addColumn('subject', 'text', c => c.notNull())
      .addColumn('month', 'text', c => c.notNull())
      .addColumn('score', 'integer', c => c.notNull())
      .addColumn('comment', 'text')
      .execute();
    await db.schema.createIndex('survey_pulses_subject_idx').on('survey_pulses').columns(['occasion_kind', 'subject']).execute();
    await db.schema
      .createTable('survey_pulse_respondents')
      .addColumn('occasion', 'text', c => c.notNull())
      .addColumn('principal', 'text', c => c.notNull())
      .addPrimaryKeyConstraint('survey_pulse_respondents_pk', ['occasion', 'principal'])
      .execute();
  },
};
