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

/** Far above what a benchmark sends in a minute (the load benchmark's 200 clients manage a few thousand a second at best). */
const BENCH_SEARCH_PER_MINUTE = 10_000_000;

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
    // All of its requests come from one caller, so the per-caller search limit (300 a minute) would answer
    // 429 to the benchmark's own warm-up and load: the counters are still kept (their cost is measured), the
    // ceiling is out of reach. Real servers keep the configured limits.
    auth: { ...defaultConfig().auth, enabled: false, rateLimit: { ...defaultConfig().auth.rateLimit, searchPerMinute: BENCH_SEARCH_PER_MINUTE } },
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

