/**
 * The probes Kubernetes asks (/healthz, /readyz, over real HTTP), an older Pave facing a database a newer one
 * migrated, and the leases a closing app hands back so another replica takes the work at once.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { startApiPave } from '../api/support.js';
import type { RunningPave } from '../support/pave-server.js';
import { Store } from '../../src/store/store.js';
import { SqliteStoreDialect } from '../../src/store/sqlite-dialect.js';
import { JobQueue } from '../../src/store/job-queue.js';
import { moduleMigrations } from '../../src/modules.js';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/core/logger.js';

let pave: RunningPave;
beforeAll(async () => {
  pave = await startApiPave();
});
afterAll(() => pave.close());

const get = async (path: string) => {
  const response = await fetch(`${pave.url}${path}`);
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: (await response.json()) as Record<string, unknown> };
};

describe('/healthz and /readyz', () => {
  it('/healthz answers while the process runs', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('/readyz is 503 with a problem naming what is missing until every worker runs, then 200', async () => {
    const before = await get('/readyz');
    expect(before.status).toBe(503);
    expect(before.type).toContain('application/problem+json');
    expect(before.body).toMatchObject({ status: 503, type: 'https://pave.dev/problems/not-ready' });
    expect(before.body.detail).toMatch(/^workers: not running: .*platform\.reconciler/);
    expect(before.body.checks).toContainEqual({ name: 'database', ok: true });
    await pave.app.workers.start();
    await vi.waitFor(() => expect(pave.app.catalog.searchWarming).toBe(false), { timeout: 60_000 });
    expect(await get('/readyz')).toMatchObject({ status: 200, body: { status: 'ready', checks: [{ name: 'database', ok: true }, { name: 'migrations', ok: true }, { name: 'workers', ok: true }, { name: 'search', ok: true }, { name: 'shutdown', ok: true }] } });
  });

  it('when a newer Pave migrated the database, /readyz says so and the schema guard stops this replica’s background work', async () => {
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999-from-the-future', '2030-01-01T00:00:00.000Z')`.execute(pave.app.store.db);
    try {
      const answer = await get('/readyz');
      expect(answer.status).toBe(503);
      expect(answer.body.detail).toContain('migrations: the database was migrated by a newer Pave (9999-from-the-future)');
      expect(pave.app.workers.running('platform.reconciler')).toBe(true);
      // What the guard does every 30 s, once:
      expect(await pave.app.operations.schemaGuard.check()).toEqual(['9999-from-the-future']);
      expect(pave.app.workers.names().filter(name => pave.app.workers.running(name))).toEqual([]);
      expect((await get('/readyz')).body.detail).toMatch(/migrations: .*; workers: not running: /);
    } finally {
      await sql`DELETE FROM kysely_migration WHERE name = '9999-from-the-future'`.execute(pave.app.store.db);
    }
  });

  it('/readyz is 503 once a shutdown began, so no new traffic comes', async () => {
    pave.app.operations.beginShutdown();
    const answer = await get('/readyz');
    expect(answer.status).toBe(503);
    expect(answer.body.checks).toContainEqual({ name: 'shutdown', ok: false, detail: expect.stringContaining('shutting down') });
  });
});

describe('upgrades', () => {
  it('an older Pave refuses to open a database a newer one migrated, and says so', async () => {
    const file = join(pave.dataDir, 'newer.db');
    const store = await Store.open(new SqliteStoreDialect({ file }), { migrations: moduleMigrations() });
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999-from-the-future', '2030-01-01T00:00:00.000Z')`.execute(store.db);
    await store.close();
    await expect(Store.open(new SqliteStoreDialect({ file }), { migrations: moduleMigrations() })).rejects.toMatchObject({
      status: 503,
      message: expect.stringContaining('the database was migrated by a newer Pave (migration 9999-from-the-future unknown to this build); refusing to run against it'),
    });
  });
});

describe('closing an app', () => {
  it('hands back the leases its workers still hold, so another replica claims the work at once', async () => {
    const config = { ...pave.app.config, dataDir: join(pave.dataDir, 'replica') };
    const leaving = await createApp(config, { logger: createLogger('silent') });
    await leaving.queue.enqueue('test.work', 'one', { n: 1 });
    const held = await leaving.queue.claim('test.work', 10 * 60_000);
    expect(held).toBeDefined();
    await leaving.close();
    const store = await Store.open(new SqliteStoreDialect({ file: join(config.dataDir, 'pave.db') }), { migrations: moduleMigrations() });
    try {
      // A ten-minute lease, yet the job is claimable now.
      const taken = await new JobQueue(store, { owner: 'survivor' }).claim('test.work', 60_000);
      expect(taken).toMatchObject({ key: 'one', payload: { n: 1 }, attempts: 2 });
    } finally {
      await store.close();
    }
  });
});
