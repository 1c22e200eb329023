/**
 * The delivery pages in Debian's Chromium, reached by URL: the dashboard for the organisation and for one
 * team (bands, charts, adoption, unmapped events), adoption week by week, and a component's Delivery tab with its deployments
 * and pull requests.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { defaultAuthConfig } from '../../src/auth/auth-config.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { seedOrg } from '../auth/support.js';
import { browserAvailable, ensurePortalBuilt, formatViolations, launchBrowser, screenshot, seriousAxeViolations, signInBrowserAs, type BrowserSession } from '../support/browser.js';

const DAY = 86_400_000;

describe.skipIf(!browserAvailable)('delivery pages in Chromium', { timeout: 90_000 }, () => {
  let pave: RunningPave;
  let session: BrowserSession;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    await ensurePortalBuilt();
    pave = await startPave({ config: { auth: defaultAuthConfig() } });
    await seedOrg(pave.app.catalog);
    // payments (checkout-team): a deployment every other day for 20 days, each shipping a commit made 5 h before,
    // one failure recovered 2 h later; infra (platform-team): one deployment; one event for a repository no component has.
    const at = (daysAgo: number, hours = 0) => new Date(Date.now() - daysAgo * DAY + hours * 3_600_000).toISOString();
    const events: unknown[] = [];
    for (let d = 2; d <= 20; d += 2) {
      events.push({ id: `c-${d}`, type: 'change', at: at(d, -5), entity: 'component:default/payments', sha: `abc${String(d).padStart(5, '0')}` });
      events.push({ id: `d-${d}`, type: 'deployment', at: at(d), entity: 'component:default/payments', environment: 'production', status: 'success', sha: `abc${String(d).padStart(5, '0')}` });
    }
    // One pull request of payments: opened 8 h before deployment d-4, its commit made 5 h before it, merged 3 h before it.
    const pullRequest = { type: 'change', kind: 'pull-request', entity: 'component:default/payments', pullRequest: 'acme/payments#7', title: 'Card wallet', commits: ['abc00004'] };
    events.push({ ...pullRequest, id: 'pr-7-opened', at: at(4, -8), status: 'opened' }, { ...pullRequest, id: 'pr-7-merged', at: at(4, -3), status: 'merged', sha: 'abc00004' });
    events.push({ id: 'f-1', type: 'deployment', at: at(3), entity: 'component:default/payments', environment: 'production', status: 'failure' });
    events.push({ id: 'i-1', type: 'deployment', at: at(5), entity: 'component:default/infra', environment: 'production', status: 'success' });
    events.push({ id: 'u-1', type: 'deployment', at: at(5), target: { annotation: 'github.com/project-slug', value: 'acme/orphan' }, environment: 'production', status: 'success' });
    await pave.app.delivery.ingest(pave.app.auth.localOperator(), events);
    session = await launchBrowser();
    page = await session.newPage();
    page.on('pageerror', e => pageErrors.push(e.message));
    await signInBrowserAs(session, pave, 'user:default/bob');
  }, 180_000);

  afterAll(async () => {
    await session?.close();
    await pave?.close();
  });
  beforeEach(() => {
    pageErrors = [];
  });
  afterEach(() => {
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
  });

  const card = (metric: string) => page.locator(`.dora-card[data-metric="${metric}"]`);

  it('shows the organisation: five metrics with bands, deployments per component, adoption and unmapped events', async () => {
    await page.goto(`${pave.url}/delivery`);
    await expect.poll(() => page.getByTestId('dora-scope').textContent()).toContain('Organisation');
    await expect.poll(() => card('deployment-frequency').textContent()).toContain('11 production deployments');
    expect(await card('lead-time').locator('.band').textContent()).toBe('elite');
    expect(await card('change-failure-rate').textContent()).toContain('1 of 12 deployments');
    expect(await card('rework-rate').locator('.band').textContent()).toBe('no band');
    expect(await page.locator('.bar-row').first().textContent()).toContain('payments');
    await expect.poll(() => page.getByTestId('adoption').textContent()).toContain('2 of');
    expect(await page.getByTestId('adoption').textContent()).toMatch(/Platform requests0 applied, 0 Ready.*Teams onboarded\d+/);
    await expect.poll(() => page.getByTestId('unmapped').textContent()).toContain('acme/orphan');
    // DORA week by week: a line chart per metric, and the weekly deployments adding up to the window's 11.
    for (const trend of ['deployments', 'lead-time', 'failures', 'recovery']) await expect.poll(() => page.locator(`[data-trend="${trend}"] [data-ready="true"]`).count(), { message: trend }).toBe(1);
    const weekly = page.getByRole('region', { name: 'Delivery week by week' });
    const deploymentsColumn = (await weekly.locator('thead th').allTextContents()).indexOf('Production deployments');
    const perWeek = await weekly.locator('tbody tr').evaluateAll((rows, column) => rows.map(row => Number(row.children[column]!.textContent)), deploymentsColumn);
    expect(perWeek.reduce((sum, n) => sum + n, 0)).toBe(11);
    await screenshot(page, 'delivery-dashboard');
    const violations = await seriousAxeViolations(page);
    expect(violations, formatViolations(violations)).toEqual([]);
  });

  it('shows adoption week by week: a line chart per trend and a table of the same figures, for the window chosen', async () => {
    await page.goto(`${pave.url}/delivery?window=30d`);
    await page.getByRole('link', { name: 'Adoption week by week' }).click();
    await expect.poll(() => page.url()).toBe(`${pave.url}/delivery/adoption?window=30d`);
    for (const trend of ['people', 'golden-paths', 'components', 'requests']) {
      await expect.poll(() => page.locator(`[data-trend="${trend}"] [data-ready="true"]`).count(), { message: trend }).toBe(1);
      expect(await page.locator(`[data-trend="${trend}"] svg path`).count(), trend).toBeGreaterThan(0);
    }
    const expected = await page.evaluate(async () => (await (await fetch('/api/delivery/adoption?window=30d')).json()) as { newComponentsByWeek: Array<{ week: string; created: number }> });
    const thisWeek = expected.newComponentsByWeek.at(-1)!;
    expect(thisWeek.created).toBeGreaterThan(0);
    const rows = page.getByRole('region', { name: 'Adoption week by week' }).locator('tbody tr');
    expect(await rows.count()).toBe(expected.newComponentsByWeek.length);
    const column = (await page.getByRole('region', { name: 'Adoption week by week' }).locator('thead th').allTextContents()).indexOf('New components: created');
    expect(await rows.last().locator('th, td').nth(column).textContent()).toBe(String(thisWeek.created));
    expect(await rows.last().locator('th').textContent()).toBe(thisWeek.week);
    await screenshot(page, 'delivery-adoption');
    const violations = await seriousAxeViolations(page);
    expect(violations, formatViolations(violations)).toEqual([]);

    await page.getByLabel('Window', { exact: true }).selectOption('7d');
    await expect.poll(() => page.url()).toBe(`${pave.url}/delivery/adoption?window=7d`);
    await expect.poll(() => rows.count()).toBeLessThanOrEqual(2);
    await expect.poll(() => page.locator('[data-trend="requests"] [data-ready="true"]').count()).toBe(1);
  });

  it('narrows to one team and window from the URL', async () => {
    await page.goto(`${pave.url}/delivery?team=group:default/platform-team&window=90d`);
    await expect.poll(() => page.getByTestId('dora-scope').textContent()).toMatch(/platform-team: 1 component\(s\), 90 days/);
    await expect.poll(() => card('deployment-frequency').textContent()).toContain('1 production deployments');
    expect(await page.getByLabel('Window').inputValue()).toBe('90d');
  });

  it("shows a component's Delivery tab with its deployments and its pull requests' lead times", async () => {
    await page.goto(`${pave.url}/catalog/default/component/payments/delivery`);
    await expect.poll(() => page.getByTestId('deployments').locator('tbody tr').count()).toBe(11);
    expect(await page.getByTestId('deployments').locator('tbody tr').nth(0).textContent()).toContain('success');
    expect(await page.getByTestId('deployments').textContent()).toContain('failure');
    expect(await card('recovery-time').textContent()).toContain('1 of 1 failures recovered');
    // Its pull request: opened → merged (5 h) → deployed (3 h later), 8 h in all.
    await expect.poll(() => page.getByTestId('pull-requests').locator('tbody tr').count()).toBe(1);
    expect(await page.getByTestId('pull-request-summary').textContent()).toBe('1 merged, 1 deployed to production; median 5 h to merge, 3 h from merge to production, 8 h lead time.');
    expect(await page.getByTestId('pull-requests').locator('tbody tr').textContent()).toContain('acme/payments#7');
    await screenshot(page, 'delivery-tab');
    const violations = await seriousAxeViolations(page);
    expect(violations, formatViolations(violations)).toEqual([]);
  });

  it('lets the platform team map an unmapped key to a component (the server names a wrong one); others get no form', async () => {
    await page.goto(`${pave.url}/delivery`);
    await expect.poll(() => page.getByTestId('unmapped').textContent()).toContain('acme/orphan');
    expect(await page.getByLabel('Component for acme/orphan').count()).toBe(0);

    await signInBrowserAs(session, pave, 'user:default/alice');
    await page.goto(`${pave.url}/delivery`);
    const input = page.getByLabel('Component for acme/orphan');
    await input.fill('component:default/nowhere');
    await page.getByRole('button', { name: 'Map' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('names no entity in the catalog');
    await input.fill('component:default/infra');
    await page.getByRole('button', { name: 'Map' }).click();
    await expect.poll(() => page.locator('#unmapped-title + p').textContent()).toContain('acme/orphan: 1 event(s) attributed.');
    await expect.poll(() => card('deployment-frequency').textContent()).toContain('12 production deployments');
    const violations = await seriousAxeViolations(page);
    expect(violations, formatViolations(violations)).toEqual([]);
  });
});
