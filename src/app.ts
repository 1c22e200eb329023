import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultConfig, type PaveConfig } from './core/config.js';
import { createLogger, type Logger } from './core/logger.js';
import { Store, dialectFor } from './store/store.js';
import { JobQueue } from './store/job-queue.js';
import { CatalogService } from './catalog/catalog-service.js';
import { AuthService } from './auth/auth-service.js';
import { actingAsRecorded } from './auth/acting-authority.js';
import { PlatformService } from './platform/platform-service.js';
import { ScaffolderService } from './templates/scaffolder-service.js';
import { RepositoryService } from './repositories/repository-service.js';
import type { TaskWorkerOptions } from './templates/tasks/task-worker.js';
import type { ModuleSandbox } from './platform/steps/sandbox/module-sandbox.js';
import { EventLog } from './store/event-log.js';
import { EventConsumers } from './store/event-consumers.js';
import { EventsService } from './events/events-service.js';
import { EvaluatorPool, ExpressionEvaluator } from './templates/expressions/index.js';

/** Every service of one running Pave, wired together. The HTTP server, CLI and MCP server all start from here. */
export interface PaveApp {
  config: PaveConfig;
  logger: Logger;
  store: Store;
  queue: JobQueue;
  catalog: CatalogService;
  /** Identity, permissions, tokens, sessions and the audit log. */
  auth: AuthService;
  /** Capabilities, destinations, requests and their reconciler (started by `pave serve`, stopped by close()). */
  platform: PlatformService;
  /** Golden paths: templates, actions, tasks (the task worker runs unless `taskWorker: false`; stopped by close()). */
  scaffolder: ScaffolderService;
  /** The git repositories Pave hosts under `<dataDir>/git` (what publish:git creates), read-only. */
  repositories: RepositoryService;
  /** The transactional event log, and its durable consumers (started by `pave serve`, stopped by close()). */
  eventLog: EventLog;
  eventConsumers: EventConsumers;
  /** Events out: webhooks (the delivery worker is started by `pave serve`) and the NATS publisher. */
  events: EventsService;
  /** The sandboxed expression engine, in evaluator processes (started when first needed, ended by close()). */
  expressions: ExpressionEvaluator;
  close(): Promise<void>;
}

/**
 * The composition root: opens (and migrates) the store and builds the services over it.
 * @example const app = await createApp(loadConfig()); … await app.close();
 */
export async function createApp(
  config: PaveConfig,
  options: { logger?: Logger; cwd?: string; taskWorker?: boolean | TaskWorkerOptions; /** Where module steps run, instead of the one `platform.moduleSandbox` names. */ moduleSandbox?: ModuleSandbox } = {},
): Promise<PaveApp> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const cwd = options.cwd ?? process.cwd();
  const store = await Store.open(
    dialectFor({ databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema, sqliteFile: join(resolve(cwd, config.dataDir), 'pave.db') }),
    { logger },
  );
  const queue = new JobQueue(store, { owner: `${hostname()}:${process.pid}` });
  const evaluators = EvaluatorPool.fromConfig(config.expressions ?? defaultConfig.expressions);
  const expressions = new ExpressionEvaluator(evaluators);
  const catalog = new CatalogService({ store, queue, config: config.catalog, logger, cwd });
  const auth = new AuthService({ store, config, entities: catalog.entities, logger });
  const platform = new PlatformService({
    store,
    queue,
    catalog,
    config: config.platform,
    workspaceRoot: PlatformService.workspaceRootFor(resolve(cwd, config.dataDir)),
    permissions: auth.permissions,
    ...(options.moduleSandbox ? { moduleSandbox: options.moduleSandbox } : {}),
    expressions,
    logger,
  });
  const repositories = new RepositoryService({ root: join(resolve(cwd, config.dataDir), 'git'), baseUrl: () => config.baseUrl });
  const scaffolder = new ScaffolderService({
    store,
    queue,
    catalog,
    dataDir: resolve(cwd, config.dataDir),
    repositoryPageUrl: path => repositories.pageUrlOf(path),
    expressions,
    logger,
    platform,
    authorityOf: recorded => actingAsRecorded(auth, catalog.entities, recorded),
    ...(typeof options.taskWorker === 'object' ? { worker: options.taskWorker } : {}),
  });
  // Events out. Until the module contract lands, the event log and its consumers are built here.
  const eventLog = new EventLog(store);
  const eventConsumers = new EventConsumers({ store, log: eventLog, queue, logger });
  const events = new EventsService({ store, queue, log: eventLog, consumers: eventConsumers, config: config.events, permissions: auth.permissions, audit: auth.audit, logger });
  if (options.taskWorker !== false) await scaffolder.start();
  return {
    config,
    logger,
    store,
    queue,
    catalog,
    auth,
    platform,
    scaffolder,
    repositories,
    eventLog,
    eventConsumers,
    events,
    expressions,
    async close() {
      await eventConsumers.stop();
      await events.stop();
      await scaffolder.stop();
      await catalog.scheduler.stop();
      await platform.close();
      await evaluators.close();
      await store.close();
    },
  };
}
