/** Scorecards as a Pave module: facts per entity from collectors, the Scorecard kind, results with history. */
import { defineModule, worker, type BackgroundWorker } from '../pave-module.js';
import { scorecardCommands } from '../cli/scorecard-commands.js';
import { scorecardsConfigSection } from './scorecards-config.js';
import type { ScorecardsService } from './scorecards-service.js';
import { scorecardPolicy } from './scorecard-kind.js';
import { campaignPolicy } from './campaign-kind.js';
import { scorecardsMigration } from './migrations/0012-scorecards.js';
import { campaignRemindersMigration } from './migrations/0052-campaign-reminders.js';

export const scorecardsModule = defineModule({
  name: 'scorecards',
  description: 'Facts per entity from collectors, Scorecards with levels and weighted rules, results with history, Campaigns',
  requires: ['auth', 'catalog', 'expressions', 'repositories', 'reading', 'delivery'],
  config: scorecardsConfigSection,
  kinds: [scorecardPolicy, campaignPolicy],
  permissions: [{ action: 'scorecards.result.read', description: 'Read scorecards, campaigns, their results and the facts of entities (only of entities one may read)' }],
  eventTypes: [
    { type: 'scorecards.level.changed', description: 'An entity reached another level of a scorecard (payload: scorecard, level, previous, score, kind, namespace, name, owner)', read: { action: 'catalog.entity.read', on: 'owner' } },
    { type: 'scorecards.campaign.reminder', description: 'A campaign nears (or passed) its target with entities left, once a day (payload: campaign, target, daysLeft, left, teams with what each has left, owner)', read: { action: 'catalog.entity.read', on: 'owner' } },
  ],
  migrations: [scorecardsMigration, campaignRemindersMigration],
  defaultRules: () => [
    {
      id: 'default.scorecards-read',
      description: 'Everyone signed in reads scorecards and results of the entities they may read',
      effect: 'allow',
      actions: ['scorecards.result.read'],
      subjects: ['role:signed-in'],
    },
  ],
  create: async ({ store, queue, eventLog, eventConsumers, app, logger }): Promise<ScorecardsService> => {
    const [{ ScorecardsService }, { FactCollection }, { DeliveryFactRefresh }] = await Promise.all([import('./scorecards-service.js'), import('./fact-collection.js'), import('./delivery-fact-refresh.js')]);
    const scorecards = new ScorecardsService({ store, queue, log: eventLog, entities: app.catalog.entities, repositories: app.repositories, reader: app.reading, delivery: app.delivery, expressions: app.expressions, logger });
    eventConsumers.register(new FactCollection(scorecards, app.catalog.entities));
    eventConsumers.register(new DeliveryFactRefresh(scorecards));
    return scorecards;
  },
  async routes(api, scorecards, app) {
    const { scorecardsRoutes } = await import('../api/routes/scorecards-routes.js');
    await api.register(scorecardsRoutes, { prefix: '/scorecards', scorecards, app });
  },
  cli: ({ output, globals }) => [scorecardCommands(output, globals)],
  workers: async (scorecards, app): Promise<BackgroundWorker[]> => [worker('scorecards.collector', new (await import('./deferred-collection.js')).DeferredCollection(scorecards, app.queue, { pollMs: app.config.scorecards.pollMs, historyDays: app.config.scorecards.historyDays, logger: app.logger }))],
});
