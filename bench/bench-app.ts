import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type PaveApp } from '../src/app.js';
import { createLogger } from '../src/core/logger.js';
import { defaultConfig } from '../src/pave-config.js';

/**
 * Runs `use` with a real Pave in the bench's own process — auth off, silent — over a fresh SQLite file, or a fresh
 * PostgreSQL schema when `databaseUrl` is given; the data folder and the schema are removed afterwards.
 * @example const report = await withBenchApp('delivery', options.databaseUrl, async app => measure(app));
 */
export async function withBenchApp<T>(name: string, databaseUrl: string | undefined, use: (app: PaveApp) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(join(tmpdir(), `pave-bench-${name}-`));
  const schema = `bench_${name}_${Date.now()}`;
  const app = await createApp(
    { ...defaultConfig(), dataDir, logLevel: 'silent', auth: { ...defaultConfig().auth, enabled: false }, ...(databaseUrl ? { databaseUrl, databaseSchema: schema } : {}) },
    { logger: createLogger('silent') },
  );
  try {
    return await use(app);
  } finally {
    if (databaseUrl) await app.store.db.schema.dropSchema(schema).ifExists().cascade().execute().catch(() => undefined);
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
