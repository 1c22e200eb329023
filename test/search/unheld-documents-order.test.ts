/**
 * An entity ranked from the database's rows (its documents past the held bound) ranks as when its documents are
 * held: the same documents in the same order (row id), since rankEntity's snippet is the first of equals. Two docs
 * sections matching alike, whose physical order is not their row-id order. PostgreSQL only (SQLite holds none).
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { CatalogSearch } from '../../src/catalog/search/catalog-search.js';
import { catalogOnEachStore } from '../support/catalog-on-each-store.js';

await catalogOnEachStore('documents read from the database, in held order', {
  only: 'postgres',
  seed: async ({ store, catalog }) => {
    await catalog.saveEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'zoo' }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a' } });
    const db = store.db;
    const { rows: [entity] } = await sql<{ id: string }>`SELECT id FROM entities`.execute(db);
    // Physical order one, two; row-id order two, one (as a re-written row landing in a reused heap slot, after VACUUM,
    // would be; explicit ids here so that no other session's snapshot decides it).
    const section = (id: number, anchor: string) => sql`INSERT INTO search_documents (id, entity_id, section, title, name, description, owner, body) VALUES (${id}, ${entity!.id}, ${`docs:index.md#${anchor}`}, ${anchor}, '', '', '', 'the wombat lives here')`.execute(db);
    await section(1001, 'one');
    await section(1000, 'two');
    await sql`UPDATE catalog_state SET version = version + 1 WHERE name = 'catalog'`.execute(db);
  },
}, on => {
  it('answers alike with the documents held and not held', async () => {
    const { rows } = await sql<{ id: string; section: string }>`SELECT id::text, section FROM search_documents WHERE section <> ''`.execute(on.store.db);
    const held = await new CatalogSearch(on.store).search({ query: 'wombat', limit: 10 });
    const unheld = await new CatalogSearch(on.store, undefined, { maxHeldCharacters: 0 }).search({ query: 'wombat', limit: 10 });
    expect(unheld, `physical order: ${JSON.stringify(rows)}`).toEqual(held);
  });
});
