/**
 * Search keeps entities' result fields between rankings, up to a limit; reaching it empties what is kept. A ranking
 * that found some of its candidates kept must not lose them when another read empties the store meanwhile: it
 * answered 10 of 70 entities once the limit was reached (catalogs above 20,000 entities).
 */
import { expect, it } from 'vitest';
import { CatalogSearch } from '../../src/catalog/search/catalog-search.js';
import type { Entity } from '../../src/core/entity.js';
import { catalogOnEachStore } from '../support/catalog-on-each-store.js';

const component = (name: string, description: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, description },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
});

await catalogOnEachStore('kept result fields', {
  seed: async ({ catalog }) => {
    for (let i = 0; i < 60; i++) await catalog.saveEntity(component(`both-${i}`, `quokka and wombat ${i}`));
    for (let i = 0; i < 10; i++) await catalog.saveEntity(component(`one-${i}`, `wombat only ${i}`));
  },
}, on => {
  it('answers every match after what is kept reached its limit', async () => {
    const search = new CatalogSearch(on.store, undefined, { maxKeptBases: 30 });
    expect((await search.search({ query: 'quokka', limit: 100 })).total).toBe(60);
    const wombats = await search.search({ query: 'wombat', limit: 100 });
    expect(wombats.total).toBe(70);
    expect(wombats.results.map(result => result.entityRef).sort()).toEqual((await new CatalogSearch(on.store).search({ query: 'wombat', limit: 100 })).results.map(result => result.entityRef).sort());
  });
});
