/**
 * The portal end to end in Debian's Chromium: a new user finds a service by part of its
 * description, sees its owner, APIs and dependencies, reads its docs and API specs, fixes a
 * typo in its description, and registers a location after a dry-run preview. Screenshots of
 * each main page go to test-output/screenshots/ on every run.
 */
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { defaultAuthConfig } from '../../src/auth/auth-config.js';
import { startPave } from '../support/pave-server.js';
import {
  ROOT,
  browserAvailable,
  ensurePortalBuilt,
  formatViolations,
  launchBrowser,
  screenshot,
  seriousAxeViolations,
  type BrowserSession,
} from '../support/browser.js';

// Globals of the page, for the callbacks that page.evaluate runs in the browser (no DOM lib here).
declare const document: { documentElement: { dataset: Record<string, string | undefined>; scrollWidth: number; clientWidth: number }; activeElement: unknown };
/** The few DOM pieces the in-page layout and theme checks use. */
interface PageElement {
  tagName: string;
  className: string;
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  getBoundingClientRect(): { top: number; bottom: number; left: number; right: number; height: number };
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
}
declare const CSS: { escape(value: string): string };
declare function getComputedStyle(element: PageElement): { backgroundColor: string };
declare const localStorage: { removeItem(key: string): void };
declare const window: unknown;

// PAVE_TEST_URL points the suite at a server that is already running (handy while developing;
// the edit test then changes that server's data).
const external = process.env.PAVE_TEST_URL;

// Without Chromium the suite skips, unless PAVE_REQUIRE_ALL=1 (CI), where launching it fails the run.
// Each step is a real page load in a real browser: allow for a busy two-core machine.
describe.skipIf(!browserAvailable)('portal in Chromium', { timeout: 60_000 }, () => {
  let server: { url: string; close(): Promise<void> } | undefined;
  let session: BrowserSession;
  let page: Page;
  let base: string;
  let pageErrors: string[] = [];
  let demoCopy: string | undefined;

  beforeAll(async () => {
    await ensurePortalBuilt();
    if (external) base = external.replace(/\/$/, '');
    else {
      // The demo organisation is registered from a copy: saving an entity writes its YAML file in
      // place, and the edit test must not change the repository's demo files.
      demoCopy = mkdtempSync(join(tmpdir(), 'pave-browser-demo-'));
      cpSync(join(ROOT, 'demo', 'catalog'), join(demoCopy, 'catalog'), { recursive: true });
      // A link between docs pages (relative, to a heading), for the docs test; and a script that must not run.
      appendFileSync(
        join(demoCopy, 'catalog', 'docs', 'checkout-service', 'docs', 'index.md'),
        '\n\nBefore a peak, read [scaling for peaks](./runbook.md#scaling-for-peaks).\n\n<script>window.__pwned = true</script>\n',
      );
      // As `npm start` runs it: authorization on, with the demo guest sign-in.
      // The demo guest acts as a checkout-team member: it may edit checkout-service (its team owns it);
      // registering locations is the platform team's, so one more rule lets the guest do that here.
      const auth = defaultAuthConfig();
      auth.guest = true;
      auth.rules = [
        { id: 'browser-test.guest-registers', description: 'The browser test registers a location as the guest', effect: 'allow', actions: ['catalog.location.*'], subjects: ['role:guest'] },
      ];
      const pave = await startPave({ config: { auth } });
      server = pave;
      base = pave.url.replace(/\/$/, '');
      await pave.app.catalog.locations.register({ type: 'file', target: join(demoCopy, 'catalog', 'all.yaml') });
    }
    session = await launchBrowser();
    page = await session.newPage();
    page.on('pageerror', e => pageErrors.push(e.message));

    // A first visit asks to sign in; the demo offers a guest sign-in. (A PAVE_TEST_URL server may run without auth.)
    const methods = (await (await page.request.get(`${base}/api/auth/methods`)).json()) as { enabled?: boolean; guest?: boolean };
    expect(methods.enabled || external !== undefined, 'the suite runs with authorization on').toBe(true);
    if (methods.enabled) {
      await page.goto(`${base}/`);
      await page.getByRole('heading', { name: 'Sign in to Pave' }).waitFor();
      await screenshot(page, 'sign-in');
      await expectAccessible('sign-in');
      await page.getByRole('link', { name: 'Continue as the demo guest' }).click();
      await page.locator('.account').getByRole('button', { name: 'Sign out' }).waitFor();
    }
  }, 180_000);

  /** GET on the API with the browser's session. */
  const apiGet = (path: string) => page.request.get(base + path);

  afterAll(async () => {
    await session?.close();
    await server?.close();
    if (demoCopy) rmSync(demoCopy, { recursive: true, force: true });
  });

  beforeEach(() => {
    pageErrors = [];
  });
  afterEach(() => {
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
  });

  const go = (path: string) => page.goto(base + path);

  async function expectAccessible(name: string) {
    const violations = await seriousAxeViolations(page);
    expect(violations, `axe found serious or critical violations on ${name}:\n${formatViolations(violations)}`).toEqual([]);
  }

  it('home: search box, kind counts, recent changes and ingestion problems', async () => {
    await go('/');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('Find anything');
    await page.locator('.kind-stats a').first().waitFor();
    await page.locator('#recent-title').waitFor();
    await page.locator('section[aria-labelledby="recent-title"] .entity-list li').first().waitFor();
    await page.locator('section[aria-labelledby="problems-title"] .empty-state, section[aria-labelledby="problems-title"] table').first().waitFor();

    // My team: chosen once, remembered in this browser.
    await page.getByLabel('My team', { exact: true }).selectOption({ value: 'group:default/platform-team' });
    await page.locator('section[aria-labelledby="my-team-title"] .entity-list li').first().waitFor();
    await screenshot(page, 'home');
    await expectAccessible('home');
    await page.reload();
    await expect.poll(() => page.getByLabel('My team', { exact: true }).inputValue()).toBe('group:default/platform-team');

    // Instant search on the home page.
    await page.locator('#home-search-input').fill('chosen delivery slot');
    await page.locator('.home-search-results').getByRole('link', { name: 'Checkout service' }).waitFor();
  });

  it('search: Ctrl-K from any page, part of a description, opens the entity', async () => {
    await go('/catalog?kind=api');
    await page.locator('table.entity-table').waitFor();
    await page.keyboard.press('Control+k');
    const dialog = page.getByRole('dialog', { name: 'Search the catalog' });
    await dialog.waitFor();
    const input = dialog.getByRole('combobox');
    await expect.poll(() => input.evaluate(el => el === document.activeElement)).toBe(true);
    await input.fill('holds the chosen delivery');
    const option = dialog.getByRole('option').filter({ hasText: 'Checkout service' });
    await option.waitFor();
    await screenshot(page, 'search');
    await expectAccessible('search dialog');
    await expect.poll(() => dialog.getByRole('option').first().getAttribute('aria-selected')).toBe('true');
    // Arrow keys move through the results; Enter opens the highlighted one.
    const options = await dialog.getByRole('option').allTextContents();
    const index = options.findIndex(t => t.includes('Checkout service'));
    for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/catalog\/default\/component\/checkout-service$/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Checkout service');
    expect(await page.getByRole('dialog').count()).toBe(0);

    // Escape closes the palette; the Meta-K chord opens it too.
    await page.keyboard.press('Meta+k');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('explorer: facet counts, filters kept in the URL, sorting and cursor pages', async () => {
    await go('/catalog');
    const kindFacet = page.locator('fieldset[data-facet="kind"]');
    const componentRow = kindFacet.locator('li').filter({ hasText: /^Component/ });
    await componentRow.waitFor();
    const componentCount = Number((await componentRow.locator('.facet-count').textContent())!.replace(/\D/g, ''));
    expect(componentCount).toBeGreaterThan(10);
    await screenshot(page, 'explorer');
    await expectAccessible('explorer');

    await componentRow.locator('input').click();
    await page.waitForURL(/[?&]kind=Component/);
    await expect.poll(() => page.locator('.page-head p').textContent()).toContain(`${componentCount} entities match`);
    await expect.poll(async () => new Set(await page.locator('.entity-table tbody .kind-badge').allTextContents())).toEqual(new Set(['component']));

    // The type facet now counts components only; picking "service" narrows to exactly that count.
    const serviceRow = page.locator('fieldset[data-facet="type"] li').filter({ hasText: /^service\d/ });
    await serviceRow.waitFor();
    const serviceCount = Number((await serviceRow.locator('.facet-count').textContent())!.replace(/\D/g, ''));
    expect(serviceCount).toBeLessThanOrEqual(componentCount);
    await serviceRow.locator('input').click();
    await page.waitForURL(/[?&]type=service/);
    await expect.poll(() => page.locator('.page-head p').textContent()).toContain(`${serviceCount} entit`);

    // The view is in the URL: reloading (or sharing the link) shows the same filters.
    await page.reload();
    await expect.poll(() => page.locator('fieldset[data-facet="type"] li').filter({ hasText: /^service\d/ }).locator('input').isChecked()).toBe(true);
    await expect.poll(() => page.locator('.chips li').count()).toBe(2);

    // Sorting by name, descending.
    await page.getByRole('button', { name: /^Name/ }).click();
    await page.waitForURL(/dir=desc/);
    await expect.poll(() => page.locator('th[aria-sort="descending"]').count()).toBe(1);
    await expect
      .poll(async () => {
        const names = await page.locator('.entity-table tbody td.name-cell > a').allTextContents();
        return names.length > 1 && names[0]!.localeCompare(names[names.length - 1]!) > 0;
      })
      .toBe(true);

    // Cursor pagination over the whole catalog.
    await page.getByRole('button', { name: 'Clear all filters' }).click();
    await page.waitForURL(/\/catalog$/);
    await page.getByRole('button', { name: 'Next →' }).click();
    await page.waitForURL(/cursor=/);
    await expect.poll(() => page.locator('.pager').textContent()).toContain('Showing 26–50');
    const firstRow = page.locator('.entity-table tbody td.name-cell > a').first();
    const second = await firstRow.textContent();
    await page.getByRole('button', { name: '← Previous' }).click();
    await expect.poll(() => page.locator('.pager').textContent()).toContain('Showing 1–25');
    await expect.poll(() => firstRow.textContent()).not.toBe(second);
    await page.goBack();
    await expect.poll(() => firstRow.textContent()).toBe(second);
  });

  it('entity page: owner, APIs, dependencies and a laid-out relations graph', async () => {
    await go('/catalog/default/component/checkout-service');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Checkout service');
    const facts = page.locator('.header-facts');
    await expect.poll(() => facts.locator('div').filter({ hasText: /^Owner/ }).locator('a').textContent()).toBe('checkout-team');
    await expect.poll(() => page.locator('[data-relation="providesApi"]').textContent()).toContain('Checkout API');
    await expect.poll(() => page.locator('[data-relation="consumesApi"]').textContent()).toContain('Payments API');
    await expect.poll(() => page.locator('[data-relation="dependsOn"]').textContent()).toContain('Promotions engine');

    const graph = page.getByTestId('relations-graph');
    await graph.locator('.react-flow__node').first().waitFor();
    await expect.poll(() => graph.locator('.react-flow__node').count()).toBeGreaterThanOrEqual(8);
    await expect.poll(() => graph.locator('.react-flow__edge').count()).toBeGreaterThanOrEqual(8);
    // Layered: what the service needs sits right of it, what it provides and belongs to sits left.
    const x = async (name: string) => (await graph.locator('.react-flow__node').filter({ hasText: name }).first().boundingBox())!.x;
    const center = await x('Checkout service');
    expect(await x('Payments API')).toBeGreaterThan(center);
    expect(await x('Checkout API')).toBeLessThan(center);
    // Each edge's label sits beside the node it names, level with it, on the stretch only that edge draws.
    const placements = await graph.evaluate((root: PageElement) =>
      [...root.querySelectorAll('.graph-edge-label')].map(label => {
        const node = root.querySelector(`.react-flow__node[data-id="${CSS.escape(label.dataset.labelFor!)}"]`)!.getBoundingClientRect();
        const box = label.getBoundingClientRect();
        const middle = box.top + box.height / 2;
        const gap = box.left >= node.right ? box.left - node.right : node.left - box.right;
        return { label: `${label.textContent} → ${label.dataset.labelFor}`, level: middle > node.top && middle < node.bottom, gap };
      }),
    );
    expect(placements.length).toBeGreaterThanOrEqual(8);
    for (const p of placements) {
      expect(p.level, `${p.label} is level with its node`).toBe(true);
      expect(p.gap, `${p.label} sits just beside its node`).toBeGreaterThanOrEqual(0);
      expect(p.gap, `${p.label} sits just beside its node`).toBeLessThan(40);
    }
    await screenshot(page, 'entity');
    await expectAccessible('entity page');

    // Nodes are links.
    await graph.locator('.react-flow__node').filter({ hasText: 'Payments API' }).getByRole('link').click();
    await page.waitForURL(/\/catalog\/default\/api\/payments-api$/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Payments API');

    // Raw YAML and the problems tab.
    await go('/catalog/default/component/checkout-service/yaml');
    await expect.poll(() => page.locator('pre.code').textContent()).toContain('name: checkout-service');
    await go('/catalog/default/component/checkout-service/problems');
    await page.locator('.tab-body .empty-state, .tab-body table').first().waitFor();
  });

  it('teams and people pages list members, sub-groups and owned entities', async () => {
    await go('/catalog/default/group/platform-team');
    await page.locator('#members-title').waitFor();
    await expect.poll(() => page.locator('section[aria-labelledby="members-title"] .ref-card').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('section[aria-labelledby="owned-title"] .ref-card').count()).toBeGreaterThan(0);
    await screenshot(page, 'group');
    const member = page.locator('section[aria-labelledby="members-title"] .ref-card a').first();
    await member.click();
    await page.waitForURL(/\/catalog\/default\/user\//);
    await page.locator('#user-groups-title').waitFor();
    await expect.poll(() => page.locator('section[aria-labelledby="user-groups-title"]').textContent()).toContain('Platform');
    await screenshot(page, 'user');
  });

  it('API tab renders OpenAPI, AsyncAPI and GraphQL definitions', async () => {
    await go('/catalog/default/component/checkout-service/api');
    await page.locator('.tab-body').getByRole('link', { name: 'Checkout API' }).click();
    await page.waitForURL(/\/catalog\/default\/api\/checkout-api\/api$/);
    const openapi = page.getByTestId('openapi-rendered');
    await openapi.locator('.oa-op').first().waitFor({ timeout: 20_000 });
    await expect.poll(() => openapi.locator('.oa-path').allTextContents()).toContain('/sessions');
    // Operations open to their parameters and responses (under the server's strict Content-Security-Policy).
    await openapi.locator('.oa-op-summary').first().click();
    await openapi.locator('.oa-op[open] .oa-responses .oa-response').first().waitFor();
    await screenshot(page, 'api-openapi');

    await go('/catalog/default/api/order-events/api');
    const asyncapi = page.getByTestId('asyncapi-rendered');
    await asyncapi.getByText('Order events', { exact: false }).first().waitFor({ timeout: 20_000 });
    await expect.poll(() => asyncapi.textContent()).toMatch(/Operations/);
    expect(await asyncapi.textContent()).not.toMatch(/Error/);
    await screenshot(page, 'api-asyncapi');

    await go('/catalog/default/api/storefront-graphql/api');
    const graphql = page.getByTestId('graphql-rendered');
    await graphql.getByRole('heading', { name: 'Queries' }).waitFor({ timeout: 20_000 });
    expect(await graphql.locator('.gql-type').count()).toBeGreaterThan(3);
    expect(await graphql.locator('#gql-Storage').textContent()).toContain('CHILLED');
    await screenshot(page, 'api-graphql');

    // The source view shows the definition as written.
    await page.getByRole('button', { name: 'Source' }).click();
    await expect.poll(() => page.locator('pre.code').textContent()).toContain('schema {');
  });

  it('docs tab renders the Markdown docs with their navigation', async () => {
    await go('/catalog/default/component/checkout-service');
    await page.getByRole('navigation', { name: 'Entity sections' }).getByRole('link', { name: 'Docs' }).click();
    const content = page.getByTestId('docs-content');
    await content.locator('h1').first().waitFor();
    await screenshot(page, 'docs');
    await expectAccessible('docs');
    const firstTitle = await content.locator('h1').first().textContent();
    await page.locator('.docs-nav').getByRole('link', { name: 'Architecture' }).click();
    await page.waitForURL(/page=architecture\.md/);
    await expect.poll(() => content.locator('h1').first().textContent()).not.toBe(firstTitle);
    await expect.poll(() => page.locator('.docs-nav a[aria-current="page"]').textContent()).toBe('Architecture');
    // Markdown is sanitized: no script survives in the rendered page.
    expect(await content.locator('script').count()).toBe(0);

    // Relative links between pages stay in the portal and land on their heading.
    if (!external) {
      await page.locator('.docs-nav').getByRole('link', { name: 'Overview' }).click();
      await content.getByRole('link', { name: 'scaling for peaks' }).click();
      await page.waitForURL(/page=runbook\.md#scaling-for-peaks$/);
      await expect.poll(() => content.locator('h1').first().textContent()).toBe('Runbook');
      await expect.poll(() => page.locator('.docs-nav a[aria-current="page"]').textContent()).toBe('Runbook');
      expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
    }
  });

  it('edit: validation errors show next to the field; fixing the typo is saved', async () => {
    await go('/catalog/default/component/checkout-service/edit');
    const description = page.getByLabel('Description', { exact: true });
    await description.waitFor();
    const original = await description.inputValue();
    expect(original).toContain('Recieves');
    // Every field is named by its own label (the heading once shared the Title input's id, leaving it unnamed).
    expect(await page.getByLabel('Title', { exact: true }).evaluate(element => (element as { tagName: string }).tagName)).toBe('INPUT');

    // An invalid value comes back as a 422 problem whose errors sit next to their fields.
    const lifecycle = page.getByLabel('Lifecycle', { exact: true });
    await lifecycle.fill('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const invalid = page.locator('.field.invalid');
    await invalid.first().waitFor();
    await expect.poll(() => invalid.first().locator('.field-errors').textContent()).toBeTruthy();
    await expect.poll(() => lifecycle.getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'edit-invalid');
    await expectAccessible('edit form with errors');
    await page.getByRole('button', { name: 'Discard' }).click();

    await description.fill(original.replace('Recieves', 'Receives'));
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('.success-state').waitFor();

    await page.reload();
    await go('/catalog/default/component/checkout-service');
    const shown = page.getByTestId('entity-description');
    await expect.poll(() => shown.textContent()).toContain('Receives the customer');
    expect(await shown.textContent()).not.toContain('Recieves');
    // Search sees the fix too.
    const found = (await (await apiGet('/api/search?q=receives')).json()) as { results: { entityRef: string }[] };
    expect(found.results.map(r => r.entityRef)).toContain('component:default/checkout-service');
  });

  it('register: a dry-run preview first, then the location is registered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pave-register-'));
    try {
      const file = join(dir, 'catalog-info.yaml');
      writeFileSync(
        file,
        [
          'apiVersion: backstage.io/v1alpha1',
          'kind: Component',
          'metadata:',
          '  name: browser-test-widget',
          '  description: A widget registered by the browser test.',
          'spec:',
          '  type: service',
          '  lifecycle: experimental',
          '  owner: platform-team',
          '',
        ].join('\n'),
      );
      await go('/register');
      await page.getByLabel('Location', { exact: true }).fill(file);
      await page.getByRole('button', { name: 'Preview' }).click();
      const preview = page.getByTestId('location-preview');
      await preview.waitFor();
      await expect.poll(() => preview.textContent()).toContain('browser-test-widget');
      expect(await preview.textContent()).toContain('dry run');
      await screenshot(page, 'register-preview');
      await expectAccessible('register');
      // A preview saves nothing.
      expect((await apiGet('/api/catalog/entities/by-name/component/default/browser-test-widget')).status()).toBe(404);

      await page.getByRole('button', { name: 'Register', exact: true }).click();
      const done = page.getByTestId('location-registered');
      await done.waitFor();
      await done.getByRole('link', { name: 'browser-test-widget' }).click();
      await page.waitForURL(/\/catalog\/default\/component\/browser-test-widget$/);
      await expect.poll(() => page.getByTestId('entity-description').textContent()).toContain('registered by the browser test');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('themes: follows the system, toggles and remembers; works on a phone-sized screen', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await go('/');
    await page.evaluate(() => localStorage.removeItem('pave.theme'));
    await page.reload();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.locator('section[aria-labelledby="recent-title"] .entity-list li').first().waitFor();
    await screenshot(page, 'home-dark');
    await expectAccessible('home (dark)');
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await page.reload();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await go('/catalog/default/component/checkout-service');
    await page.getByTestId('relations-graph').locator('.react-flow__node').first().waitFor();
    await screenshot(page, 'entity-dark');
    // Every API renderer follows the theme: nothing inside a rendered definition has a light background.
    for (const [path, testId] of [['/catalog/default/api/checkout-api/api', 'openapi-rendered'], ['/catalog/default/api/order-events/api', 'asyncapi-rendered'], ['/catalog/default/api/storefront-graphql/api', 'graphql-rendered']] as const) {
      await go(path);
      const rendered = page.getByTestId(testId);
      await rendered.waitFor({ timeout: 20_000 });
      if (testId === 'openapi-rendered') await rendered.locator('.oa-op-summary').first().click();
      const light = await rendered.evaluate((root: PageElement) =>
        [root, ...root.querySelectorAll('*')]
          .map(el => ({ el, rgb: getComputedStyle(el).backgroundColor.match(/[\d.]+/g)?.map(Number) ?? [] }))
          .filter(({ rgb }) => rgb.length >= 3 && (rgb[3] ?? 1) > 0.5 && (0.2126 * rgb[0]! + 0.7152 * rgb[1]! + 0.0722 * rgb[2]!) / 255 > 0.7)
          .map(({ el }) => `${el.tagName.toLowerCase()}.${el.className}`),
      );
      expect(light, `light blocks in the dark theme on ${path}`).toEqual([]);
    }
    await screenshot(page, 'api-openapi-dark');
    await page.evaluate(() => localStorage.removeItem('pave.theme'));
    await page.emulateMedia({ colorScheme: 'light' });

    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await go('/catalog');
      await page.locator('table.entity-table').waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, 'the page scrolls sideways on a phone').toBeLessThanOrEqual(0);
      await screenshot(page, 'explorer-mobile');
    } finally {
      await page.setViewportSize({ width: 1360, height: 900 });
    }
  });

  it('unknown pages and entities say what to do next', async () => {
    await go('/no/such/page');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Page not found');
    await go('/catalog/default/component/does-not-exist');
    await expect.poll(() => page.locator('.empty-state').textContent()).toContain('No component named');
    expect(await page.getByRole('link', { name: /Search the catalog for/ }).count()).toBe(1);
  });
});
