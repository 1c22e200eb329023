/**
 * Search in Debian's Chromium on the demo catalog, reached by URL: the search page shows the total, the
 * highlighted snippets the server cut, filters by kind, type, owner and lifecycle with counts, and pages;
 * Ctrl-K shows the best results grouped by kind and opens the one chosen.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { SearchResponse } from '../../src/catalog/search/search-views.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { browserAvailable, ensurePortalBuilt, formatViolations, launchBrowser, screenshot, seriousAxeViolations, type BrowserSession } from '../support/browser.js';

describe.skipIf(!browserAvailable)('search in Chromium', { timeout: 120_000 }, () => {
  let pave: RunningPave;
  let session: BrowserSession;
  let page: Page;
  const pageErrors: string[] = [];
  /** What the server answers, to compare the page with (never hard-coded counts). */
  const answer = async (query: string): Promise<SearchResponse> => (await fetch(`${pave.url}/api/search?${query}`)).json() as Promise<SearchResponse>;

  beforeAll(async () => {
    await ensurePortalBuilt();
    pave = await startPave({ demo: true });
    await pave.app.eventConsumers.drain();
    session = await launchBrowser();
    page = await session.newPage();
    page.on('pageerror', e => pageErrors.push(e.message));
  }, 180_000);
  afterAll(async () => {
    await session?.close();
    await pave?.close();
  });
  afterEach(() => expect(pageErrors, 'uncaught errors in the page').toEqual([]));

  async function expectAccessible(name: string) {
    const violations = await seriousAxeViolations(page);
    expect(violations, `axe found serious or critical violations on ${name}:\n${formatViolations(violations)}`).toEqual([]);
  }

  it('shows the total and highlighted snippets for a query with a typo, and filters by facet with counts', async () => {
    const all = await answer('q=paymnts&limit=100');
    await page.goto(`${pave.url}/search?q=paymnts`);
    const results = page.getByRole('region', { name: 'Search results' });
    await expect.poll(() => results.getByRole('status').textContent()).toContain(`${all.total} results for “paymnts”`);
    const items = results.getByRole('listitem');
    await expect.poll(() => items.count()).toBe(Math.min(all.total, 20));
    expect(await items.first().getByRole('link').first().textContent()).toBe(all.results[0]!.title ?? all.results[0]!.name);
    expect((await items.first().locator('mark').allTextContents()).map(t => t.toLowerCase())).toContain('payments');

    const kinds = page.locator('fieldset[data-facet="kind"]');
    const component = all.facets.kind.find(f => f.value === 'Component')!;
    expect(await kinds.getByText('Component', { exact: true }).locator('..').textContent()).toContain(String(component.count));
    await kinds.getByLabel(/^Component/).click();
    await page.waitForURL(/[?&]kind=Component/);
    await expect.poll(() => results.getByRole('status').textContent()).toContain(`${component.count} result`);
    const owner = (await answer('q=paymnts&kind=Component&limit=100')).facets.owner[0]!;
    await page.locator('fieldset[data-facet="owner"]').getByLabel(new RegExp(`^${owner.value}`)).click();
    await page.waitForURL(/[?&]owner=/);
    await expect.poll(() => results.getByRole('status').textContent()).toContain(`${owner.count} result`);
    await expect.poll(() => page.locator('fieldset[data-facet="owner"]').getByLabel(new RegExp(`^${owner.value}`)).isChecked()).toBe(true);
    await screenshot(page, 'search-page');
    await expectAccessible('the search page with filters');
  });

  it('pages through many results', async () => {
    const first = await answer('q=service&limit=20');
    expect(first.total).toBeGreaterThan(20);
    await page.goto(`${pave.url}/search?q=service`);
    const pager = page.getByRole('navigation', { name: 'Pages' });
    await expect.poll(() => pager.textContent()).toContain(`Page 1 of ${Math.ceil(first.total / 20)}`);
    await pager.getByRole('button', { name: 'Next →' }).click();
    await expect.poll(() => page.url()).toContain('page=2');
    const second = await answer('q=service&limit=20&offset=20');
    const items = page.getByRole('region', { name: 'Search results' }).getByRole('listitem');
    await expect.poll(() => items.first().getByRole('link').first().textContent()).toBe(second.results[0]!.title ?? second.results[0]!.name);
  });

  it('Ctrl-K groups the best results by kind and opens the one chosen', async () => {
    await page.goto(`${pave.url}/`);
    await page.locator('body').press('Control+k');
    const dialog = page.getByRole('dialog', { name: 'Search the catalog' });
    await dialog.getByRole('combobox').fill('who owns payments');
    const list = dialog.getByRole('listbox', { name: 'Search results' });
    const groups = list.getByRole('group');
    await expect.poll(() => groups.count()).toBeGreaterThan(1);
    const expected = await answer(`q=${encodeURIComponent('who owns payments')}&limit=24`);
    const kindsInOrder = [...new Set(expected.results.map(r => r.kind))];
    expect(await groups.evaluateAll(nodes => nodes.map(node => node.getAttribute('aria-labelledby') && node.firstElementChild?.textContent))).toEqual(kindsInOrder);
    const firstOption = list.getByRole('option').first();
    expect(await firstOption.getAttribute('aria-selected')).toBe('true');
    expect(await firstOption.textContent()).toContain('Owns');
    await screenshot(page, 'search-dialog');
    await expectAccessible('the Ctrl-K dialog');
    await dialog.getByRole('combobox').press('Enter');
    await expect.poll(() => page.url()).toContain('/catalog/default/group/payments-team');
  });
});
