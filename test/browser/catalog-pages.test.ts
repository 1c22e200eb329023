/**
 * The catalog's day-one pages in Chromium: the Locations page (state, counts, problems, refresh, removal after a
 * confirmation, offered only to those allowed), the entity page's actions menu (refresh, copy ref, unregister
 * saying what goes with the entity), the API explorer and the docs index.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { defaultAuthConfig } from '../../src/auth/auth-config.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { seedOrg } from '../auth/support.js';
import { browserAvailable, ensurePortalBuilt, formatViolations, launchBrowser, seriousAxeViolations, signInBrowserAs, type BrowserSession } from '../support/browser.js';

const component = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: checkout-team\n`;

describe.skipIf(!browserAvailable)('catalog pages in Chromium', { timeout: 120_000 }, () => {
  let pave: RunningPave;
  let session: BrowserSession;
  let page: Page;
  let dir: string;
  let target: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensurePortalBuilt();
    dir = await mkdtemp(join(tmpdir(), 'pave-locations-'));
    target = join(dir, 'catalog-info.yaml');
    // Two services and one broken document: the location loads what it can and reports the rest.
    await writeFile(target, `${component('ledger')}---\n${component('invoicer')}---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: Not A Valid Name\nspec:\n  type: service\n  lifecycle: production\n  owner: checkout-team\n`);
    pave = await startPave({ config: { auth: defaultAuthConfig() } });
    await seedOrg(pave.app.catalog);
    await pave.app.catalog.saveEntity({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'API',
      metadata: { name: 'orders-api', description: 'Orders, placed and paid' },
      spec: { type: 'openapi', lifecycle: 'production', owner: 'checkout-team', definition: 'openapi: 3.0.0\ninfo: { title: Orders, version: 1.0.0 }\npaths: {}\n' },
    });
    await pave.app.catalog.saveEntity({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'handbook', annotations: { 'backstage.io/techdocs-ref': 'dir:.' } },
      spec: { type: 'website', lifecycle: 'production', owner: 'platform-team' },
    });
    await pave.app.catalog.locations.register({ type: 'file', target });
    session = await launchBrowser();
    page = await session.newPage();
    page.on('pageerror', error => pageErrors.push(error.message));
  }, 180_000);

  afterAll(async () => {
    await session?.close();
    await pave?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const row = () => page.locator('.locations-table tbody tr[data-location]', { hasText: target });

  it('shows a developer each location with its state, counts and problems, without actions they may not take', async () => {
    await signInBrowserAs(session, pave, 'user:default/bob');
    await page.goto(pave.url + '/catalog');
    await page.getByRole('link', { name: 'Locations', exact: true }).click();
    await page.getByRole('heading', { name: 'Locations' }).waitFor();
    await row().waitFor();
    await expect.poll(() => row().locator('[data-state]').getAttribute('data-state')).toBe('done');
    expect(await row().getByRole('link', { name: `2 entities from ${target}` }).isVisible()).toBe(true);
    await row().getByRole('button', { name: '1 problem' }).click();
    await page.locator('.location-problems', { hasText: 'Not A Valid Name' }).waitFor();
    expect(await row().getByRole('button', { name: /Refresh|Remove/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Register a location' }).count()).toBe(0);
    const violations = await seriousAxeViolations(page);
    expect(violations, formatViolations(violations)).toEqual([]);

    // The count leads to the explorer, filtered to what this location produced.
    await row().getByRole('link', { name: `2 entities from ${target}` }).click();
    await expect.poll(() => page.locator('.explorer tbody tr').count()).toBe(2);
    expect(await page.locator('.explorer tbody').textContent()).toMatch(/invoicer[\s\S]*ledger/);
  });

  it('lists every API in the API explorer and every documented entity in the docs index', async () => {
    await page.goto(pave.url + '/');
    await page.getByRole('navigation', { name: 'Browse' }).getByRole('link', { name: 'API explorer' }).click();
    await page.getByRole('heading', { name: 'APIs' }).waitFor();
    await expect.poll(() => page.locator('.explorer tbody tr').count()).toBe(1);
    // Facet counts arrive in their own request, after the rows.
    await expect.poll(() => page.locator('[data-facet="type"]').textContent()).toContain('openapi');
    expect(await page.locator('[data-facet="kind"]').count()).toBe(0);
    await page.getByRole('link', { name: 'orders-api' }).click();
    await page.waitForURL(`${pave.url}/catalog/default/api/orders-api/api`);

    await page.goto(pave.url + '/docs');
    await page.getByRole('heading', { name: 'Docs' }).waitFor();
    await expect.poll(() => page.locator('.explorer tbody tr').count()).toBe(1);
    expect(await page.locator('.explorer tbody').textContent()).toContain('handbook');
    const violations = await seriousAxeViolations(page);
    expect(violations, formatViolations(violations)).toEqual([]);
    await page.getByRole('link', { name: 'handbook' }).click();
    await page.waitForURL(`${pave.url}/catalog/default/component/handbook/docs`);
  });

  it('keeps starred and recently visited entities on the home page, in this browser', async () => {
    await page.goto(pave.url + '/catalog/default/component/payments');
    const star = page.getByRole('button', { name: /Star/ });
    await star.click();
    await expect.poll(() => star.getAttribute('aria-pressed')).toBe('true');
    await page.goto(pave.url + '/catalog/default/component/infra');
    await page.getByRole('heading', { level: 1, name: 'infra' }).waitFor();
    await page.goto(pave.url + '/');
    const starred = page.locator('section[data-list="starred"]');
    await starred.getByRole('link', { name: 'payments' }).waitFor();
    const recent = page.locator('section[data-list="recent"]');
    // Newest first (pages the tests before this one opened may follow).
    await expect.poll(async () => (await recent.locator('.entity-list-name').allTextContents()).slice(0, 2)).toEqual(['infra', 'payments']);
    const violations = await seriousAxeViolations(page);
    expect(violations, formatViolations(violations)).toEqual([]);

    await page.goto(pave.url + '/catalog/default/component/payments');
    await page.getByRole('button', { name: /Starred/ }).click();
    await page.goto(pave.url + '/');
    await starred.getByText('Star an entity from its page').waitFor();
  });

  it('lets an owner refresh their entity from the actions menu, but not remove a location they do not manage', async () => {
    await page.goto(pave.url + '/catalog/default/component/ledger');
    await page.getByText('Actions', { exact: true }).click();
    const menu = page.getByRole('group', { name: 'Actions on component:default/ledger' });
    await menu.getByRole('button', { name: 'Copy entity ref' }).waitFor();
    await menu.getByRole('button', { name: 'Refresh' }).click();
    await page.getByRole('status').filter({ hasText: 'Refreshed from its source.' }).waitFor();
    await menu.getByRole('button', { name: 'Unregister…' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByText('removes the location and the 2 entities it produced').waitFor();
    expect(await dialog.getByText('You may not remove it: ask your platform team.').isVisible()).toBe(true);
    expect(await dialog.getByRole('button', { name: 'Unregister' }).count()).toBe(0);
  });

  it('lets the platform team refresh and then remove a location, after a confirmation naming what goes', async () => {
    await signInBrowserAs(session, pave, 'user:default/alice');
    await page.goto(pave.url + '/catalog/locations');
    await row().getByRole('button', { name: `Refresh ${target} now` }).click();
    await page.getByRole('status').filter({ hasText: `Refreshed ${target}.` }).waitFor();
    await row().getByRole('button', { name: `Remove ${target}` }).click();
    await row().getByRole('button', { name: 'Remove it and its 2 entities' }).click();
    await page.getByRole('status').filter({ hasText: `Removed ${target} and the 2 entities it produced.` }).waitFor();
    await expect.poll(() => row().count()).toBe(0);
    expect(await pave.app.catalog.entities.byRef('component:default/ledger')).toBeUndefined();
  });

  it('deletes an entity saved through the API on its own, from its actions menu', async () => {
    await page.goto(pave.url + '/catalog/default/component/dave-tool');
    await page.getByText('Actions', { exact: true }).click();
    await page.getByRole('button', { name: 'Unregister…' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByText('It was saved through the API, not read from a location').waitFor();
    await dialog.getByRole('button', { name: 'Unregister' }).click();
    await dialog.getByRole('button', { name: 'Delete this entity' }).click();
    await page.waitForURL(pave.url + '/catalog');
    expect(await pave.app.catalog.entities.byRef('component:default/dave-tool')).toBeUndefined();
    expect(pageErrors).toEqual([]);
  });
});
