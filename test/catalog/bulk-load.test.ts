/**
 * How a write of many entities is run (`bulk-load.ts`, #18). A mid-size first load on SQLite builds the search
 * and relation indexes after its rows: afterwards the catalog has exactly the indexes it had, filters and facets
 * answer as before, and a load that fails midway leaves nothing written and every index in place; a smaller load
 * next to it keeps its indexes up row by row, and its WAL is checkpointed off the event loop's thread. A large write runs with a larger page cache and gives the
 * connection its own back. On SQLite and PostgreSQL (which builds its indexes after the rows only of a first load
 * into an empty catalog, keeps its foreign keys, and keeps its settings as they are; such a load waits for its
 * turn among the catalog's writers before it drops an index, or it deadlocks with one that has its turn).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { asBulkLoad, BULK_LOAD_LIMITS } from '../../src/catalog/bulk-load.js';
import type { Db } from '../../src/store/store.js';
import { ENTITY_SECTION } from '../../src/catalog/search/search-document.js';
import { postgresFactory } from '../support/stores.js';
import { catalogOnEachStore } from '../support/catalog-on-each-store.js';
import { catalogServiceOver } from '../support/catalog-service.js';
import { holdCatalogWrites } from '../support/catalog-write-turn.js';
import { waitersBehind } from '../support/held-rows.js';

const pg = await postgresFactory();

/** More components than the smallest load whose indexes are built afterwards (1,000). */
const COMPONENTS = 1_200;

const catalogFile = (prefix: string, count: number, owner = (i: number) => `team-${i % 3}`) =>
  Array.from(
    { length: count },
    (_, i) =>
      `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${prefix}-${i}\n  description: ${prefix}quokka${i}\n  tags: [t${i % 5}]\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner(i)}\n`,
  ).join('---\n');

await catalogOnEachStore('writes of many entities', { folder: 'pave-bulk-load-' }, on => {

  /** The indexes of the derived tables (PostgreSQL: and their foreign keys), as the database lists them (name and definition). */
  const indexes = async () => {
    const db = on.store.db;
    const { rows } =
      on.store.dialect === 'sqlite'
        ? await sql<{ name: string; definition: string }>`SELECT name, sql AS definition FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('entity_search', 'relations', 'entities') ORDER BY name`.execute(db)
        : await sql<{ name: string; definition: string }>`
            SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('entity_search', 'relations', 'entities')
            UNION ALL
            SELECT c.conname, t.relname || ' ' || pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
            WHERE c.contype = 'f' AND t.relnamespace = current_schema()::regnamespace AND t.relname IN ('entity_search', 'relations')
            ORDER BY name`.execute(db);
    return rows;
  };
  const register = (folder: string, text: string) => {
    mkdirSync(join(on.dir, folder));
    writeFileSync(join(on.dir, folder, 'catalog-info.yaml'), text);
    return on.catalog.locations.register({ type: 'file', target: join(on.dir, folder, 'catalog-info.yaml') });
  };
  const total = async (filter: string) => (await on.catalog.entities.query({ filter: [filter], limit: 1 })).totalItems;
  /** The entity a search finds first, through the search index (SQLite's FTS5 over the search documents). */
  const foundFirst = async (query: string) => (await on.catalog.search({ query, limit: 1 })).results[0]?.entityRef;
  /** Entities' own search documents: one each. */
  const entityDocuments = async () => Number((await sql<{ n: number | string }>`SELECT count(*) AS n FROM search_documents WHERE section = ${ENTITY_SECTION}`.execute(on.store.db)).rows[0]!.n);
  /** A large write's staging tables (staged-rows.ts) left in the session: none once it ends. */
  const stagingTables = async () =>
    on.store.dialect === 'sqlite'
      ? (await sql<{ name: string }>`SELECT name FROM sqlite_temp_master WHERE type = 'table'`.execute(on.store.db)).rows.map(row => row.name)
      : (await sql<{ name: string }>`SELECT tablename AS name FROM pg_tables WHERE tablename LIKE 'pave_staged_%'`.execute(on.store.db)).rows.map(row => row.name);
  it('leaves nothing written and every index in place when the load fails after its rows', async () => {
    const before = await indexes();
    // The database itself refuses the last relation row, after the entities and their search rows went in.
    const refuse =
      on.store.dialect === 'sqlite'
        ? [sql`CREATE TRIGGER test_refuse BEFORE INSERT ON relations WHEN NEW.target_ref = 'group:default/refused' BEGIN SELECT RAISE(ABORT, 'refused by test'); END`]
        : [
            sql`CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.target_ref = 'group:default/refused' THEN RAISE EXCEPTION 'refused by test'; END IF; RETURN NEW; END $$`,
            sql`CREATE TRIGGER test_refuse BEFORE INSERT ON relations FOR EACH ROW EXECUTE FUNCTION test_refuse()`,
          ];
    for (const statement of refuse) await statement.execute(on.store.db);
    await expect(register('failing', catalogFile('f', COMPONENTS, i => (i === COMPONENTS - 1 ? 'refused' : 'team-a')))).rejects.toThrow();
    await sql`DROP TRIGGER test_refuse${sql.raw(on.store.dialect === 'sqlite' ? '' : ' ON relations')}`.execute(on.store.db);

    expect(await total('kind=component')).toBe(0);
    expect(await entityDocuments()).toBe(0);
    expect(await indexes()).toEqual(before);
    expect(await stagingTables()).toEqual([]);
  });

  it('has the same indexes after a large first load, and answers filters, relations and facets from them', async () => {
    const before = await indexes();
    const { summary } = await register('large', catalogFile('c', COMPONENTS));
    expect(summary?.created).toBe(COMPONENTS);
    expect(await indexes()).toEqual(before);
    // On SQLite its WAL was checkpointed by a worker thread, not in the COMMIT (test/store/wal-checkpoint.test.ts).
    await on.store.checkpointed();
    if (on.store.dialect === 'sqlite') expect((await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(on.store.db)).rows[0]!.wal_autocheckpoint).toBeGreaterThan(0);

    expect(await total('kind=component')).toBe(COMPONENTS);
    expect(await total('kind=component,spec.owner=team-1')).toBe(COMPONENTS / 3);
    expect(await total('metadata.tags.t2=true')).toBe(COMPONENTS / 5);
    expect(await total('relations.ownedBy=group:default/team-2')).toBe(COMPONENTS / 3);
    const facets = await on.catalog.entities.facets(['spec.owner'], undefined);
    expect(facets['spec.owner']).toEqual([
      { value: 'team-0', count: COMPONENTS / 3 },
      { value: 'team-1', count: COMPONENTS / 3 },
      { value: 'team-2', count: COMPONENTS / 3 },
    ]);
    // Each entity is stored with its relations, also into a catalog that held nothing (SQLite builds the index by source after the rows too).
    expect((await on.catalog.entities.byRef('component:default/c-4'))?.relations?.map(r => `${r.type} ${r.targetRef}`)).toEqual(['ownedBy group:default/team-1']);
    // Its search documents (staged while it wrote, on SQLite) are in the search index, each once.
    expect(await entityDocuments()).toBe(COMPONENTS);
    expect(await foundFirst(`cquokka${COMPONENTS - 1}`)).toBe(`component:default/c-${COMPONENTS - 1}`);
    expect(await foundFirst('cquokka7')).toBe('component:default/c-7');
    expect(await stagingTables()).toEqual([]);
  });

  it('keeps indexes up for a load smaller than the catalog, and a refresh replaces what the large load wrote', async () => {
    const { summary } = await register('small', catalogFile('s', 10, () => 'team-small'));
    expect(summary?.created).toBe(10);
    expect(await total('relations.ownedBy=group:default/team-small')).toBe(10);

    // Rewriting the large location replaces its entities: their old search rows and relations go, found by index.
    writeFileSync(join(on.dir, 'large', 'catalog-info.yaml'), catalogFile('c', COMPONENTS, () => 'team-moved'));
    const large = (await on.catalog.locations.list()).find(l => l.target.endsWith(join('large', 'catalog-info.yaml')))!;
    const refreshed = await on.catalog.locations.refresh(large.id);
    expect(refreshed.updated).toBe(COMPONENTS);
    expect(await total('spec.owner=team-1')).toBe(0);
    expect(await total('relations.ownedBy=group:default/team-moved')).toBe(COMPONENTS);
    expect(await total('kind=component')).toBe(COMPONENTS + 10);
    // The replaced entities' documents went, their new ones came: one each, and searched as before.
    expect(await entityDocuments()).toBe(COMPONENTS + 10);
    expect(await foundFirst(`cquokka${COMPONENTS - 2}`)).toBe(`component:default/c-${COMPONENTS - 2}`);
  });

  it('runs a large write with a larger page cache on SQLite, and gives the connection its own back even when the write fails', async () => {
    // Inside the transaction through it: SQLite's one write connection is the transaction's until it ends.
    const cacheSize = async (db: Db = on.store.db) => (on.store.dialect === 'sqlite' ? (await sql<{ cache_size: number }>`PRAGMA cache_size`.execute(db)).rows[0]!.cache_size : undefined);
    const own = await cacheSize();
    const limits = { ...BULK_LOAD_LIMITS, largeWrite: 5, largeWriteCacheKib: 12_345 };
    const during = await on.store.transaction(trx => asBulkLoad(trx, on.store.dialect, { writes: 5, locationStored: 0 }, () => cacheSize(trx), limits));
    expect(during).toBe(on.store.dialect === 'sqlite' ? -12_345 : undefined);
    expect(await cacheSize()).toBe(own);
    await expect(
      on.store.transaction(trx => asBulkLoad(trx, on.store.dialect, { writes: 5, locationStored: 0 }, async () => { throw new Error('write refused'); }, limits)),
    ).rejects.toThrow('write refused');
    expect(await cacheSize()).toBe(own);
  });
});

describe.skipIf(Boolean(pg.unavailable))('a first load into an empty catalog beside another writer: postgres', () => {
  it('waits for the writer that holds the catalog before it drops any index, so both commit', async () => {
    const handle = await pg.open();
    const dir = mkdtempSync(join(tmpdir(), 'pave-bulk-load-'));
    try {
      const catalog = catalogServiceOver(handle.store);
      writeFileSync(join(dir, 'catalog-info.yaml'), catalogFile('w', COMPONENTS));
      // Another writer has its turn and has not yet touched the derived tables.
      const writer = await holdCatalogWrites(handle.store, async trx => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM entity_search`.execute(trx)).rows[0]!.n));
      const load = catalog.locations.register({ type: 'file', target: join(dir, 'catalog-info.yaml') });
      // The load is waiting for its turn before the writer reads on.
      await expect.poll(() => waitersBehind(handle.store.db, writer.pid)).toBe(1);
      writer.release();
      expect(await writer.done).toBe(0);
      expect((await load).summary?.created).toBe(COMPONENTS);
      expect((await catalog.entities.query({ filter: ['kind=component'], limit: 1 })).totalItems).toBe(COMPONENTS);
    } finally {
      await handle.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
