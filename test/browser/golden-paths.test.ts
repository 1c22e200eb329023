/**
 * Golden paths in Chromium: the template gallery (with a broken template's problems shown), the
 * wizard generated from the TypeScript service template's parameter schema (pickers, a warning when the
 * name is taken in the catalog, review step, API problems next to their fields), the task page following the run live over SSE (its Next steps as
 * Markdown, cloning over HTTP), the new
 * repository's page (files, README, a file, clone commands) and the new component in the catalog,
 * whose source links back to the repository. Screenshots go to test-output/screenshots/.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { defaultAuthConfig } from '../../src/auth/auth-config.js';
import { startPave } from '../support/pave-server.js';
import { browserAvailable, ensurePortalBuilt, formatViolations, launchBrowser, screenshot, seriousAxeViolations, type BrowserSession, followNav } from '../support/browser.js';

describe.skipIf(!browserAvailable)('golden paths in Chromium', { timeout: 90_000 }, () => {
  let server: { url: string; close(): Promise<void> } | undefined;
  let session: BrowserSession;
  let page: Page;
  let base: string;
  let pageErrors: string[] = [];
  let extraDir: string | undefined;
  const serviceName = 'golden-path-demo';

  beforeAll(async () => {
    await ensurePortalBuilt();
    // Authorization on, with the demo guest sign-in, as `npm start` runs it. The demo (catalog and
    // templates) is registered from the repository and nothing writes to it: the task's repository goes
    // to the server's temporary data folder, its component into the catalog's database.
    const auth = defaultAuthConfig();
    auth.guest = true;
    const pave = await startPave({ demo: true, config: { auth } });
    server = pave;
    base = pave.url.replace(/\/$/, '');
    // Links Pave writes (the repository page) use the configured address: this server's own.
    pave.app.config.baseUrl = base;
    // A template that cannot run, from a temporary folder, so the gallery has problems to show.
    extraDir = mkdtempSync(join(tmpdir(), 'pave-browser-templates-'));
    writeFileSync(
      join(extraDir, 'broken-template.yaml'),
      [
        'apiVersion: scaffolder.backstage.io/v1beta3',
        'kind: Template',
        'metadata:',
        '  name: broken-golden-path',
        '  title: Broken golden path',
        '  description: Uses an action Pave does not have.',
        '  tags: [experimental]',
        'spec:',
        '  owner: group:default/platform-team',
        '  type: service',
        '  parameters: []',
        '  steps:',
        '    - id: nope',
        '      name: Does not exist',
        '      action: nope:not-an-action',
        '',
      ].join('\n'),
    );
    await pave.app.catalog.locations.register({ type: 'file', target: join(extraDir, 'broken-template.yaml') });

    session = await launchBrowser();
    page = await session.newPage();
    page.on('pageerror', e => pageErrors.push(e.message));
    await page.goto(`${base}/create`);
    await page.getByRole('heading', { name: 'Sign in to Pave' }).waitFor();
    await page.getByRole('link', { name: 'Continue as the demo guest' }).click();
    await page.locator('.account').getByRole('button', { name: 'Sign out' }).waitFor();
  }, 180_000);

  afterAll(async () => {
    await session?.close();
    await server?.close();
    if (extraDir) rmSync(extraDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    pageErrors = [];
  });
  afterEach(() => {
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
  });

  async function expectAccessible(name: string) {
    const violations = await seriousAxeViolations(page);
    expect(violations, `axe found serious or critical violations on ${name}:\n${formatViolations(violations)}`).toEqual([]);
  }

  it('gallery: templates with title, description and tags; problems of a template that cannot run', async () => {
    await page.goto(`${base}/create`);
    const card = page.locator('.tpl-card[data-template="template:default/typescript-service"]');
    await card.getByRole('heading', { name: 'TypeScript service' }).waitFor();
    await expect.poll(() => card.textContent()).toContain('Node.js 20 HTTP service');
    await expect.poll(() => card.locator('.tag').allTextContents()).toEqual(['recommended', 'typescript', 'service']);
    const broken = page.locator('.tpl-card[data-template="template:default/broken-golden-path"]');
    await broken.waitFor();
    await expect.poll(() => broken.locator('.tpl-problems').textContent()).toContain('nope:not-an-action');
    expect(await broken.getByRole('button', { name: 'Choose' }).isDisabled()).toBe(true);
    await screenshot(page, 'golden-paths-gallery');
    await expectAccessible('template gallery');
  });

  it('wizard → task → catalog: creates a TypeScript service and follows the run live', async () => {
    await page.goto(`${base}/create`);
    await page.getByRole('link', { name: 'Choose TypeScript service' }).click();
    await page.waitForURL(/\/create\/templates\/default\/typescript-service$/);
    await page.getByRole('heading', { name: 'About the service' }).waitFor();

    // Leaving the page with required fields empty says so next to each field.
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('.field.invalid[data-field="name"] .field-errors').getByText('Name is required').waitFor();
    await page.locator('.field.invalid[data-field="owner"] .field-errors').getByText('Owner is required').waitFor();
    await page.getByRole('textbox', { name: /^Name\b/ }).fill('Not A Valid Name');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('.field.invalid[data-field="name"] .field-errors').getByText(/must match/).waitFor();

    // EntityNamePicker warns as soon as a name the catalog has is typed, without blocking; another name clears it.
    const clash = page.locator('.field[data-field="name"] .tpl-name-clash');
    await page.getByRole('textbox', { name: /^Name\b/ }).fill('checkout-service');
    await expect.poll(() => clash.textContent()).toContain('The catalog already has component:checkout-service');
    await expectAccessible('template form with a name clash');
    await page.getByRole('textbox', { name: /^Name\b/ }).fill(serviceName);
    await expect.poll(() => clash.textContent()).toBe('');
    await page.getByLabel('Description').fill('Created by the golden-path browser test.');
    // OwnerPicker: a select of the catalog's groups (catalogFilter kind: Group).
    const owner = page.getByRole('combobox', { name: /^Owner\b/ });
    await expect.poll(() => owner.locator('option').count()).toBeGreaterThan(2);
    await owner.selectOption('group:default/checkout-team');
    await expect.poll(() => page.getByLabel('System').locator('option').count()).toBeGreaterThan(1);
    await screenshot(page, 'golden-paths-form');
    await expectAccessible('template form');
    await page.getByRole('button', { name: 'Next' }).click();

    // RepoUrlPicker: host (allowedHosts: local) + owner + repository → local?owner=…&repo=….
    await page.getByRole('heading', { name: 'Where it lives' }).waitFor();
    await page.getByRole('textbox', { name: 'Owner', exact: true }).fill('larkspur');
    await page.getByRole('textbox', { name: 'Repository name', exact: true }).fill(serviceName);
    await expect.poll(() => page.locator('.tpl-repo-value').textContent()).toBe(`local?owner=larkspur&repo=${serviceName}`);
    await expect.poll(() => page.getByLabel('Port').inputValue()).toBe('8080');
    await expectAccessible('template form, second page');
    await page.getByRole('button', { name: 'Review' }).click();

    const review = page.getByTestId('wizard-review');
    await review.waitFor();
    await expect.poll(() => review.textContent()).toContain(serviceName);
    await expect.poll(() => review.textContent()).toContain('group:default/checkout-team');

    await page.getByRole('button', { name: 'Create' }).click();

    // The task page: every step completes, with its log from the event stream.
    await page.waitForURL(/\/create\/tasks\/[^/]+$/);
    await page.locator('.tpl-task-step[data-step="fetch"]').waitFor();
    await page.locator('.tpl-task[data-task-status="completed"]').waitFor({ timeout: 60_000 });
    for (const step of ['fetch', 'publish', 'register']) {
      await expect.poll(() => page.locator(`.tpl-task-step[data-step="${step}"]`).getAttribute('data-status')).toBe('completed');
      await expect.poll(() => page.locator(`.tpl-task-step[data-step="${step}"] pre`).textContent()).toContain('Finished step');
    }
    // Next steps, as Markdown: the clone command names the HTTP clone URL, never the server's folder.
    await expect.poll(() => page.locator('.tpl-text code').first().textContent()).toBe(`git clone ${base}/git/larkspur/${serviceName}.git ${serviceName}`);
    expect(await page.getByRole('region', { name: 'Done' }).textContent()).not.toContain('file://');
    await screenshot(page, 'golden-paths-task');
    await expectAccessible('task page');

    // The Repository link opens the new repository's page in the portal (in a new tab).
    const repositoryUrl = `${base}/repositories/larkspur/${serviceName}`;
    const [repoTab] = await Promise.all([session.context.waitForEvent('page'), page.getByRole('link', { name: 'Repository' }).click()]);
    repoTab.on('pageerror', e => pageErrors.push(e.message));
    await repoTab.waitForURL(repositoryUrl);
    await expectRepositoryPage(repoTab, 'golden-paths-repository');
    await repoTab.close();

    // The other output link goes to the new component's entity page, whose source is the repository page.
    await page.getByRole('link', { name: 'Open in catalog' }).click();
    await page.waitForURL(new RegExp(`/catalog/default/component/${serviceName}$`));
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain(serviceName);
    await screenshot(page, 'golden-paths-entity');
    // It says which golden path made it, linking to it.
    const createdFrom = page.locator('.facts div').filter({ hasText: /^Created from/ });
    await expect.poll(() => createdFrom.textContent()).toMatch(/^Created from\s*typescript-service/);
    expect(await createdFrom.getByRole('link', { name: 'typescript-service' }).getAttribute('href')).toBe('/create/templates/default/typescript-service');
    const source = page.getByRole('link', { name: `${repositoryUrl}/` });
    const [sourceTab] = await Promise.all([session.context.waitForEvent('page'), source.click()]);
    await sourceTab.waitForURL(`${repositoryUrl}/`);
    await sourceTab.getByRole('heading', { level: 1, name: `larkspur/${serviceName}` }).waitFor();
    await sourceTab.close();

    // The new repository is in the list of repositories Pave hosts.
    await followNav(page, 'Repositories');
    await page.getByTestId('repo-list').getByRole('link', { name: `larkspur/${serviceName}` }).waitFor();
    await expect.poll(() => page.getByTestId('repo-list').textContent()).toContain('Created by the golden-path browser test.');
    await expectAccessible('repository list');
    await screenshot(page, 'golden-paths-repositories');
  });

  /** The new repository's page: files, README, clone commands, commit; then a folder and a file. */
  async function expectRepositoryPage(tab: Page, shot: string) {
    await tab.getByRole('heading', { level: 1, name: `larkspur/${serviceName}` }).waitFor();
    await expect.poll(() => tab.getByTestId('repo-description').textContent()).toBe('Created by the golden-path browser test.');
    const files = tab.getByTestId('repo-tree');
    for (const name of ['src', 'docs', 'catalog-info.yaml', 'package.json', 'README.md']) await files.getByRole('link', { name, exact: true }).waitFor();
    await expect.poll(() => tab.getByTestId('repo-readme').getByRole('heading', { level: 1 }).textContent()).toBe(serviceName);
    await expect.poll(() => tab.getByTestId('repo-clone').textContent()).toContain(`git clone ${base}/git/larkspur/${serviceName}.git`);
    await expect.poll(() => tab.getByTestId('repo-commits').textContent()).toContain(`Create ${serviceName} from the TypeScript service golden path`);
    await screenshot(tab, shot);
    const violations = await seriousAxeViolations(tab);
    expect(violations, `axe found serious or critical violations on the repository page:\n${formatViolations(violations)}`).toEqual([]);

    // A link in the README opens the file it names; the folder breadcrumb leads back.
    await tab.getByTestId('repo-readme').getByRole('link', { name: 'the docs' }).click();
    await tab.waitForURL(/\/blob\/docs\/index\.md\?ref=main$/);
    await expect.poll(() => tab.getByTestId('repo-file').locator('pre').textContent()).toContain(serviceName);
    await tab.getByRole('navigation', { name: 'Path' }).getByRole('link', { name: 'docs' }).click();
    await tab.waitForURL(/\/tree\/docs\?ref=main$/);
    await tab.getByTestId('repo-tree').getByRole('link', { name: 'index.md' }).waitFor();
    await tab.getByRole('link', { name: 'Parent folder' }).click();
    await tab.getByTestId('repo-tree').getByRole('link', { name: 'src', exact: true }).click();
    await tab.getByTestId('repo-tree').getByRole('link', { name: 'server.ts', exact: true }).click();
    await expect.poll(() => tab.getByTestId('repo-file').locator('pre').textContent()).toContain('fastify');
    await screenshot(tab, `${shot}-file`);
  }
});
