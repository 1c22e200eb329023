/**
 * Scorecards in Debian's Chromium over the demo organisation: the Scorecards list, the production-readiness
 * overview with entities per level, and an entity's Scorecards tab with each rule's status and a "Fix it"
 * link that opens the golden path prefilled with values from the entity, and a campaign's page. Pages are
 * opened by URL.
 * Screenshots go to test-output/screenshots/scorecards-*.png.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { browserAvailable, ensurePortalBuilt, formatViolations, launchBrowser, screenshot, seriousAxeViolations, type BrowserSession } from '../support/browser.js';

describe.skipIf(!browserAvailable)('scorecards pages in Chromium', { timeout: 90_000 }, () => {
  let pave: RunningPave;
  let session: BrowserSession;
  let page: Page;
  let base: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensurePortalBuilt();
    pave = await startPave({ demo: true });
    await pave.app.eventConsumers.drain();
    base = pave.url.replace(/\/$/, '');
    session = await launchBrowser();
    page = await session.newPage();
    page.on('pageerror', e => pageErrors.push(e.message));
  }, 180_000);

  afterAll(async () => {
    await session?.close();
    await pave?.close();
  });

  afterEach(() => {
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
  });

  it('shows a campaign: progress, what is left per team and the exemptions', async () => {
    await page.goto(`${base}/scorecards`);
    await page.getByRole('region', { name: 'Campaigns' }).getByRole('link', { name: 'Every production service silver by March' }).waitFor();
    await page.goto(`${base}/scorecards/campaigns/default/silver-by-march`);
    await page.getByRole('heading', { name: 'Every production service silver by March', level: 1 }).waitFor();
    const teams = page.getByRole('region', { name: 'Per team' });
    await teams.locator('tbody tr').first().waitFor();
    expect(await teams.locator('tbody tr').count()).toBeGreaterThan(3);
    expect(await page.getByRole('region', { name: 'Exemptions' }).textContent()).toContain('component:default/van-telematics-ingest');
    expect(await page.getByRole('region', { name: 'Progress' }).textContent()).toMatch(/\d+ of \d+ done/);
    await screenshot(page, 'scorecards-campaign');
    const violations = await seriousAxeViolations(page);
    expect(violations, formatViolations(violations)).toEqual([]);
  });

  it('lists scorecards, shows the demo scorecard’s entities per level, and an entity’s rules with a Fix it link', async () => {
    const detail = (await (await fetch(`${base}/api/scorecards/by-name/default/production-readiness`)).json()) as {
      results: Array<{ entity: string; level?: string; rules: Array<{ id: string; status: string; fix?: { template: string; values: Record<string, string> } }> }>;
    };
    const levels = new Set(detail.results.map(result => result.level ?? 'unranked'));
    expect(levels.size, 'the demo has varied results').toBeGreaterThanOrEqual(2);
    const undocumented = detail.results.find(result => result.rules.some(rule => rule.id === 'documented' && rule.status === 'fail'))!;
    expect(undocumented).toBeDefined();

    await page.goto(`${base}/scorecards`);
    const link = page.getByRole('link', { name: 'Production readiness' });
    await link.waitFor();
    await screenshot(page, 'scorecards-list');
    const violationsList = await seriousAxeViolations(page);
    expect(violationsList, formatViolations(violationsList)).toEqual([]);

    await page.goto(`${base}/scorecards/default/production-readiness`);
    await page.getByRole('heading', { name: 'Production readiness', level: 1 }).waitFor();
    const first = [...levels][0]!;
    await page.getByRole('region', { name: `Level ${first}` }).waitFor();
    expect(await page.getByRole('region', { name: /^Level / }).count()).toBe(levels.size);
    await screenshot(page, 'scorecards-overview');
    const violationsOverview = await seriousAxeViolations(page);
    expect(violationsOverview, formatViolations(violationsOverview)).toEqual([]);

    const [kind, rest] = undocumented.entity.split(':') as [string, string];
    const [namespace, name] = rest.split('/') as [string, string];
    await page.goto(`${base}/catalog/${namespace}/${kind}/${name}/scorecards`);
    const row = page.locator('tr[data-rule="documented"]');
    await row.waitFor();
    expect(await row.textContent()).toMatch(/✗ fail[\s\S]*Has docs/);
    expect(await page.locator('tr[data-rule="owned-by-team"]').textContent()).toMatch(/✓ pass|✗ fail/);
    await screenshot(page, 'scorecards-entity-tab');
    const violationsTab = await seriousAxeViolations(page);
    expect(violationsTab, formatViolations(violationsTab)).toEqual([]);

    await row.getByRole('link', { name: 'Fix it' }).click();
    await page.waitForURL(/\/create\/templates\/default\/docs-site\?values=/);
    await page.getByRole('heading', { name: 'About the site' }).waitFor();
    const nameField = page.getByRole('textbox', { name: /^Name\b/ });
    await nameField.waitFor();
    await expect.poll(() => nameField.inputValue()).toBe(`${name}-docs`);
  });
});
