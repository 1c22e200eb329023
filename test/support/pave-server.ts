import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, type PaveConfig } from '../../src/pave-config.js';
import { createLogger, type Logger } from '../../src/core/logger.js';
import { createApp, type PaveApp } from '../../src/app.js';
import { createServer } from '../../src/api/server.js';
import { loadDemo } from '../../src/cli/serve-command.js';

export interface RunningPave {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  app: PaveApp;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * Starts a real Pave server on 127.0.0.1 with an ephemeral port and a fresh SQLite file in a temporary folder
 * (or PostgreSQL, when a config override names one).
 * @example const pave = await startPave({ demo: true }); await fetch(pave.url + '/api/health'); await pave.close();
 */
export async function startPave(options: { demo?: boolean; config?: Partial<PaveConfig>; portalDir?: string; logger?: Logger } = {}): Promise<RunningPave> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pave-test-'));
  const config: PaveConfig = {
    ...defaultConfig(),
    dataDir,
    port: 0,
    logLevel: 'silent',
    ...options.config,
    catalog: { ...defaultConfig().catalog, ...options.config?.catalog },
    // Until every route declares its permission, suites that do not configure auth run with it off
    // (every request an anonymous admin); suites about auth pass their own `auth`.
    auth: options.config?.auth ?? { ...defaultConfig().auth, enabled: false },
  };
  const app = await createApp(config, { logger: options.logger ?? createLogger('silent'), workers: ['templates.tasks'] });
  if (options.demo) await loadDemo(app);
  // As `pave serve` starts: published capabilities are in the catalog at once (the catalog mirror, an event
  // consumer, runs only where a test starts `store.event-consumers`).
  await app.platform.mirrorCapabilities();
  const server = await createServer(app, { portalDir: options.portalDir });
  const address = await server.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: address,
    app,
    dataDir,
    async close() {
      await server.close();
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
