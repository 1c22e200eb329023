/**
 * On PostgreSQL, the search documents' fields held for ranking (src/catalog/search/document-words.ts) are bounded:
 * past the bound an entity's documents are not given, and search reads them from the database. Answers are the same
 * whether all, some or none of the candidates' documents are held, and what is held is counted and given back as
 * documents go.
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import type { CatalogService } from '../../src/catalog/catalog-service.js';
import { CatalogState } from '../../src/catalog/catalog-state.js';
import { CatalogSearch } from '../../src/catalog/search/catalog-search.js';
import { DocumentWords } from '../../src/catalog/search/document-words.js';
import type { Entity } from '../../src/core/entity.js';
import { catalogOnEachStore } from '../support/catalog-on-each-store.js';

const component = (name: string, description: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, description, tags: ['ledger', `batch-${name.length}`] },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
});

const QUERIES = ['wombat', 'quokka ledger', 'wombt', 'team', 'who owns quokka', 'production service'];

/** The catalog the tests begin with (the first saves it again after deleting it). */
async function saveAll(catalog: CatalogService): Promise<void> {
  for (let i = 0; i < 40; i++) await catalog.saveEntity(component(`quokka-${i}`, `quokka and wombat keep ledger ${i}`));
  for (let i = 0; i < 20; i++) await catalog.saveEntity(component(`wombat-${i}`, `wombat only ${i}`));
}

await catalogOnEachStore('held search documents, bounded', { only: 'postgres', seed: ({ catalog }) => saveAll(catalog) }, on => {
  it('holds at most the bound, gives no documents of an entity not wholly held, and counts what goes', async () => {
    const words = new DocumentWords(on.store, 3_000);
    await words.hold(await new CatalogState(on.store).version());
    expect(words.heldCharacters).toBeGreaterThan(0);
    expect(words.heldCharacters).toBeLessThanOrEqual(3_000);
    const { rows } = await sql<{ id: string }>`SELECT id FROM entities`.execute(on.store.reads);
    const given = rows.map(row => words.documents(row.id));
    expect(given.some(documents => documents === undefined)).toBe(true);
    expect(given.some(documents => documents?.length)).toBe(true);

    for (const { id } of rows) await on.catalog.deleteByUid(id);
    await words.hold(await new CatalogState(on.store).version());
    expect(words.heldCharacters).toBe(0);
    expect(rows.map(row => words.documents(row.id))).toEqual(rows.map(() => []));
    await saveAll(on.catalog);
  });

  it('answers alike with all, some or none of the documents held', async () => {
    const all = new CatalogSearch(on.store);
    for (const maxHeldCharacters of [3_000, 0]) {
      const bounded = new CatalogSearch(on.store, undefined, { maxHeldCharacters });
      for (const query of QUERIES) expect(await bounded.search({ query, limit: 100 }), `${query}, at most ${maxHeldCharacters} characters held`).toEqual(await all.search({ query, limit: 100 }));
    }
  });
});
