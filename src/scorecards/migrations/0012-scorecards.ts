import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';

/**
 * Scorecards: facts per entity (current value, unique per entity/source/name, and every change), and
 * scorecard results (latest per scorecard/entity, and every change of level or score).
 */
export const scorecardsMigration: Migration = {
  name: '0012-scorecards',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('scorecard_facts')
      .addColumn('entity_ref', 'text', c => c.notNull())
      .addColumn('source', 'text', c => c.notNull())
      .addColumn('name', 'text', c => c.notNull())
      .addColumn('value', 'text', c => c.notNull())
      .addColumn('observed_at', 'text', c => c.notNull())
      .addPrimaryKeyConstraint('scorecard_facts_pk', ['entity_ref', 'source', 'name'])
      .execute();
    await db.schema
      .createTable('scorecard_fact_history')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('entity_ref', 'text', c => c.notNull())
      .addColumn('source', 'text', c => c.notNull())
      .addColumn('name', 'text', c => c.notNull())
      .addColumn('value', 'text', c => c.notNull())
      .addColumn('observed_at', 'text', c => c.notNull())
      .execute();
    await db.schema.createIndex('scorecard_fact_history_entity_idx').on('scorecard_fact_history').columns(['entity_ref', 'observed_at']).execute();
    await db.schema.createIndex('scorecard_fact_history_at_idx').on('scorecard_fact_history').columns(['observed_at']).execute();
    await db.schema
      .createTable('scorecard_results')
      .addColumn('scorecard_ref', 'text', c => c.notNull())
      .addColumn('entity_ref', 'text', c => c.notNull())
      .addColumn('owner', 'text')
      .addColumn('level', 'text')
      .addColumn('score', 'integer', c => c.notNull())
      .addColumn('rules', 'text', c => c.notNull())
      .addColumn('evaluated_at', 'text', c => c.notNull())
      .addPrimaryKeyConstraint('scorecard_results_pk', ['scorecard_ref', 'entity_ref'])
      .execute();
    await db.schema.createIndex('scorecard_results_entity_idx').on('scorecard_results').columns(['entity_ref']).execute();
    await db.schema
      .createTable('scorecard_result_history')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('scorecard_ref', 'text', c => c.notNull())
      .addColumn('entity_ref', 'text', c => c.notNull())
      .addColumn('level', 'text')
      .addColumn('score', 'integer', c => c.notNull())
      .addColumn('evaluated_at', 'text', c => c.notNull())
      .execute();
    await db.schema.createIndex('scorecard_result_history_idx').on('scorecard_result_history').columns(['scorecard_ref', 'entity_ref', 'evaluated_at']).execute();
    await db.schema.createIndex('scorecard_result_history_at_idx').on('scorecard_result_history').columns(['evaluated_at']).execute();
  },
};
