/**
 * Migration 0051: `entity_search` has one covering index by key and value, (key, value, entity_id, original_value),
 * where it had one for filters and one for facets (#18: every search row kept both up). A fresh database has it; an
 * older one with the two loses them on upgrade, and its filters and facets answer as before. SQLite and PostgreSQL.
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { EntityReader } from '../../src/catalog/query/entity-reader.js';
import type { Store } from '../../src/store/store.js';
import { catalogOnEachStore } from '../support/catalog-on-each-store.js';

/** The indexes of `entity_search`, by name, with their columns as the database gives them. */
async function searchIndexes(store: Store): Promise<string[]> {
  const { rows } =
    store.dialect === 'sqlite'
      ? await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'entity_search' ORDER BY name`.execute(store.db)
      : await sql<{ name: string }>`SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'entity_search' ORDER BY indexname`.execute(store.db);
  return rows.map(row => row.name);
}

await catalogOnEachStore('one search value index', {
  seed: async ({ catalog }) => {
    for (const [name, owner] of [['a', 'Team-A'], ['b', 'team-a'], ['c', 'Team-A'], ['d', 'team-b']]) {
      await catalog.saveEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name }, spec: { type: 'service', lifecycle: 'production', owner } });
    }
  },
}, on => {
  const answers = async (store: Store) => {
    const reader = new EntityReader(store);
    return {
      filtered: (await reader.query({ filter: ['kind=component,spec.owner=team-a'], limit: 10 })).items.map(entity => entity.metadata.name),
      // Facets keep the values as written: "Team-A" and "team-a" are two.
      facets: await reader.facets(['spec.owner'], undefined),
    };
  };

  it('has the one index in a fresh database', async () => {
    expect(await searchIndexes(on.store)).toEqual(['entity_search_entity_idx', 'entity_search_key_value_idx']);
    expect(await answers(on.store)).toEqual({
      filtered: ['a', 'b', 'c'],
      facets: { 'spec.owner': [{ value: 'Team-A', count: 2 }, { value: 'team-a', count: 1 }, { value: 'team-b', count: 1 }] },
    });
  });

  it('an older database with the two indexes has the one after the upgrade, and answers the same', async () => {
    const { store } = on;
    const before = await answers(store);
    // The database as 0050 left it.
    await sql`DROP INDEX entity_search_key_value_idx`.execute(store.db);
    await sql`CREATE INDEX entity_search_key_value_entity_idx ON entity_search (key, value, entity_id)`.execute(store.db);
    await sql`CREATE INDEX entity_search_facet_idx ON entity_search (key, original_value, entity_id)`.execute(store.db);
    // Migrations after it are forgotten too (Kysely runs only migrations after the last one run), and run again.
    await sql`DELETE FROM kysely_migration WHERE name >= '0051-one-search-value-index'`.execute(store.db);

    const upgraded = await on.handle.reopen();
    try {
      expect(await searchIndexes(upgraded)).toEqual(['entity_search_entity_idx', 'entity_search_key_value_idx']);
      expect(await answers(upgraded)).toEqual(before);
    } finally {
      await upgraded.close();
    }
  });
});
