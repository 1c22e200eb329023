/**
 * A server warms search up before /readyz says ready (CatalogService.warmSearch → CatalogSearch.warm): the documents
 * held, their texts cut, the result fields read. It must change no answer, on SQLite and PostgreSQL, and say when it
 * is done.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CatalogService } from '../../src/catalog/catalog-service.js';
import { CatalogSearch } from '../../src/catalog/search/catalog-search.js';
import type { Entity } from '../../src/core/entity.js';
import { catalogServiceOver } from '../support/catalog-service.js';
import { postgresFactory, sqliteFactory, type TestStore } from '../support/stores.js';

const pg = await postgresFactory();

const component = (name: string, description: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, description, title: `The ${name.replace(/-/g, ' ')}` },
  spec: { type: 'service', lifecycle: 'production', owner },
});

const QUERIES = ['wombat', 'quokka ledger', 'wombt', 'team', 'who owns quokka', 'the quokka 3'];

for (const factory of [sqliteFactory, pg]) {
  describe.skipIf(Boolean(pg.unavailable) && factory === pg)(`search warm-up: ${factory.name}`, () => {
    let handle: TestStore;
    let catalog: CatalogService;
    beforeAll(async () => {
      handle = await factory.open();
      const { store } = handle;
      catalog = catalogServiceOver(store);
      for (let i = 0; i < 30; i++) await catalog.saveEntity(component(`quokka-${i}`, `quokka and wombat keep the ledger ${i}`, `team-${i % 3}`));
      for (let i = 0; i < 10; i++) await catalog.saveEntity(component(`wombat-${i}`, `wombatPayments only ${i}`, 'team-a'));
    });
    afterAll(async () => {
      await catalog?.close();
      await handle?.dispose();
    });

    it('warms once, says when it is done, and changes no answer', async () => {
      expect(catalog.searchWarming).toBe(false);
      catalog.warmSearch();
      expect(catalog.searchWarming).toBe(true);
      await vi.waitFor(() => expect(catalog.searchWarming).toBe(false));
      const cold = new CatalogSearch(handle.store);
      for (const query of QUERIES) expect(await catalog.search({ query, limit: 100 }), query).toEqual(await cold.search({ query, limit: 100 }));
    });

    it('warms at most half of what it keeps, and answers as a cold search past it', async () => {
      const warmed = new CatalogSearch(handle.store, undefined, { maxKeptBases: 11 });
      await warmed.warm();
      const cold = new CatalogSearch(handle.store);
      for (const query of QUERIES) expect(await warmed.search({ query, limit: 100 }), query).toEqual(await cold.search({ query, limit: 100 }));
    });

    it('a warmed search answers as a cold one after the catalog changed', async () => {
      const warmed = new CatalogSearch(handle.store);
      await warmed.warm();
      await catalog.saveEntity(component('quokka-3', 'now a wombat ledger', 'team-b'));
      const cold = new CatalogSearch(handle.store);
      for (const query of QUERIES) expect(await warmed.search({ query, limit: 100 }), query).toEqual(await cold.search({ query, limit: 100 }));
    });
  });
}
