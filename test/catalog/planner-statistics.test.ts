/**
 * PostgreSQL's planner statistics after a large catalog write (`planner-statistics.ts`, #18): a first load of many
 * entities commits with the catalog's tables analyzed, so the first reads after it are planned from what it wrote
 * (a filter on a team's components reads the team's rows, not every component); a small write leaves the statistics
 * to autovacuum. PostgreSQL only: SQLite plans by its indexes' shape (`narrowest-first.ts`).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { refreshPlannerStatistics } from '../../src/catalog/planner-statistics.js';
import { catalogOnEachStore } from '../support/catalog-on-each-store.js';

/** More components than the smallest write that refreshes the statistics (1,000). */
const COMPONENTS = 1_200;

const components = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${prefix}-${i}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-${i % 40}\n`).join('---\n');

await catalogOnEachStore('planner statistics after a large write', { only: 'postgres', folder: 'pave-planner-statistics-' }, on => {
  /** Rows the planner believes a table has, and whether it has per-column statistics (both come from ANALYZE). */
  const statistics = async (table: string) => {
    const { rows } = await sql<{ reltuples: number; columns: string }>`
      SELECT c.reltuples, (SELECT count(*) FROM pg_stats s WHERE s.schemaname = current_schema() AND s.tablename = c.relname) AS columns
      FROM pg_class c WHERE c.oid = ${table}::regclass`.execute(on.store.db);
    return { rows: Number(rows[0]!.reltuples), columns: Number(rows[0]!.columns) };
  };
  const register = (name: string, text: string) => {
    writeFileSync(join(on.dir, `${name}.yaml`), text);
    return on.catalog.locations.register({ type: 'file', target: join(on.dir, `${name}.yaml`) });
  };

  it('commits a large first load with the catalog tables analyzed, and plans a team filter from the team’s rows', async () => {
    // A fresh schema's tables have never been analyzed (reltuples −1 since PostgreSQL 14).
    expect((await statistics('entity_search')).columns).toBe(0);
    const { summary } = await register('large', components('c', COMPONENTS));
    expect(summary?.created).toBe(COMPONENTS);

    for (const table of ['entities', 'entity_search', 'relations', 'sent_entities', 'search_documents']) {
      const after = await statistics(table);
      expect(after.rows, table).toBeGreaterThanOrEqual(COMPONENTS);
      expect(after.columns, table).toBeGreaterThan(0);
    }
    // The planner knows one team's components are a few of the catalog's search rows, not a guess.
    const { rows } = await sql<{ 'QUERY PLAN': string }>`
      EXPLAIN SELECT entity_id FROM entity_search WHERE key = 'spec.owner' AND value = 'team-7'`.execute(on.store.db);
    const estimate = Number(/rows=(\d+)/.exec(rows[0]!['QUERY PLAN'])![1]);
    expect(estimate).toBeLessThan(COMPONENTS / 10);
    expect((await on.catalog.entities.query({ filter: ['kind=component,spec.owner=team-7'], limit: 5 })).totalItems).toBe(COMPONENTS / 40);
  });

  it('leaves the statistics alone after a write of few entities, or of a small share of the catalog', async () => {
    const { summary } = await register('small', components('s', 10));
    expect(summary?.created).toBe(10);
    // Called directly on a transaction that changed 10 of the catalog's 1,210 entities.
    await on.store.transaction(async trx => {
      await sql`UPDATE entities SET updated_at = updated_at WHERE ref LIKE 'component:default/s-%'`.execute(trx);
      expect(await refreshPlannerStatistics(trx, 10)).toBe('current');
      expect(await refreshPlannerStatistics(trx, 10, { minChanged: 5, minShare: 0.5 })).toBe('current');
      // Changed rows are counted in the store, this transaction's only (not the 1,210 the connection wrote before).
      expect(await refreshPlannerStatistics(trx, 2_000, { minChanged: 11, minShare: 0.001 })).toBe('current');
      expect(await refreshPlannerStatistics(trx, 10, { minChanged: 5, minShare: 0.001 })).toBe('analyzed');
    });
  });
});
