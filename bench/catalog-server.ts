/**
 * The server side of the catalog benchmark, run as a child process so that its memory and CPU are
 * Pave's alone: starts a real Pave (fresh SQLite file, or the PostgreSQL schema named by
 * PAVE_BENCH_DATABASE_URL and PAVE_BENCH_DATABASE_SCHEMA; silent logger, 127.0.0.1, ephemeral port);
 * bench-server.ts samples it and talks to the benchmark over IPC.
 */
import { defaultConfig, type PaveConfig } from '../src/pave-config.js';
import { createLogger } from '../src/core/logger.js';
import { createApp } from '../src/app.js';
import { createServer } from '../src/api/server.js';
import { serveBenchProcess } from './bench-server.js';

serveBenchProcess(async () => {
  const dataDir = process.env.PAVE_BENCH_DATA_DIR;
  if (!dataDir) throw new Error('catalog-server.ts is started by catalog-bench.ts (it needs PAVE_BENCH_DATA_DIR)');
  const config: PaveConfig = {
    ...defaultConfig(),
    dataDir,
    ...(process.env.PAVE_BENCH_DATABASE_URL ? { databaseUrl: process.env.PAVE_BENCH_DATABASE_URL, databaseSchema: process.env.PAVE_BENCH_DATABASE_SCHEMA } : {}),
    port: 0,
    logLevel: 'silent',
    catalog: { ...defaultConfig().catalog, refreshIntervalSeconds: 24 * 3600 },
    // The benchmark measures the catalog, not sign-in: with auth off every caller acts as an anonymous admin.
    auth: { ...defaultConfig().auth, enabled: false },
  };
  const app = await createApp(config, { logger: createLogger('silent') });
  // The catalog benchmark measures the API: a folder without index.html serves no portal.
  const server = await createServer(app, process.env.PAVE_BENCH_PORTAL === '1' ? {} : { portalDir: dataDir });
  const url = await server.listen({ host: '127.0.0.1', port: 0 });

  return {
    url,
    async close() {
      await server.close();
      await app.close();
    },
  };
});

