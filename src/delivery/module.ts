/** Delivery as a Pave module: delivery events in (generic API, provider webhooks), DORA and adoption. */
import { defineModule } from '../pave-module.js';
import { deliveryConfigSection } from './delivery-config.js';
import { deliveryCommands, metricsCommands } from '../cli/delivery-commands.js';
import type { DeliveryService } from './delivery-service.js';
import { deliveryMigration } from './migrations/0013-delivery.js';
import { deliveryPullRequestsMigration } from './migrations/0043-delivery-pull-requests.js';
import { deliveryTargetsMigration } from './migrations/0044-delivery-targets.js';

export const deliveryModule = defineModule({
  name: 'delivery',
  description: "Delivery events in (a generic API and GitHub, GitLab, Argo CD, Flux and PagerDuty webhooks), mapped to the catalog's components, and DORA's metrics and adoption over them",
  requires: ['auth', 'catalog', 'platform'],
  config: deliveryConfigSection,
  permissions: [
    { action: 'delivery.event.write', description: 'Send delivery events through the generic API' },
    { action: 'delivery.event.read', description: "Read a component's deployments and the unmapped events" },
    { action: 'delivery.mapping.write', description: "Attribute a key's events to a catalog entity" },
    { action: 'delivery.metrics.read', description: 'Read DORA figures and adoption (over the components one may read)' },
  ],
  eventTypes: [
    { type: 'delivery.events.received', description: 'Delivery events were stored (payload: source, counts, and entities: the refs of the entities they were attributed to, at most 8 KiB of them; entitiesTruncated says when some were left out; a reader sees only the entities they may read in the catalog)', read: { action: 'delivery.event.read', entities: 'entities' } },
    { type: 'delivery.mapping.created', description: "A key's events were attributed to an entity (payload: key, value, entity, events; shown only to those who may read the entity in the catalog)", read: { action: 'delivery.event.read', entities: 'entity' } },
  ],
  migrations: [deliveryMigration, deliveryPullRequestsMigration, deliveryTargetsMigration],
  defaultRules: auth => [
    {
      id: 'default.delivery-read',
      description: 'Everyone signed in reads delivery figures, deployments and unmapped events (figures cover only the components they may read)',
      effect: 'allow',
      actions: ['delivery.event.read', 'delivery.metrics.read'],
      subjects: ['role:signed-in'],
    },
    {
      id: 'default.delivery-write',
      description: `Members of ${auth.platformGroup} send delivery events through the API (with a token for CI) and map unmapped events`,
      effect: 'allow',
      actions: ['delivery.event.write', 'delivery.mapping.write'],
      subjects: [auth.platformGroup],
    },
  ],
  create: async ({ store, eventLog, audit, config, logger, app }): Promise<DeliveryService> =>
    new (await import('./delivery-service.js')).DeliveryService({ store, log: eventLog, audit, config: config.delivery, catalog: app.catalog.entities, permissions: app.auth.permissions, gitops: app.platform.gitops, logger }),
  async routes(api, delivery) {
    const { deliveryRoutes } = await import('../api/routes/delivery-routes.js');
    await api.register(deliveryRoutes, { prefix: '/delivery', delivery });
  },
  cli: ({ output, globals }) => [deliveryCommands(output, globals), metricsCommands(output, globals)],
});
