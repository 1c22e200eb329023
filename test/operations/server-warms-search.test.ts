/**
 * A started server begins search's warm-up (catalog/module.ts' onReady hook → CatalogService.warmSearch →
 * CatalogSearch.warm), and /readyz's `search` check says ready only once the warm-up has run.
 */
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { startApiPave } from '../api/support.js';
import type { RunningPave } from '../support/pave-server.js';
import { CatalogService } from '../../src/catalog/catalog-service.js';
import { CatalogSearch } from '../../src/catalog/search/catalog-search.js';

let pave: RunningPave;
let warmSearch: MockInstance<CatalogService['warmSearch']>;
let warm: MockInstance<CatalogSearch['warm']>;
let release: () => void;

beforeAll(async () => {
  warmSearch = vi.spyOn(CatalogService.prototype, 'warmSearch');
  // The real warm-up, once the test lets it go: on a small catalog it would end before any request could see it run.
  const released = new Promise<void>(resolve => (release = resolve));
  const original = CatalogSearch.prototype.warm;
  warm = vi.spyOn(CatalogSearch.prototype, 'warm').mockImplementation(async function (this: CatalogSearch, ...args) {
    await released;
    return original.apply(this, args);
  });
  pave = await startApiPave();
});
afterAll(async () => {
  release?.();
  await pave?.close();
  // Test files share their worker's modules: the prototypes go back as they were.
  warmSearch?.mockRestore();
  warm?.mockRestore();
});

const searchCheck = async () => ((await (await fetch(`${pave.url}/readyz`)).json()) as { checks: Array<{ name: string }> }).checks.find(check => check.name === 'search');

describe('a started server warms search up', () => {
  it('begins the warm-up as it starts, and /readyz says search is ready only once the warm-up has run', async () => {
    expect(warmSearch).toHaveBeenCalledTimes(1);
    expect(warm).toHaveBeenCalledTimes(1);
    expect(await searchCheck()).toEqual({ name: 'search', ok: false, detail: expect.stringContaining('warming up') });
    release();
    await expect(warm.mock.results[0]!.value).resolves.toBeUndefined();
    await vi.waitFor(async () => expect(await searchCheck()).toEqual({ name: 'search', ok: true }));
    expect(warmSearch).toHaveBeenCalledTimes(1);
  });
});
