/**
 * Template upgrades in Chromium: from the gallery, "Upgrades" lists the repositories made from a golden
 * path whose template changed, by template, with the version they came from and the template's now;
 * "Open upgrade" merges the change into one and shows its review branch. The page is axe-clean.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startPave } from '../support/pave-server.js';
import { runGit } from '../../src/git/run-git.js';
import { fileAt, registerTemplate, TESTER, waitForTask, writeTree } from '../templates/support.js';
import { refreshTemplate, writeUpgradableTemplate } from '../templates/upgradable-template.js';
import { browserAvailable, formatViolations, portalSuite, seriousAxeViolations } from '../support/browser.js';

describe.skipIf(!browserAvailable)('template upgrades in Chromium', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'pave-upgrades-browser-'));
  const suite = portalSuite(() => startPave(), { noPageErrorsInEachTest: true });

  beforeAll(async () => {
    await writeTree(join(dir, 'skeleton'), { 'README.md': '# ${{ values.name }}\n' });
    await writeUpgradableTemplate(dir, { name: 'upgradable', version: '1.0', owner: 'platform-team' });
    const ref = await registerTemplate(suite.pave.app, join(dir, 'template.yaml'));
    const { id } = await suite.pave.app.templates.createTask({ templateRef: ref, values: { name: 'orders' } }, TESTER);
    expect((await waitForTask(suite.pave.app, id)).status).toBe('completed');
    await writeUpgradableTemplate(dir, { name: 'upgradable', version: '1.1', owner: 'platform-team' });
    await writeTree(join(dir, 'skeleton'), { 'README.md': '# ${{ values.name }}\n\nRun it with npm start.\n' });
    await refreshTemplate(suite.pave.app, ref);
  });

  it('lists the repository behind its template and opens its upgrade', async () => {
    const { page } = suite;
    await page.goto(`${suite.pave.url}/create`);
    await page.getByRole('link', { name: 'Upgrades', exact: true }).click();
    await page.waitForURL(/\/create\/upgrades$/);
    const row = page.locator('tr[data-behind="true"]');
    await row.waitFor();
    await expect.poll(() => row.locator('td').nth(1).textContent()).toMatch(/1\.0\s*→ 1\.1/);
    expect(await page.locator('section[aria-label="Repositories from upgradable"]').getByText('1 of 1 behind').count()).toBe(1);
    const violations = await seriousAxeViolations(page);
    expect(violations, formatViolations(violations)).toEqual([]);

    await row.getByRole('button', { name: 'Open upgrade' }).click();
    const outcome = row.locator('[data-outcome="clean"]');
    await outcome.waitFor();
    expect(await outcome.getByRole('link', { name: 'pave/upgrade-upgradable-1.1' }).getAttribute('href')).toMatch(/\/repositories\/platform-team\/orders\?ref=pave%2Fupgrade-upgradable-1\.1$/);
    expect(await fileAt(join(suite.pave.dataDir, 'git', 'platform-team', 'orders.git'), 'README.md', 'pave/upgrade-upgradable-1.1')).toContain('npm start');

    // Still behind while the review is open; the list shows it open, with no second button.
    await page.reload();
    await row.locator('[data-review="open"]').waitFor();
    expect(await row.getByRole('button', { name: 'Open upgrade' }).count()).toBe(0);
    // The branch merged into main: once Pave has looked, the repository is at 1.1 and shown as merged.
    const bare = join(suite.pave.dataDir, 'git', 'platform-team', 'orders.git');
    await runGit(['--git-dir', bare, 'update-ref', 'refs/heads/main', 'refs/heads/pave/upgrade-upgradable-1.1']);
    const [record] = await suite.pave.app.templates.upgrades.list({});
    expect(await suite.pave.app.templates.upgrades.checkReview(record!.id)).toBe('merged');
    // The box follows the URL (?show=all), which the router updates after the click: wait for that state.
    await page.getByRole('checkbox', { name: /Show up-to-date/ }).click();
    await page.waitForURL(/[?&]show=all\b/);
    const merged = page.locator('tr[data-behind="false"]');
    await merged.locator('[data-review="merged"]').waitFor();
    expect(await merged.locator('[data-review="merged"]').textContent()).toMatch(/Merged\s*1\.1/);
  });
});
