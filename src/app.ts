import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { PaveConfig } from './pave-config.js';
import { createLogger, type Logger } from './core/logger.js';
import { Store, dialectFor } from './store/store.js';
import { JobQueue } from './store/job-queue.js';
import { EventLog } from './store/event-log.js';
import { EventConsumers } from './store/event-consumers.js';
import { AuditLog } from './store/audit-log.js';
import type { ModuleSandbox } from './platform/steps/sandbox/module-sandbox.js';
import type { TaskWorkerOptions } from './templates/tasks/task-worker.js';
import { worker, type ModuleContext, type PaveModule } from './pave-module.js';
import { moduleList, moduleMigrations, modulesFor, type ModuleServices } from './modules.js';
import { Workers } from './workers.js';

/** Apps created in this process so far: part of each one's job-queue owner. */
let appsStarted = 0;

/** Options of `createApp` beyond the configuration. */
export interface AppOptions {
  logger?: Logger;
  /** The folder relative paths (`dataDir`, file locations) are resolved from. Default: the process's. */
  cwd?: string;
  /** Background workers to start at once, by name (`app.workers.names()`), or `all`. Default: none. */
  workers?: readonly string[] | 'all';
  /** The task worker's timing (tests make it quick). */
  taskWorker?: TaskWorkerOptions;
  /** Where capability module steps run, instead of the one `platform.moduleSandbox` names. */
  moduleSandbox?: ModuleSandbox;
  /**
   * Build only these modules and those they require (`modulesFor`), for a command that needs one module's routes
   * and must start quickly; the others' services are absent (`app.modules` names what is there). Default: every module.
   */
  modules?: readonly string[];
}

/** The infrastructure every module shares. */
interface CoreServices {
  config: PaveConfig;
  logger: Logger;
  store: Store;
  queue: JobQueue;
  /** The transactional event log; changes append to it in their own transactions. */
  eventLog: EventLog;
  /** The audit log; every change made by someone records one entry in its own transaction. */
  audit: AuditLog;
  /** Its durable consumers (webhooks, the message bus, streams); a worker like any other. */
  eventConsumers: EventConsumers;
  /** Every module's background work, with one lifecycle. */
  workers: Workers;
  /** The modules built, in list order: all of them unless `AppOptions.modules` chose some. */
  modules: ReadonlyArray<PaveModule<string, unknown>>;
  /** Stops the workers, then closes every module and the store. */
  close(): Promise<void>;
}

/** One running Pave: the shared infrastructure and every module's service (`app.catalog`, `app.auth`, …). */
export type PaveApp = CoreServices & ModuleServices;

/**
 * The composition root: opens (and migrates) the store and builds every module's service over it, in the
 * order of `modules.ts`. Background work starts only when asked (`options.workers`, or `app.workers.start`).
 * The HTTP server, the CLI and the tests all start here.
 * @example const app = await createApp(loadConfig(), { workers: 'all' }); … await app.close();
 */
export async function createApp(config: PaveConfig, options: AppOptions = {}): Promise<PaveApp> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const cwd = options.cwd ?? process.cwd();
  const dataDir = resolve(cwd, config.dataDir);
  const store = await Store.open(dialectFor({ databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema, sqliteFile: join(dataDir, 'pave.db') }), {
    logger,
    migrations: moduleMigrations(),
  });
  // One owner per app (tests run several in one process), so handing back on close touches only this app's claims.
  const queue = new JobQueue(store, { owner: `${hostname()}:${process.pid}:${++appsStarted}` });
  const eventLog = new EventLog(store);
  const audit = new AuditLog(store);
  const eventConsumers = new EventConsumers({ store, log: eventLog, queue, logger });
  const workers = new Workers(logger);
  workers.add(worker('store.event-consumers', eventConsumers));
  const built: Array<{ close: () => Promise<void> }> = [];
  const modules = options.modules ? modulesFor(options.modules) : moduleList();
  const app = {
    config,
    logger,
    store,
    queue,
    eventLog,
    audit,
    eventConsumers,
    workers,
    modules,
    async close() {
      await workers.stop();
      // What the stopped workers still hold (leases on consumers, interrupted work) is ready at once for another replica.
      await queue.handBack().catch(() => 0);
      for (const module of built.reverse()) await module.close();
      await store.close();
    },
  } as CoreServices as PaveApp;
  const defaultRules = moduleList().flatMap(module => module.defaultRules?.(config.auth) ?? []);
  const eventTypes = moduleList().flatMap(module => module.eventTypes ?? []);
  const context: ModuleContext = { config, logger, store, queue, eventLog, audit, eventConsumers, dataDir, cwd, app, options, defaultRules, eventTypes };
  try {
    for (const module of modules) {
      const service = await module.create(context);
      (app as unknown as Record<string, unknown>)[module.name] = service;
      for (const background of (await module.workers?.(service, app)) ?? []) workers.add(background);
      if (module.close) built.push({ close: () => module.close!(service) });
    }
    if (options.workers) await workers.start(options.workers === 'all' ? undefined : options.workers);
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}
