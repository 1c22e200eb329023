import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { PaveConfig } from './core/config.js';
import { createLogger, type Logger } from './core/logger.js';
import { Store, dialectFor } from './store/store.js';
import { JobQueue } from './store/job-queue.js';
import { CatalogService } from './catalog/catalog-service.js';

/** Every service of one running Pave, wired together. The HTTP server, CLI and MCP server all start from here. */
export interface PaveApp {
  config: PaveConfig;
  logger: Logger;
  store: Store;
  queue: JobQueue;
  catalog: CatalogService;
  close(): Promise<void>;
}

/**
 * The composition root: opens (and migrates) the store and builds the services over it.
 * @example const app = await createApp(loadConfig()); … await app.close();
 */
export async function createApp(config: PaveConfig, options: { logger?: Logger; cwd?: string } = {}): Promise<PaveApp> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const cwd = options.cwd ?? process.cwd();
  const store = await Store.open(
    dialectFor({ databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema, sqliteFile: join(resolve(cwd, config.dataDir), 'pave.db') }),
  );
  const queue = new JobQueue(store, { owner: `${hostname()}:${process.pid}` });
  const catalog = new CatalogService({ store, queue, config: config.catalog, logger, cwd });
  return {
    config,
    logger,
    store,
    queue,
    catalog,
    async close() {
      await catalog.scheduler.stop();
      await store.close();
    },
  };
}
