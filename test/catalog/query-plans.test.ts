import { beforeAll, expect, it } from 'vitest';
import { CompiledQuery } from 'kysely';
import { EntityReader } from '../../src/catalog/query/entity-reader.js';
import type { Store } from '../../src/store/store.js';
import { catalogOnEachStore } from '../support/catalog-on-each-store.js';
import { statementRecorder, type RecordedStatement } from '../support/statement-recorder.js';

/**
 * The catalog's hot reads (by-name, by-query with an owner or a relation filter and its next page,
 * by-refs) are answered from indexes: SQLite's plan for every statement they run names no full scan of
 * the catalog's tables. A filter that scanned grew with the catalog (#18: the relations filter read
 * every relation). Plans, not timings: the same on any machine.
 */

/** A full scan (of the table or all of one of its indexes) of a catalog table; subqueries' own result rows may be scanned. */
const FULL_SCAN = /\bSCAN (e|s|r|entities|entity_search|relations|search_documents)\b/;

await catalogOnEachStore('catalog query plans', {
  only: 'sqlite',
  seed: async ({ catalog }) => {
    const save = (entity: object) => catalog.saveEntity(entity);
    for (const team of ['team-a', 'team-b', 'team-c']) await save({ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: team }, spec: { type: 'team', children: [] } });
    for (let i = 0; i < 60; i++) {
      await save({
        apiVersion: 'backstage.io/v1alpha1',
        kind: i % 4 === 0 ? 'Resource' : 'Component',
        metadata: { name: `svc-${i}` },
        spec: { type: i % 4 === 0 ? 'database' : 'service', lifecycle: 'production', owner: `team-${'abc'[i % 3]}`, ...(i % 4 === 0 ? {} : { dependsOn: [`resource:svc-${i - (i % 4)}`] }) },
      });
    }
  },
}, on => {
  /** A reader whose statements are recorded as they run. */
  let reader: EntityReader;
  /** The store whose statements are recorded. */
  let recorded: Store;
  const statements: RecordedStatement[] = [];

  beforeAll(() => {
    const { store } = on;
    const recorder = statementRecorder(store.db, statements);
    recorded = Object.create(store, { db: { value: store.db.withPlugin(recorder) }, reads: { value: store.reads.withPlugin(recorder) } }) as Store;
    reader = new EntityReader(recorded);
  });

  /** Runs a read and answers the plan lines of each statement it ran that scan a catalog table. */
  async function scansOf(read: () => Promise<unknown>): Promise<string[]> {
    statements.length = 0;
    await read();
    expect(statements.length).toBeGreaterThan(0);
    const scans: string[] = [];
    for (const statement of statements) {
      const plan = await on.store.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${statement.sql}`, [...statement.parameters]));
      for (const { detail } of plan.rows) if (FULL_SCAN.test(detail)) scans.push(`${detail} in ${statement.sql}`);
    }
    return scans;
  }

  it('by-name reads the entity and its relations by index', async () => {
    expect(await scansOf(async () => expect(await reader.byRef('component:default/svc-1')).toBeDefined())).toEqual([]);
  });

  it('by-query with kind and owner, and its next page, read by index', async () => {
    let cursor: string | undefined;
    expect(
      await scansOf(async () => {
        const page = await reader.query({ filter: ['kind=component,spec.owner=team-a'], limit: 5 });
        expect(page.totalItems).toBe(15);
        cursor = page.pageInfo.nextCursor;
      }),
    ).toEqual([]);
    expect(await scansOf(async () => expect((await reader.query({ cursor, limit: 5 })).items).toHaveLength(5))).toEqual([]);
  });

  it('walks the narrowest condition of a filter and tests the others entity by entity', async () => {
    statements.length = 0;
    // Written broad first: 45 components, 20 of team-a's entities. A reader that has not counted this
    // filter yet (the shared one keeps the total it counted above for this catalog state).
    expect((await new EntityReader(recorded).query({ filter: ['kind=component,spec.owner=team-a'], limit: 5 })).totalItems).toBe(15);
    // The first page counts in its own statement (a window over the matches).
    const counted = statements.find(statement => statement.sql.includes('count(*) OVER () AS total_items'))!;
    expect(counted.parameters.indexOf('spec.owner')).toBeLessThan(counted.parameters.indexOf('kind'));
    expect(counted.sql).toMatch(/count\(\*\) OVER \(\) AS total_items FROM entities e\s+WHERE \(\(e\.id IN \(SELECT s\.entity_id FROM entity_search s .*\) AND EXISTS \(/);
  });

  it('a cursor carries the order its first page chose: its next pages count no conditions again', async () => {
    // A reader that has not kept these pages yet (the shared one keeps pages per catalog state).
    const reader = new EntityReader(recorded);
    for (const request of [{ filter: ['kind=component,spec.owner=team-a'] }, { query: { kind: 'Component', 'spec.owner': 'team-a' } }]) {
      statements.length = 0;
      const first = await reader.query({ ...request, limit: 5 });
      const probes = () => statements.filter(statement => statement.sql.includes(' AS probe')).length;
      expect(probes()).toBe(2);
      const seen = first.items.map(e => e.metadata.name);
      let cursor = first.pageInfo.nextCursor;
      while (cursor) {
        statements.length = 0;
        const page = await reader.query({ cursor, limit: 5 });
        expect(probes()).toBe(0);
        // Still the narrowest first: the owner's index is walked, the kind tested.
        const counted = statements.find(statement => statement.sql.includes('ORDER BY sort_value'))!;
        expect(counted.parameters.indexOf('spec.owner')).toBeLessThan(counted.parameters.indexOf('kind'));
        seen.push(...page.items.map(e => e.metadata.name));
        cursor = page.pageInfo.nextCursor;
      }
      expect(seen).toHaveLength(15);
      expect(new Set(seen).size).toBe(15);
    }
  });

  it('by-query with a relations filter reads relations by target', async () => {
    expect(
      await scansOf(async () => {
        const page = await reader.query({ filter: ['relations.ownedBy=group:default/team-b'], limit: 50 });
        expect(page.totalItems).toBe(20);
      }),
    ).toEqual([]);
    expect(await scansOf(async () => expect((await reader.query({ query: { 'relations.dependsOn': 'resource:default/svc-0' } })).totalItems).toBe(3))).toEqual([]);
  });

  it('by-refs reads by ref', async () => {
    expect(await scansOf(async () => expect(await reader.byRefs(['component:default/svc-1', 'resource:default/svc-4', 'component:default/none'])).toHaveLength(3))).toEqual([]);
  });

  it('facets read the search rows of their key alone, also under a filter', async () => {
    expect(
      await scansOf(async () => {
        const facets = await reader.facets(['kind', 'spec.owner'], undefined);
        expect(facets['spec.owner']).toEqual([
          { value: 'team-a', count: 20 },
          { value: 'team-b', count: 20 },
          { value: 'team-c', count: 20 },
        ]);
      }),
    ).toEqual([]);
    expect(await scansOf(async () => expect((await reader.facets(['spec.type'], ['kind=resource']))['spec.type']).toEqual([{ value: 'database', count: 15 }]))).toEqual([]);
  });

  it('the plan check sees a full scan (a filter on a key nothing indexes by value)', async () => {
    // The full-text filter reads every search row by design: the check must notice it.
    expect(await scansOf(() => reader.query({ fullText: { term: 'svc' }, limit: 5 }))).not.toEqual([]);
  });
});
