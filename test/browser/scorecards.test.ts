/**
 * Scorecards in Debian's Chromium over the demo organisation: the Scorecards list, the production-readiness
 * overview with its trend chart (everyone's and one team's) and entities per level, and an entity's Scorecards tab with each rule's status and a "Fix it"
 * link that opens the golden path prefilled with values from the entity, and a campaign's page. Pages are
 * opened by URL.
 * Screenshots go to test-output/screenshots/scorecards-*.png.
 */
import { describe, expect, it } from 'vitest';
import { startPave } from '../support/pave-server.js';
import { browserAvailable, formatViolations, portalSuite, screenshot, seriousAxeViolations } from '../support/browser.js';

describe.skipIf(!browserAvailable)('scorecards pages in Chromium', { timeout: 90_000 }, () => {
  let base: string;
  const suite = portalSuite(
    async () => {
      const pave = await startPave({ demo: true });
      await pave.app.eventConsumers.drain();
      base = pave.url.replace(/\/$/, '');
      return pave;
    },
    { noPageErrorsInEachTest: true },
  );

  it('shows a campaign: progress, what is left per team and the exemptions', async () => {
    await suite.page.goto(`${base}/scorecards`);
    await suite.page.getByRole('region', { name: 'Campaigns' }).getByRole('link', { name: 'Every production service silver by March' }).waitFor();
    await suite.page.goto(`${base}/scorecards/campaigns/default/silver-by-march`);
    await suite.page.getByRole('heading', { name: 'Every production service silver by March', level: 1 }).waitFor();
    const teams = suite.page.getByRole('region', { name: 'Per team' });
    await teams.locator('tbody tr').first().waitFor();
    expect(await teams.locator('tbody tr').count()).toBeGreaterThan(3);
    expect(await suite.page.getByRole('region', { name: 'Exemptions' }).textContent()).toContain('component:default/van-telematics-ingest');
    expect(await suite.page.getByRole('region', { name: 'Progress' }).textContent()).toMatch(/\d+ of \d+ done/);
    // The burn-up, drawn by ECharts as SVG: the done line, the target line and their legend.
    const chart = suite.page.getByTestId('burnup-chart');
    await chart.locator('svg path').first().waitFor({ state: 'attached' });
    expect(await chart.locator('svg').textContent()).toMatch(/Done[\s\S]*Target/);
    await screenshot(suite.page, 'scorecards-campaign');
    const violations = await seriousAxeViolations(suite.page);
    expect(violations, formatViolations(violations)).toEqual([]);
  });

  it('shows on a team’s page its services per level and what it has left in each campaign', async () => {
    const campaign = (await (await fetch(`${base}/api/scorecards/campaigns/default/silver-by-march`)).json()) as { progress: { teams: Array<{ owner: string; left: number }> } };
    const team = campaign.progress.teams.find(entry => entry.left > 0 && entry.owner.startsWith('group:'))!;
    const [namespace, name] = team.owner.slice('group:'.length).split('/') as [string, string];
    await suite.page.goto(`${base}/catalog/${namespace}/group/${name}`);
    const section = suite.page.getByRole('region', { name: 'Scorecards' });
    await section.getByRole('link', { name: 'Production readiness' }).waitFor();
    const text = await section.textContent();
    expect(text).toMatch(/Production readiness: \d+ entit(y|ies) —/);
    expect(text).toMatch(new RegExp(`Every production service silver by March: ${team.left} of \\d+ left, \\d+ rules? to fix before \\d{4}-\\d{2}-\\d{2}`));
    await screenshot(suite.page, 'scorecards-team');
    const violations = await seriousAxeViolations(suite.page);
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

    await suite.page.goto(`${base}/scorecards`);
    const link = suite.page.getByRole('link', { name: 'Production readiness' });
    await link.waitFor();
    await screenshot(suite.page, 'scorecards-list');
    const violationsList = await seriousAxeViolations(suite.page);
    expect(violationsList, formatViolations(violationsList)).toEqual([]);

    await suite.page.goto(`${base}/scorecards/default/production-readiness`);
    await suite.page.getByRole('heading', { name: 'Production readiness', level: 1 }).waitFor();
    const first = [...levels][0]!;
    await suite.page.getByRole('region', { name: `Level ${first}` }).waitFor();
    expect(await suite.page.getByRole('region', { name: /^Level / }).count()).toBe(levels.size);
    // The trend, drawn by ECharts as SVG: a stacked series per level and the mean score, said in words too.
    const trend = suite.page.getByRole('region', { name: 'Trend' });
    const chart = trend.getByTestId('trend-chart');
    await chart.locator('svg path').first().waitFor({ state: 'attached' });
    expect(await chart.locator('svg').textContent()).toMatch(/unranked[\s\S]*bronze[\s\S]*gold[\s\S]*Mean score/);
    expect(await trend.getByTestId('trend-summary').textContent()).toMatch(/^Today: \d+ (bronze|silver|gold|unranked)/);
    await screenshot(suite.page, 'scorecards-overview');
    const violationsOverview = await seriousAxeViolations(suite.page);
    expect(violationsOverview, formatViolations(violationsOverview)).toEqual([]);
    // One team's trend when the page is narrowed to the team.
    const select = suite.page.getByRole('combobox', { name: 'Team' });
    const owner = (await select.locator('option').nth(1).getAttribute('value'))!;
    await select.selectOption(owner);
    await trend.getByRole('heading', { name: `Last 90 days for ${owner}` }).waitFor();

    const [kind, rest] = undocumented.entity.split(':') as [string, string];
    const [namespace, name] = rest.split('/') as [string, string];
    await suite.page.goto(`${base}/catalog/${namespace}/${kind}/${name}/scorecards`);
    const row = suite.page.locator('tr[data-rule="documented"]');
    await row.waitFor();
    expect(await row.textContent()).toMatch(/✗ fail[\s\S]*Has docs/);
    expect(await suite.page.locator('tr[data-rule="owned-by-team"]').textContent()).toMatch(/✓ pass|✗ fail/);
    await screenshot(suite.page, 'scorecards-entity-tab');
    const violationsTab = await seriousAxeViolations(suite.page);
    expect(violationsTab, formatViolations(violationsTab)).toEqual([]);

    await row.getByRole('link', { name: 'Fix it' }).click();
    await suite.page.waitForURL(/\/create\/templates\/default\/docs-site\?values=/);
    await suite.page.getByRole('heading', { name: 'About the site' }).waitFor();
    const nameField = suite.page.getByRole('textbox', { name: /^Name\b/ });
    await nameField.waitFor();
    await expect.poll(() => nameField.inputValue()).toBe(`${name}-docs`);
  });
});
