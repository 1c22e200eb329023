/** Operating Pave as a Pave module: Prometheus metrics, liveness and readiness probes, shutdown state, backups. */
import { defineModule, worker } from '../pave-module.js';
import { operationsConfigSection } from './operations-config.js';
import type { OperationsService } from './operations-service.js';
import { backupCommands } from '../cli/backup-commands.js';

export const operationsModule = defineModule({
  name: 'operations',
  description: 'What a platform team operates Pave with: /metrics for Prometheus, /healthz and /readyz, graceful shutdown, backups',
  requires: ['auth', 'catalog', 'events'],
  config: operationsConfigSection,
  permissions: [{ action: 'operations.metrics.read', description: 'Read the Prometheus metrics at /metrics (Prometheus itself sends the scrape token instead)' }],
  create: async ({ config, store, queue, eventLog, eventConsumers, app, logger }): Promise<OperationsService> =>
    new (await import('./operations-service.js')).OperationsService({
      config: config.operations,
      eventLog,
      metricSources: {
        jobs: () => queue.stats(),
        entityKinds: async () => (await app.catalog.entities.facets(['kind'], undefined))['kind'] ?? [],
        webhookDeliveries: () => app.events.deliveries.countByState(),
        consumerPositions: async () => ({
          latest: await eventLog.latest(),
          consumers: await Promise.all(eventConsumers.names().map(async name => ({ name, position: await eventConsumers.position(name) }))),
        }),
        searchLine: () => app.catalog.searchLine,
      },
      readiness: {
        ping: () => store.ping(),
        unknownMigrations: () => store.unknownMigrations(store.migrationNames),
        stoppedWorkers: () => app.workers.names().filter(name => !app.workers.running(name)),
        searchWarming: () => app.catalog.searchWarming,
      },
      stopWorkers: () => app.workers.stop(),
      logger,
    }),
  async serverHooks(server, operations) {
    (await import('../api/routes/operations-routes.js')).installRequestMetrics(server, operations);
  },
  async rootRoutes(root, operations, app) {
    const { operationsRoutes } = await import('../api/routes/operations-routes.js');
    await root.register(operationsRoutes, { app, operations });
  },
  cli: ({ output, globals }) => backupCommands(output, globals),
  workers: operations => [worker('operations.schema-guard', operations.schemaGuard)],
  close: operations => operations.close(),
});
