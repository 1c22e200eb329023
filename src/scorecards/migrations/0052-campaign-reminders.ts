import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';

/**
 * The day each campaign was reminded, unique per (campaign, day): a reminder is claimed by inserting its row, so two
 * replicas reminding at once remind once (a look for today's reminder in the event log let both through).
 */
export const campaignRemindersMigration: Migration = {
  name: '0052-campaign-reminders',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('scorecard_campaign_reminders')
      .ifNotExists()
      .addColumn('campaign_ref', 'text', c => c.notNull())
      .addColumn('day', 'text', c => c.notNull())
      .addPrimaryKeyConstraint('scorecard_campaign_reminders_pk', ['campaign_ref', 'day'])
      .execute();
  },
};
