/**
 * A large write's search rows on PostgreSQL (`staged-rows.ts`, #18): gathered in a temporary table while the write
 * runs, then moved into `entity_search` in one sorted statement, so the catalog holds the same rows as when they
 * went straight in, and the temporary table is gone; a session where the staging table cannot be made writes straight
 * into `entity_search`. PostgreSQL only (SQLite's large writes are bulk-load.ts's).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Entity } from '../../src/core/entity.js';
import { prepareWrite, writeEntities } from '../../src/catalog/entity-writer.js';
import { withStagedRows } from '../../src/catalog/staged-rows.js';
import type { Db } from '../../src/store/store.js';
import { postgresFactory, type TestStore } from '../support/stores.js';

const pg = await postgresFactory();

const component = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, tags: ['java', 'web'] },
  spec: { type: 'service', lifecycle: 'production', owner },
});

describe.skipIf(Boolean(pg.unavailable))('staged search rows: postgres', () => {
  let handle: TestStore;
  beforeAll(async () => {
    handle = await pg.open();
  });
  afterAll(async () => {
    await handle?.dispose();
  });

  const searchRows = async (db: Db, prefix: string) =>
    (await sql<{ key: string; value: string | null }>`
      SELECT s.key, s.value FROM entity_search s JOIN entities e ON e.id = s.entity_id WHERE e.name LIKE ${`${prefix}-%`} ORDER BY e.name, s.key, s.value`.execute(db)).rows;
  const stagingTable = async (db: Db) => (await sql<{ name: string | null }>`SELECT to_regclass('pave_staged_entity_search')::text AS name`.execute(db)).rows[0]!.name;
  const write = (db: Db, prefix: string) =>
    writeEntities(db, 'postgres', ['b', 'a', 'c'].map(n => prepareWrite({ entity: component(`${prefix}-${n}`, `team-${n}`), locationId: null, source: null })), new Map(), new Date().toISOString());

  it('moves the rows in once the write is done, the same rows as written straight, and drops the staging table', async () => {
    await handle.store.transaction(async trx => {
      await write(trx, 'direct');
      await withStagedRows(trx, 'postgres', async () => {
        await write(trx, 'staged');
        // Meanwhile the rows wait in the staging table.
        expect(await searchRows(trx, 'staged')).toEqual([]);
        expect(await stagingTable(trx)).toBe('pave_staged_entity_search');
      });
      expect(await stagingTable(trx)).toBeNull();
    });
    const direct = await searchRows(handle.store.db, 'direct');
    expect(direct.length).toBeGreaterThan(15);
    expect(await searchRows(handle.store.db, 'staged')).toEqual(direct.map(row => (row.key === 'metadata.name' ? { ...row, value: row.value!.replace('direct', 'staged') } : row)));
  });

  it('writes straight into entity_search when the staging table cannot be made', async () => {
    await handle.store.transaction(async trx => {
      // A table of that name already in the session: CREATE fails, and the write goes on without staging.
      await sql`CREATE TEMPORARY TABLE pave_staged_entity_search (x integer) ON COMMIT DROP`.execute(trx);
      await withStagedRows(trx, 'postgres', async () => {
        await write(trx, 'fallback');
        expect((await searchRows(trx, 'fallback')).length).toBeGreaterThan(15);
        // Written by the transaction itself, not by a savepoint left open: planner-statistics.ts counts a
        // write's rows by the transaction's own id.
        const own = await sql<{ n: string }>`SELECT count(*) AS n FROM entities WHERE name LIKE 'fallback-%' AND xmin = pg_current_xact_id()::xid`.execute(trx);
        expect(Number(own.rows[0]!.n)).toBe(3);
      });
    });
    expect((await searchRows(handle.store.db, 'fallback')).length).toBeGreaterThan(15);
  });
});
