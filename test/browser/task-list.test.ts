/**
 * Golden-path tasks in Chromium: `/create/tasks` (reached from the gallery) lists a person's own tasks with
 * their state, filtered by state and template in the URL; "anyone" adds only what the server lets them read,
 * which for an admin is everyone's. A task's "Next steps" text shows as Markdown, sanitized.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Entity } from '../../src/core/entity.js';
import { defaultAuthConfig } from '../../src/auth/auth-config.js';
import { bearer, seedOrg, ORG, tokenFor } from '../auth/support.js';
import { startPave } from '../support/pave-server.js';
import { waitForTask } from '../templates/support.js';
import { browserAvailable, formatViolations, portalSuite, seriousAxeViolations, signInBrowserAs } from '../support/browser.js';

const template = (name: string, title: string, steps: unknown[], output: Record<string, unknown> = {}): Entity => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name, title },
  spec: { owner: 'group:default/platform-team', type: 'service', parameters: [], steps, output },
});
const NEXT_STEPS = template('next-steps', 'Next steps demo', [{ id: 'say', name: 'Say', action: 'debug:log', input: { message: 'hello' } }], {
  text: [{ title: 'Next steps', content: 'Run **npm test**, then read [the guide](https://example.test/guide).\n\n<img src="x" alt="A diagram" onerror="window.__injected = true">' }],
});
const FETCH_MISSING = template('fetch-missing', 'Fetch missing', [{ id: 'fetch', name: 'Fetch', action: 'catalog:fetch', input: { entityRef: 'component:default/nowhere' } }]);

describe.skipIf(!browserAvailable)('golden-path tasks in Chromium', { timeout: 120_000 }, () => {
  const suite = portalSuite(async () => {
    const pave = await startPave({ config: { auth: defaultAuthConfig() } });
    await seedOrg(pave.app.catalog, [...ORG, NEXT_STEPS, FETCH_MISSING]);
    return pave;
  });
  const made = new Map<string, string>();

  beforeAll(async () => {
    const run = async (who: string, templateRef: string, status: string) => {
      const created = await fetch(`${suite.pave.url}/api/scaffolder/v2/tasks`, {
        method: 'POST',
        headers: { ...bearer(await tokenFor(suite.pave.app, `user:default/${who}`)), 'content-type': 'application/json' },
        body: JSON.stringify({ templateRef, values: {} }),
      });
      if (created.status !== 201) throw new Error(`creating a task answered ${created.status}`);
      const { id } = (await created.json()) as { id: string };
      if ((await waitForTask(suite.pave.app, id)).status !== status) throw new Error(`task of ${templateRef} did not end ${status}`);
      made.set(`${who} ${templateRef}`, id);
    };
    await run('bob', 'template:default/next-steps', 'completed');
    await run('bob', 'template:default/fetch-missing', 'failed');
    await run('carol', 'template:default/next-steps', 'completed');
  });

  const rows = () => suite.page.locator('.tpl-task-table tbody tr');
  const rowStates = async () => (await rows().evaluateAll(trs => trs.map(tr => `${tr.getAttribute('data-task')} ${tr.getAttribute('data-status')}`))).sort();
  async function expectAccessible(what: string) {
    const violations = await seriousAxeViolations(suite.page);
    expect(violations, `axe on ${what}:\n${formatViolations(violations)}`).toEqual([]);
  }

  it('lists my tasks with their state, filters them by state and template, and opens one with its Next steps as Markdown', async () => {
    await signInBrowserAs(suite.session, suite.pave, 'user:default/bob');
    const { page } = suite;
    await page.goto(`${suite.pave.url}/create`);
    await page.getByRole('link', { name: 'Tasks', exact: true }).click();
    await page.waitForURL(/\/create\/tasks$/);
    await page.getByRole('heading', { level: 1, name: 'Tasks' }).waitFor();
    const bobs = [`${made.get('bob template:default/fetch-missing')} failed`, `${made.get('bob template:default/next-steps')} completed`].sort();
    await expect.poll(rowStates).toEqual(bobs);
    await expectAccessible('the task list');

    // Anyone: bob may read only his own tasks, so carol's stays out.
    await page.getByLabel('Created by').selectOption('all');
    await page.waitForURL(/who=all/);
    await expect.poll(rowStates).toEqual(bobs);

    await page.getByLabel('State').selectOption('failed');
    await page.waitForURL(/state=failed/);
    await expect.poll(rowStates).toEqual([`${made.get('bob template:default/fetch-missing')} failed`]);
    await page.getByLabel('State').selectOption('');
    await page.getByLabel('Template').selectOption({ label: 'Next steps demo' });
    await page.waitForURL(/template=template%3Adefault%2Fnext-steps/);
    await expect.poll(rowStates).toEqual([`${made.get('bob template:default/next-steps')} completed`]);
    await page.getByLabel('State').selectOption('cancelled');
    await page.getByText('No tasks match.').waitFor();
    await expectAccessible('the task list with nothing to show');
    await page.getByLabel('State').selectOption('');

    await page.getByRole('link', { name: `Task ${made.get('bob template:default/next-steps')}` }).click();
    await page.locator('.tpl-task[data-task-status="completed"]').waitFor();
    const text = page.locator('.tpl-text');
    await expect.poll(() => text.locator('strong').textContent()).toBe('npm test');
    expect(await text.getByRole('link', { name: 'the guide' }).getAttribute('href')).toBe('https://example.test/guide');
    // Sanitized: the image stays, its handler does not.
    expect(await text.locator('img').getAttribute('onerror')).toBeNull();
    expect(await page.evaluate(() => (globalThis as { __injected?: boolean }).__injected)).toBeUndefined();
    await expectAccessible('a task with its Next steps');
    await page.getByRole('link', { name: 'Tasks', exact: true }).click();
    await page.waitForURL(/\/create\/tasks$/);
    expect(suite.pageErrors).toEqual([]);
  });

  it("shows an admin everyone's tasks, by URL", async () => {
    await signInBrowserAs(suite.session, suite.pave, 'user:default/alice');
    await suite.page.goto(`${suite.pave.url}/create/tasks?who=all&template=template%3Adefault%2Fnext-steps`);
    await expect
      .poll(rowStates)
      .toEqual([`${made.get('bob template:default/next-steps')} completed`, `${made.get('carol template:default/next-steps')} completed`].sort());
    await expect.poll(() => rows().first().locator('td').nth(2).textContent()).toMatch(/bob|carol/);
    // Alice's own tasks: none.
    await suite.page.getByLabel('Created by').selectOption('me');
    await suite.page.getByText('No tasks match.').waitFor();
    expect(suite.pageErrors).toEqual([]);
  });
});
