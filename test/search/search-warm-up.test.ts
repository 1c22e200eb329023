/**
 * A server warms search up before /readyz says ready (CatalogService.warmSearch → CatalogSearch.warm): the documents
 * held, their texts cut, the result fields read. It must change no answer, on SQLite and PostgreSQL, and say when it
 * is done.
 */
import { expect, it, vi } from 'vitest';
import { CatalogSearch } from '../../src/catalog/search/catalog-search.js';
import type { Entity } from '../../src/core/entity.js';
import { catalogOnEachStore } from '../support/catalog-on-each-store.js';

const component = (name: string, description: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, description, title: `The ${name.replace(/-/g, ' ')}` },
  spec: { type: 'service', lifecycle: 'production', owner },
});

const QUERIES = ['wombat', 'quokka ledger', 'wombt', 'team', 'who owns quokka', 'the quokka 3'];

await catalogOnEachStore('search warm-up', {
  seed: async ({ catalog }) => {
    for (let i = 0; i < 30; i++) await catalog.saveEntity(component(`quokka-${i}`, `quokka and wombat keep the ledger ${i}`, `team-${i % 3}`));
    for (let i = 0; i < 10; i++) await catalog.saveEntity(component(`wombat-${i}`, `wombatPayments only ${i}`, 'team-a'));
  },
}, on => {
  it('warms once, says when it is done, and changes no answer', async () => {
    expect(on.catalog.searchWarming).toBe(false);
    on.catalog.warmSearch();
    expect(on.catalog.searchWarming).toBe(true);
    await vi.waitFor(() => expect(on.catalog.searchWarming).toBe(false));
    const cold = new CatalogSearch(on.store);
    for (const query of QUERIES) expect(await on.catalog.search({ query, limit: 100 }), query).toEqual(await cold.search({ query, limit: 100 }));
  });

  it('warms at most half of what it keeps, and answers as a cold search past it', async () => {
    const warmed = new CatalogSearch(on.store, undefined, { maxKeptBases: 11 });
    await warmed.warm();
    const cold = new CatalogSearch(on.store);
    for (const query of QUERIES) expect(await warmed.search({ query, limit: 100 }), query).toEqual(await cold.search({ query, limit: 100 }));
  });

  it('a warmed search answers as a cold one after the catalog changed', async () => {
    const warmed = new CatalogSearch(on.store);
    await warmed.warm();
    await on.catalog.saveEntity(component('quokka-3', 'now a wombat ledger', 'team-b'));
    const cold = new CatalogSearch(on.store);
    for (const query of QUERIES) expect(await warmed.search({ query, limit: 100 }), query).toEqual(await cold.search({ query, limit: 100 }));
  });
});
