/** Golden paths as a Pave module: Backstage v1beta3 templates, actions and durable tasks. */
import { defineModule, worker, type BackgroundWorker } from '../pave-module.js';
import { templateCommands } from '../cli/template-commands.js';
import type { ScaffolderService } from './scaffolder-service.js';
import { templatesMigration } from './migrations/0005-templates.js';
import { taskDerivedSecretsMigration } from './migrations/0011-task-derived-secrets.js';
import { generatedRepositoriesMigration } from './migrations/0028-generated-repositories.js';
import { upgradeReviewsMigration } from './migrations/0041-upgrade-reviews.js';
import { templatesConfigSection } from './templates-config.js';

export const templatesModule = defineModule({
  name: 'templates',
  description: 'Golden paths: Backstage v1beta3 templates run as durable tasks that act as the person who runs them',
  requires: ['auth', 'catalog', 'expressions', 'integrations', 'platform', 'reading', 'repositories'],
  config: templatesConfigSection,
  permissions: [
    { action: 'templates.action.read', description: 'Read the actions templates may use' },
    { action: 'templates.task.create', description: 'Run a golden path (create a task)' },
    { action: 'templates.task.dry-run', description: 'Preview a golden path with every side effect withheld' },
    { action: 'templates.task.read', description: 'Read a task, its events and its stream (by default: its creator)' },
    { action: 'templates.task.cancel', description: 'Cancel a task (by default: its creator)' },
    { action: 'templates.template.publish', description: 'Create, change or delete a Template entity' },
    { action: 'templates.repository.read', description: 'List the repositories golden paths created and whether they are behind their template' },
    { action: 'templates.repository.upgrade', description: 'Open a template upgrade on a repository a golden path created (by default: whoever ran it, and the team whose folder holds it)' },
  ],
  eventTypes: [
    { type: 'templates.task.created', description: 'A golden path was run (payload: task, template, creator)', read: { action: 'templates.task.read', on: 'owner' } },
    { type: 'templates.task.started', description: 'A task started (or resumed) running (payload: resumed)', read: { action: 'templates.task.read', on: 'owner' } },
    { type: 'templates.task.step-finished', description: 'A task step finished (payload: step, status)', read: { action: 'templates.task.read', on: 'owner' } },
    { type: 'templates.task.completed', description: 'A task completed', read: { action: 'templates.task.read', on: 'owner' } },
    { type: 'templates.task.failed', description: 'A task failed (payload: the error title)', read: { action: 'templates.task.read', on: 'owner' } },
    { type: 'templates.task.cancelled', description: 'A task was cancelled', read: { action: 'templates.task.read', on: 'owner' } },
    {
      type: 'templates.repository.upgraded',
      description: 'A template upgrade was opened on a generated repository (payload: repository, template, fromVersion, toVersion, outcome, branch, conflicts)',
      read: { action: 'templates.repository.read' },
    },
    {
      type: 'templates.repository.upgrade-merged',
      description: "A template upgrade's review was merged: the repository is at its version (payload: repository, template, fromVersion, toVersion, branch)",
      read: { action: 'templates.repository.read' },
    },
    {
      type: 'templates.repository.upgrade-declined',
      description: "A template upgrade's review was closed without merging: the repository stays behind (payload: repository, template, fromVersion, toVersion, branch)",
      read: { action: 'templates.repository.read' },
    },
  ],
  migrations: [templatesMigration, taskDerivedSecretsMigration, generatedRepositoriesMigration, upgradeReviewsMigration],
  create: async ({ store, queue, eventLog, audit, dataDir, cwd, config, logger, app, options }): Promise<ScaffolderService> => {
    const [{ ScaffolderService }, { actingAsRecorded }] = await Promise.all([import('./scaffolder-service.js'), import('../auth/acting-authority.js')]);
    const service = new ScaffolderService({
      store,
      queue,
      reviewCheckSeconds: config.templates.upgrades.reviewCheckSeconds,
      eventLog,
      audit,
      catalog: app.catalog,
      integrations: app.integrations,
      dataDir,
      repositoryPageUrl: path => app.repositories.pageUrlOf(path),
      publicAddresses: { link: url => app.repositories.browsableUrl(url), text: value => app.repositories.withHttpCloneUrls(value) },
      expressions: app.expressions,
      reader: app.reading,
      logger,
      platform: app.platform,
      authorityOf: recorded => actingAsRecorded(app.auth, app.catalog.entities, recorded),
      ...(options.taskWorker ? { worker: options.taskWorker } : {}),
    });
    const { folders, packages, timeoutSeconds, ...limits } = config.templates.actions;
    if (folders.length || packages.length) {
      const [{ installActions }, { moduleSandboxFor }] = await Promise.all([import('./installed/load-installed-actions.js'), import('../platform/steps/sandbox/module-sandbox-for.js')]);
      const sandbox = options.moduleSandbox ?? moduleSandboxFor(config.platform, limits);
      for (const problem of await installActions(service.actions, { folders, packages }, { sandbox, timeoutSeconds }, cwd)) logger.error({ problem }, `Installed action refused: ${problem}`);
    }
    return service;
  },
  async routes(api, templates) {
    const { scaffolderRoutes } = await import('../api/routes/scaffolder-routes.js');
    const { templateUpgradeRoutes } = await import('../api/routes/template-upgrade-routes.js');
    await api.register(scaffolderRoutes, { prefix: '/scaffolder', scaffolder: templates });
    await api.register(templateUpgradeRoutes, { prefix: '/scaffolder', upgrades: templates.upgrades });
  },
  cli: ({ output, globals }) => [templateCommands(output, globals)],
  workers: async (templates, app): Promise<BackgroundWorker[]> => [
    worker('templates.tasks', templates),
    worker('templates.upgrade-reviews', new (await import('./upgrades/review-watcher.js')).ReviewWatcher(templates.upgrades, app.queue, { logger: app.logger })),
  ],
});
