/** The platform API as a Pave module: capabilities, destinations, requests and the reconciler. */
import { defineModule, worker } from '../pave-module.js';
import { platformConfigSection } from './platform-config.js';
import { platformCommands } from '../cli/platform-commands.js';
import type { PlatformService } from './platform-service.js';
import { platformMigration } from './migrations/0004-platform.js';
import { platformRequestOwnerMigration } from './migrations/0008-platform-request-owner.js';
import { platformBindingsMigration } from './migrations/0024-platform-bindings.js';
import { platformRequestGitOpsMigration } from './migrations/0031-platform-request-gitops.js';
import { platformGitOpsLookupMigration } from './migrations/0034-platform-gitops-lookup.js';

export const platformModule = defineModule({
  name: 'platform',
  description: 'The platform API: versioned capabilities, destinations, requests and a durable reconciler committing manifests to git',
  requires: ['auth', 'catalog', 'expressions'],
  config: platformConfigSection,
  permissions: [
    { action: 'platform.capability.read', description: 'Read published capabilities (the marketplace)' },
    { action: 'platform.capability.publish', description: 'Publish a capability revision, and render with a capability one brings (code of one’s choosing)' },
    { action: 'platform.capability.delete', description: 'Delete a capability with no requests' },
    { action: 'platform.destination.read', description: 'Read destinations' },
    { action: 'platform.destination.write', description: 'Create or change a destination' },
    { action: 'platform.destination.delete', description: 'Delete a destination that holds no files' },
    { action: 'platform.request.read', description: 'Read requests and their status' },
    { action: 'platform.request.create', description: 'Apply a request in a namespace (create or update)' },
    { action: 'platform.request.delete', description: 'Delete a request' },
    { action: 'platform.request.extend', description: 'Move when a request expires (within its capability’s maximum)' },
    { action: 'platform.request.reconcile', description: 'Ask for a request to be reconciled now' },
    { action: 'platform.request.render', description: 'Preview a request (a dry-run render) with a published capability' },
    { action: 'platform.binding.read', description: 'Read teams’ bindings of capabilities' },
    { action: 'platform.binding.create', description: 'Bind a capability for a team, or change the version channel of its binding (checked against the team)' },
    { action: 'platform.binding.delete', description: 'Remove a team’s binding of a capability that it has no requests of (checked against the team)' },
    { action: 'platform.binding.approve', description: 'Approve or reject a team’s binding that waits for approval (checked against the capability’s owner)' },
    { action: 'platform.approval.decide', description: 'Approve or reject a request waiting for approval (checked against its approving groups)' },
    { action: 'platform.run.read', description: 'Read runs and their logs' },
    { action: 'platform.event.read', description: 'Follow the platform event stream' },
  ],
  eventTypes: [
    { type: 'platform.request.applied', description: 'A request was created', read: { action: 'platform.request.read', on: 'owner' } },
    { type: 'platform.request.updated', description: 'A request got a new generation', read: { action: 'platform.request.read', on: 'owner' } },
    {
      type: 'platform.request.phase-changed',
      description: 'A request moved to another phase as shown (payload: phase, reason, generation); Deleting when its deletion is asked for',
      read: { action: 'platform.request.read', on: 'owner' },
    },
    {
      type: 'platform.request.gitops-changed',
      description: 'The GitOps tool syncing a request’s files reported another sync or health status (payload: tool, app, sync, health, revision)',
      read: { action: 'platform.request.read', on: 'owner' },
    },
    { type: 'platform.request.deleted', description: 'A request and its files were removed', read: { action: 'platform.request.read', on: 'owner' } },
    { type: 'platform.request.expiring', description: 'A request expires soon (payload: expiresAt); its owners may extend it', read: { action: 'platform.request.read', on: 'owner' } },
    { type: 'platform.request.extended', description: 'A request’s expiry was moved (payload: expiresAt)', read: { action: 'platform.request.read', on: 'owner' } },
    { type: 'platform.run.finished', description: 'A reconcile run finished (payload: run id, phase, commits)', read: { action: 'platform.request.read', on: 'owner' } },
    { type: 'platform.delivery.committed', description: 'A request’s files were committed to a destination (payload: destination, path, commit)', read: { action: 'platform.request.read', on: 'owner' } },
    { type: 'platform.capability.published', description: 'A capability revision was published', read: { action: 'platform.capability.read' } },
    { type: 'platform.capability.deleted', description: 'A capability was deleted', read: { action: 'platform.capability.read' } },
    { type: 'platform.binding.applied', description: 'A team bound a capability or changed its binding (payload: outcome, phase)', read: { action: 'platform.binding.read' } },
    { type: 'platform.binding.decided', description: 'A binding waiting for approval was approved or rejected (payload: decision, reason)', read: { action: 'platform.binding.read' } },
    { type: 'platform.binding.deleted', description: 'A team’s binding was removed', read: { action: 'platform.binding.read' } },
    { type: 'platform.destination.applied', description: 'A destination was created or changed (payload: outcome)', read: { action: 'platform.destination.read' } },
    { type: 'platform.destination.deleted', description: 'A destination was deleted', read: { action: 'platform.destination.read' } },
  ],
  migrations: [platformMigration, platformRequestOwnerMigration, platformBindingsMigration, platformRequestGitOpsMigration, platformGitOpsLookupMigration],
  create: async ({ store, queue, eventLog, audit, eventConsumers, config, dataDir, logger, app, options }): Promise<PlatformService> => {
    const { PlatformService } = await import('./platform-service.js');
    return new PlatformService({
      store,
      queue,
      eventLog,
      audit,
      consumers: eventConsumers,
      catalog: app.catalog,
      config: config.platform,
      workspaceRoot: PlatformService.workspaceRootFor(dataDir),
      permissions: app.auth.permissions,
      ...(options.moduleSandbox ? { moduleSandbox: options.moduleSandbox } : {}),
      expressions: app.expressions,
      logger,
    });
  },
  async routes(api, platform) {
    const { platformRoutes } = await import('../api/routes/platform-routes.js');
    await api.register(platformRoutes, { prefix: '/platform', platform });
    const { scoreRoutes } = await import('../api/routes/score-routes.js');
    await api.register(scoreRoutes, { prefix: '/platform/score', platform });
    const { destinationBrowseRoutes } = await import('../api/routes/destination-browse-routes.js');
    await api.register(destinationBrowseRoutes, { prefix: '/platform/destinations', platform });
  },
  cli: ({ output, globals }) => platformCommands(output, globals),
  workers: platform => [worker('platform.reconciler', platform.reconciler), worker('platform.expiry', platform.expiry)],
  close: platform => platform.close(),
});
