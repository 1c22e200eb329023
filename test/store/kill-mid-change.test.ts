/**
 * A process killed with SIGKILL in the middle of a change leaves neither the change, nor its event, nor
 * its audit entry — on SQLite and on PostgreSQL — and the store works on afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store, dialectFor } from '../../src/store/store.js';
import { moduleMigrations } from '../../src/modules.js';
import { POSTGRES_URL } from '../support/require-all.js';
import { adminQuery, postgresFactory } from '../support/stores.js';
import { startTsChild } from '../support/ts-child.js';

const pg = await postgresFactory();

/** Runs the child until it is inside its transaction, then kills it. */
async function killInside(env: NodeJS.ProcessEnv): Promise<void> {
  const run = startTsChild(new URL('./support/change-child.ts', import.meta.url), { env });
  await run.printed('inside');
  run.child.kill('SIGKILL');
  await run.exited;
}

describe('a change killed halfway', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  for (const database of ['sqlite', 'postgres'] as const) {
    it.skipIf(database === 'postgres' && Boolean(pg.unavailable))(`leaves nothing of itself behind: ${database}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'pave-killed-'));
      const schema = `pave_killed_${Date.now()}_${Math.random().toString(36).slice(2, 7)}`;
      if (database === 'postgres') await adminQuery(`CREATE SCHEMA ${schema}`);
      const config = database === 'postgres' ? { databaseUrl: POSTGRES_URL, databaseSchema: schema, sqliteFile: '' } : { sqliteFile: join(dir, 'pave.db') };
      cleanups.push(async () => {
        await rm(dir, { recursive: true, force: true });
        if (database === 'postgres') await adminQuery(`DROP SCHEMA ${schema} CASCADE`);
      });
      await killInside(database === 'postgres' ? { PAVE_DATABASE_URL: POSTGRES_URL, PAVE_DATABASE_SCHEMA: schema } : { PAVE_DATA_DIR: dir, PAVE_DATABASE_URL: '' });
      const store = await Store.open(dialectFor(config), { migrations: moduleMigrations() });
      try {
        expect(await store.db.selectFrom('entities').select('ref').execute()).toEqual([]);
        expect(await store.db.selectFrom('events').select('type').execute()).toEqual([]);
        expect(await store.db.selectFrom('audit_log').select('action').execute()).toEqual([]);
        // The numbering took nothing either: the next event is the first.
        expect(Number((await store.db.selectFrom('event_sequence').select('last').executeTakeFirstOrThrow()).last)).toBe(0);
      } finally {
        await store.close();
      }
    });
  }
});
