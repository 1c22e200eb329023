/** Events out as a Pave module: webhooks and the message-bus publisher, as consumers of the event log. */
import { defineModule, worker, type BackgroundWorker } from '../pave-module.js';
import { eventsConfigSection } from './events-config.js';
import { webhookCommands } from '../cli/webhook-commands.js';
import type { EventsService } from './events-service.js';
import { webhooksMigration } from './migrations/0010-webhooks.js';

export const eventsModule = defineModule({
  name: 'events',
  description: 'Events out: signed webhooks with retries and dead letters, and the NATS publisher, reading the event log',
  requires: ['auth', 'catalog'],
  config: eventsConfigSection,
  permissions: [
    { action: 'events.event.read', description: 'Follow the event log (each event only when one may read what it is about)' },
    { action: 'events.webhook.read', description: 'Read webhook subscriptions and their deliveries' },
    { action: 'events.webhook.write', description: 'Create or change a webhook subscription' },
    { action: 'events.webhook.delete', description: 'Delete a webhook subscription' },
    { action: 'events.webhook.redeliver', description: 'Send a dead-lettered delivery again' },
    { action: 'events.webhook.test', description: 'Send a test ping to a webhook' },
  ],
  eventTypes: [
    { type: 'events.webhook.created', description: 'A webhook subscription was created', read: { action: 'events.webhook.read' } },
    { type: 'events.webhook.updated', description: 'A webhook subscription was changed', read: { action: 'events.webhook.read' } },
    { type: 'events.webhook.deleted', description: 'A webhook subscription was deleted', read: { action: 'events.webhook.read' } },
  ],
  migrations: [webhooksMigration],
  defaultRules: () => [
    {
      id: 'default.events-read',
      description: 'Everyone signed in follows the event log; each event only when they may read what it is about',
      effect: 'allow',
      actions: ['events.event.read'],
      subjects: ['role:signed-in'],
    },
  ],
  create: async ({ store, queue, eventLog, eventConsumers, audit, config, logger, app, eventTypes }): Promise<EventsService> =>
    new (await import('./events-service.js')).EventsService({
      store,
      queue,
      log: eventLog,
      consumers: eventConsumers,
      config: config.events,
      eventTypes,
      permissions: app.auth.permissions,
      // The catalog's read scope, applied in SQL as every catalog list does.
      readableEntities: async (identity, refs) => {
        const scope = await app.auth.permissions.readScope(identity, 'catalog.entity.read');
        const found = await app.catalog.entities.byRefs([...refs], undefined, undefined, scope);
        return new Set(refs.filter((_, i) => found[i]));
      },
      audit,
      logger,
    }),
  async routes(api, events) {
    const { eventsRoutes } = await import('../api/routes/events-routes.js');
    await api.register(eventsRoutes, { prefix: '/events', events });
  },
  cli: ({ output, globals }) => [webhookCommands(output, globals)],
  // Delivery only: the consumers that fill the outbox run with the app's event consumers.
  workers: async (events, app): Promise<BackgroundWorker[]> => [worker('events.webhook-delivery', events), worker('events.retention', new (await import('./event-retention.js')).EventRetention(app.eventLog, app.eventConsumers, { days: app.config.events.retentionDays, deliveries: events.deliveries, logger: app.logger }))],
  close: events => events.stop(),
});
