/**
 * A reconciler in its own process, for the crash and multi-replica tests: opens the store named by
 * PAVE_DATA_DIR (SQLite) or PAVE_DATABASE_URL + PAVE_DATABASE_SCHEMA (PostgreSQL), runs the reconciler (and
 * the workers PAVE_CHILD_WORKERS adds, comma-separated, e.g. catalog.refresh) and prints "ready" once it is
 * running. It stops only when killed (or on SIGTERM).
 */
import { defaultConfig, type PaveConfig } from '../../../src/pave-config.js';
import { createLogger } from '../../../src/core/logger.js';
import { createApp } from '../../../src/app.js';
import { FAST_PLATFORM } from './platform-harness.js';

const config: PaveConfig = {
  ...defaultConfig(),
  dataDir: process.env.PAVE_DATA_DIR!,
  logLevel: 'silent',
  ...(process.env.PAVE_DATABASE_URL ? { databaseUrl: process.env.PAVE_DATABASE_URL, databaseSchema: process.env.PAVE_DATABASE_SCHEMA } : {}),
  platform: { ...defaultConfig().platform, ...FAST_PLATFORM, workers: Number(process.env.PAVE_WORKERS ?? 2), leaseSeconds: Number(process.env.PAVE_LEASE_SECONDS ?? 3) },
  catalog: { ...defaultConfig().catalog, refreshIntervalSeconds: Number(process.env.PAVE_REFRESH_INTERVAL_SECONDS ?? 300), refreshLeaseSeconds: Number(process.env.PAVE_REFRESH_LEASE_SECONDS ?? 300) },
};
const workers = ['platform.reconciler', ...(process.env.PAVE_CHILD_WORKERS ?? '').split(',').filter(Boolean)];
const app = await createApp(config, { logger: createLogger(process.env.PAVE_CHILD_LOG ?? 'silent'), workers });
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
