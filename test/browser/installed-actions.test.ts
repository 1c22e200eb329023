/**
 * The portal's "Installed actions" page in Chromium: reached from the gallery, it shows the organisation's
 * own actions (from a configured folder) with where they came from, the sandbox and their schemas, then the
 * built-in ones; accessible (axe).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/pave-config.js';
import { startPave } from '../support/pave-server.js';
import { browserAvailable, formatViolations, portalSuite, seriousAxeViolations } from '../support/browser.js';

const ACTION = `export default {
  id: 'acme:notify',
  description: 'Writes who to notify into NOTIFY.md',
  schema: { input: { type: 'object', required: ['channel'], properties: { channel: { type: 'string', description: 'Chat channel' } } }, output: { type: 'object', properties: { written: { type: 'boolean' } } } },
  async handler(ctx) { ctx.output('written', true); },
};`;

describe.skipIf(!browserAvailable)('installed actions in Chromium', { timeout: 120_000 }, () => {
  let folder: string;
  const suite = portalSuite(async () => {
    folder = await mkdtemp(join(tmpdir(), 'pave-actions-page-'));
    await writeFile(join(folder, 'notify.mjs'), ACTION);
    return startPave({ config: { templates: { ...defaultConfig().templates, actions: { ...defaultConfig().templates.actions, folders: [folder] } } } });
  }, { noPageErrorsInEachTest: true });
  afterAll(async () => rm(folder, { recursive: true, force: true }));

  it('lists the installed action with its source, sandbox and schemas, then the built-in ones', async () => {
    const { page } = suite;
    await page.goto(`${suite.pave.url}/create`);
    await page.getByRole('link', { name: 'Installed actions' }).click();
    await page.getByRole('heading', { name: 'Installed actions', level: 1 }).waitFor();
    const card = page.locator('[data-action="acme:notify"]');
    await expect(card.textContent()).resolves.toMatch(new RegExp(`From folder ${folder.split('/').pop()}/notify\\.mjs, run in (bubblewrap|a process)`));
    await card.getByText('Input').click();
    await card.getByText('channel').first().waitFor();
    await expect(card.textContent()).resolves.toContain('Chat channel');
    await expect(page.locator('[data-action="debug:log"]').count()).resolves.toBe(1);
    const violations = await seriousAxeViolations(page);
    expect(violations, formatViolations(violations)).toEqual([]);
  });
});
