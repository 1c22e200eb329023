import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import type { CatalogService } from '../../src/catalog/catalog-service.js';
import type { Store } from '../../src/store/store.js';
import { catalogServiceOver } from './catalog-service.js';
import { postgresFactory, sqliteFactory, type StoreFactory, type TestStore } from './stores.js';

/** What a {@link catalogOnEachStore} describe's hooks and tests read (once its `beforeAll` has run, not while they are declared). */
export interface CatalogOnStore {
  readonly handle: TestStore;
  readonly store: Store;
  readonly catalog: CatalogService;
  /** The describe's own temporary folder, when `options.folder` asked for one. */
  readonly dir: string;
}

export interface CatalogOnEachStoreOptions {
  /** One store only: what the other has not (PostgreSQL's held documents, SQLite's query plans). Both by default. */
  only?: StoreFactory['name'];
  /** A temporary folder's name prefix (`pave-sent-`): one is made for the describe and removed after it. */
  folder?: string;
  /** What the catalog holds before the tests (and the body's own `beforeAll`s) run. */
  seed?: (on: CatalogOnStore) => Promise<unknown>;
}

/**
 * Declares `${title}: ${store}` on SQLite and PostgreSQL (skipped where PostgreSQL cannot run), each over a fresh
 * store with the catalog as the app builds it (catalogServiceOver), seeded, and closed and disposed after the tests.
 * `body` declares the tests, reading the store and the catalog through `on`.
 * @example await catalogOnEachStore('facet counts', { seed: async ({ catalog }) => catalog.saveEntity(entity) }, on => it('counts', async () => expect(await on.catalog.entities.facets(['kind'], undefined)).toEqual({})));
 */
export async function catalogOnEachStore(
  title: string,
  options: CatalogOnEachStoreOptions,
  body: (on: CatalogOnStore, factory: StoreFactory) => void,
): Promise<void> {
  const factories = options.only === 'sqlite' ? [sqliteFactory] : options.only === 'postgres' ? [await postgresFactory()] : [sqliteFactory, await postgresFactory()];
  for (const factory of factories) {
    describe.skipIf(Boolean(factory.unavailable))(`${title}: ${factory.name}`, () => {
      let opened: Omit<CatalogOnStore, 'store'> | undefined;
      const at = () => {
        if (!opened) throw new Error(`${title}: the store opens in beforeAll; read it in hooks and tests, not while they are declared`);
        return opened;
      };
      const on: CatalogOnStore = {
        get handle() { return at().handle; },
        get store() { return at().handle.store; },
        get catalog() { return at().catalog; },
        get dir() { return at().dir; },
      };
      beforeAll(async () => {
        const handle = await factory.open();
        opened = { handle, catalog: catalogServiceOver(handle.store), dir: options.folder ? mkdtempSync(join(tmpdir(), options.folder)) : '' };
        await options.seed?.(on);
      });
      afterAll(async () => {
        await opened?.catalog.close();
        await opened?.handle.dispose();
        if (opened?.dir) rmSync(opened.dir, { recursive: true, force: true });
      });
      body(on, factory);
    });
  }
}
