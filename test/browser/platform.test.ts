/**
 * The platform pages end to end in Debian's Chromium: the guest (a checkout-team member) opens the
 * capability marketplace, fills the PostgreSQL request form generated from the capability's schema,
 * sees mistakes the schema shows said in words under their fields before anything is sent (and the server's under
 * theirs), previews the exact files a dry run would commit,
 * requests the database, watches it become Ready (live, through the /events stream), finds the commit
 * on the request page and deletes it (a dialog names the folders that leave git; the deleted request shows only
 * its final state). The request list filters by team, capability and phase. Bind, Delete, Extend and Approve
 * appear only where the guest may use them. Each capability also has a catalog page (owner, versions, its requests,
 * a Request button) that the marketplace links to and search finds. Screenshots go to
 * test-output/screenshots/platform-*.png.
 */
import { join } from 'node:path';
import { runGit } from '../../src/git/run-git.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { defaultAuthConfig } from '../../src/auth/auth-config.js';
import { defaultConfig } from '../../src/pave-config.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { OPERATOR } from '../platform/support/platform-harness.js';
import { browserAvailable, ensurePortalBuilt, formatViolations, launchBrowser, screenshot, seriousAxeViolations, type BrowserSession, followNav } from '../support/browser.js';

describe.skipIf(!browserAvailable)('platform pages in Chromium', { timeout: 90_000 }, () => {
  let pave: RunningPave;
  let session: BrowserSession;
  let page: Page;
  let base: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensurePortalBuilt();
    // As `npm start` runs it: the demo organisation and platform (capabilities, dev/prod destinations as
    // local git repositories under the data folder), authorization on with the guest sign-in, and the
    // reconciler running (fast timings, so a request is Ready in well under a second).
    const auth = defaultAuthConfig();
    auth.guest = true;
    pave = await startPave({
      demo: true,
      config: { auth, platform: { ...defaultConfig().platform, pollIntervalMs: 50, retryBaseSeconds: 0.2, retryMaxSeconds: 1, dependencyRetrySeconds: 0.3 } },
    });
    await pave.app.workers.start(['platform.reconciler', 'store.event-consumers']);
    base = pave.url.replace(/\/$/, '');
    session = await launchBrowser();
    page = await session.newPage();
    page.on('pageerror', e => pageErrors.push(e.message));
    await page.goto(`${base}/platform`);
    await page.getByRole('link', { name: 'Continue as the demo guest' }).click();
    await page.locator('.account').getByRole('button', { name: 'Sign out' }).waitFor();
  }, 180_000);

  afterAll(async () => {
    await session?.close();
    await pave?.app.platform.reconciler.stop().catch(() => undefined);
    await pave?.close();
  });

  afterEach(() => {
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
  });

  async function expectAccessible(name: string) {
    const violations = await seriousAxeViolations(page);
    expect(violations, `axe found serious or critical violations on ${name}:\n${formatViolations(violations)}`).toEqual([]);
  }

  it('marketplace → form → preview → request → Ready with a commit → delete', async () => {
    // The marketplace lists every demo capability with its kind, version and requirements.
    await followNav(page, 'Platform');
    await page.waitForURL(/\/platform$/);
    const caps = page.getByTestId('capabilities');
    await caps.locator('li').first().waitFor();
    expect(await caps.locator(':scope > li').count()).toBe(5);
    // The demo offers preview environments to two teams: the guest's team has bound them.
    const previews = caps.locator('li[data-capability="preview-environment"]').getByTestId('capability-access');
    await expect.poll(() => previews.locator('li').first().textContent()).toBe('checkout-team: bound, follows ^1');
    const postgres = caps.locator('li[data-capability="postgresql"]');
    expect(await postgres.textContent()).toMatch(/PostgreSQL database[\s\S]*PostgreSQL[\s\S]*v1\.1\.0/);
    expect(await caps.locator('li[data-capability="environment"]').textContent()).toMatch(/Requires:.*team-namespace.*postgresql/);
    await screenshot(page, 'platform-marketplace');
    await expectAccessible('marketplace');

    // The form comes from the schema: defaults filled, enum as a select, integer with min/max.
    await postgres.getByRole('link', { name: /Request/ }).click();
    await page.waitForURL(/\/platform\/capabilities\/postgresql$/);
    await page.getByRole('heading', { name: 'Request PostgreSQL database' }).waitFor();
    const team = page.getByLabel('Team', { exact: true });
    // The field becomes a list of the caller's teams once their namespaces have loaded: wait for that state.
    await expect.poll(() => team.evaluate(el => el.tagName)).toBe('SELECT');
    await team.selectOption('checkout-team');
    const instances = page.getByLabel('Instances', { exact: true });
    expect(await instances.inputValue()).toBe('1');
    expect(await instances.getAttribute('max')).toBe('5');
    expect(await page.getByLabel('Environment', { exact: true }).inputValue()).toBe('dev');
    expect(await page.getByLabel('PostgreSQL version', { exact: true }).evaluate(el => el.tagName)).toBe('SELECT');
    expect(await page.getByLabel('Storage', { exact: true }).inputValue()).toBe('1Gi');

    // Mistakes the schema shows are said before sending: in the server's words, all at once, each under its field.
    const posted: string[] = [];
    page.on('request', r => {
      if (r.method() === 'POST' && new URL(r.url()).pathname.startsWith('/api/platform/')) posted.push(new URL(r.url()).pathname);
    });
    await page.getByLabel('Request name', { exact: true }).fill('browser-db');
    await instances.fill('9');
    await page.getByLabel('Storage', { exact: true }).fill('lots');
    await page.getByRole('button', { name: 'Request', exact: true }).click();
    const invalid = page.locator('.field.invalid');
    await invalid.first().waitFor();
    await expect.poll(() => page.locator('.field.invalid .field-errors').count()).toBe(2);
    expect(await instances.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('[data-pointer="/spec/storage"]').textContent()).toBe('Storage must look like 10Gi');
    expect(await page.locator('[data-pointer="/spec/instances"]').textContent()).toBe('Instances must be at most 5');
    await screenshot(page, 'platform-request-invalid');
    // A fixed value loses its message at once.
    await instances.fill('5');
    await expect.poll(() => page.locator('[data-pointer="/spec/instances"]').count()).toBe(0);

    // What only the server knows comes back as a 422 problem, under its field.
    await instances.fill('2');
    await page.getByLabel('Storage', { exact: true }).fill('5Gi');
    await page.getByLabel('Request name', { exact: true }).fill('Browser DB');
    await page.getByRole('button', { name: 'Request', exact: true }).click();
    await page.locator('[data-pointer="/metadata/name"]').waitFor();
    expect(await page.getByLabel('Request name', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    // Requests leave in order: the first the page sent is this one, so the mistaken tries above sent nothing.
    expect(posted).toEqual(['/api/platform/requests']);
    await page.getByLabel('Request name', { exact: true }).fill('browser-db');

    // Preview: exactly the files a dry run would commit, nothing saved.
    await page.getByLabel('Database name', { exact: true }).fill('browser');
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByTestId('render-preview');
    await preview.waitFor();
    expect(await preview.textContent()).toContain('cluster.yaml');
    expect(await preview.textContent()).toContain('dry run');
    const content = await preview.locator('pre').first().textContent();
    expect(content).toContain('kind: Cluster');
    expect(content).toContain('instances: 2');
    expect(content).toContain('size: 5Gi');
    expect(await preview.textContent()).toMatch(/destination dev/);
    await screenshot(page, 'platform-request-preview');
    await expectAccessible('request form with preview');
    expect((await page.request.get(`${base}/api/platform/requests/checkout-team/browser-db`)).status()).toBe(404);

    // Request: the page follows it until Ready and shows the commit.
    await page.getByRole('button', { name: 'Request', exact: true }).click();
    await page.waitForURL(/\/platform\/requests\/checkout-team\/browser-db$/);
    await expect.poll(() => page.getByTestId('request-phase').textContent()).toBe('Ready');
    await expect.poll(() => page.getByTestId('live-state').textContent()).toBe('live updates');
    for (const type of ['Accepted', 'Configured', 'Written', 'Ready']) {
      await expect.poll(() => page.locator(`[data-condition="${type}"]`).getAttribute('data-status')).toBe('True');
    }
    const commit = page.getByTestId('delivery-commit');
    await commit.waitFor();
    const sha = await commit.locator('code').getAttribute('title');
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    // It is the commit in the dev destination's repository.
    const devRepo = join(pave.dataDir, 'destinations', 'dev.git');
    expect((await runGit(['--git-dir', devRepo, 'rev-parse', 'HEAD'])).stdout.trim()).toBe(sha);
    expect(await page.getByRole('region', { name: 'Outputs' }).textContent()).toContain('browser-db-rw.checkout-team.svc.cluster.local');
    const run = page.getByTestId('run').first();
    await expect.poll(() => run.locator('[data-testid="run-diff"]').textContent()).toMatch(/added[\s\S]*cluster\.yaml/);
    expect(await run.getByTestId('run-commits').textContent()).toContain(sha!);
    expect(await run.locator('.run-step').first().textContent()).toContain('cluster');
    await screenshot(page, 'platform-request-ready');
    await expectAccessible('request page');

    // Delete: a dialog names the folders that will leave git; Cancel keeps the request, confirming deletes it.
    const deleteButton = page.getByRole('button', { name: 'Delete', exact: true });
    await deleteButton.click();
    const dialog = page.getByRole('dialog', { name: 'Delete checkout-team/browser-db?' });
    await dialog.waitFor();
    expect(await dialog.getByTestId('delete-removes').textContent()).toMatch(/dev\s*clusters\/dev\/checkout-team\/postgresql\/browser-db/);
    await expectAccessible('delete dialog');
    await screenshot(page, 'platform-request-delete-dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.getByTestId('request-phase').textContent()).toBe('Ready');
    await deleteButton.click();
    await dialog.getByRole('button', { name: 'Delete checkout-team/browser-db' }).click();
    await page.getByTestId('request-deleted').waitFor({ timeout: 30_000 });
    // Its final state only: no stale conditions, outputs or Delete button.
    expect(await page.getByTestId('request-phase').textContent()).toBe('Deleted');
    expect(await page.getByTestId('conditions').count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Outputs' }).count()).toBe(0);
    expect(await deleteButton.count()).toBe(0);
    expect((await page.request.get(`${base}/api/platform/requests/checkout-team/browser-db`)).status()).toBe(404);
    await expect.poll(() => page.getByTestId('run').first().textContent()).toMatch(/delete/);
    const files = (await runGit(['--git-dir', devRepo, 'ls-tree', '-r', '--name-only', 'HEAD'])).stdout;
    expect(files).not.toContain('browser-db');
    await screenshot(page, 'platform-request-deleted');
  });

  it('capability catalog page: from the marketplace and search, with owner, versions, requests and Request', async () => {
    // A request made elsewhere (here through the service) is listed on the capability's page.
    await pave.app.platform.applyRequest({ apiVersion: 'databases.pave.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'catalog-db', namespace: 'checkout-team' }, spec: {} }, OPERATOR);

    await page.goto(`${base}/platform`);
    const postgres = page.getByTestId('capabilities').locator('li[data-capability="postgresql"]');
    await postgres.waitFor();
    expect(await postgres.getByTestId('capability-owner').textContent()).toContain('platform-team');
    await postgres.getByRole('link', { name: 'PostgreSQL database', exact: true }).click();
    await page.waitForURL(/\/catalog\/default\/capability\/postgresql$/);
    await page.getByRole('heading', { level: 1, name: 'PostgreSQL database' }).waitFor();
    expect(await page.locator('.entity-header').textContent()).toMatch(/capability[\s\S]*Owner[\s\S]*platform-team/);

    const section = page.getByTestId('capability-section');
    expect(await section.getByTestId('capability-versions').textContent()).toMatch(/v1\.1\.0\s*latest/);
    expect(await section.textContent()).toContain('databases.pave.dev/v1alpha1');
    const listed = section.getByTestId('capability-requests').getByRole('link', { name: 'checkout-team/catalog-db' });
    await listed.waitFor();
    // The request's Resource depends on the capability, so the relations show it too; its page leads to the request.
    await expect.poll(() => page.locator('[data-relation="dependencyOf"]').textContent()).toContain('catalog-db');
    await page.goto(`${base}/catalog/checkout-team/resource/catalog-db`);
    await page.locator('.facts div').filter({ hasText: /^Platform request/ }).getByRole('link', { name: 'checkout-team/catalog-db' }).click();
    await page.waitForURL(/\/platform\/requests\/checkout-team\/catalog-db$/);
    await page.goto(`${base}/catalog/default/capability/postgresql`);
    await section.waitFor();
    await screenshot(page, 'platform-capability-entity');
    await expectAccessible('capability entity page');

    await section.getByRole('link', { name: 'Request PostgreSQL database' }).click();
    await page.waitForURL(/\/platform\/capabilities\/postgresql$/);
    await page.getByRole('heading', { name: 'Request PostgreSQL database' }).waitFor();

    // Catalog search finds capabilities by their description.
    await page.goto(`${base}/search?q=${encodeURIComponent('CloudNativePG')}`);
    await page.locator('.search-results').getByRole('link', { name: /PostgreSQL database/ }).first().click();
    await page.waitForURL(/\/catalog\/default\/capability\/postgresql$/);

    await pave.app.platform.deleteRequest('checkout-team', 'catalog-db', OPERATOR);
  });
  it('marketplace shows the team’s binding; request page: an approver approves with a reason, sees who approved, and the owners extend its expiry', async () => {
    // A preview capability whose production requests the guest's team approves, living 2 h by default (1 d at most).
    await pave.app.platform.publishCapability(
      {
        apiVersion: 'pave.dev/v1alpha1',
        kind: 'Capability',
        metadata: { name: 'browser-preview' },
        spec: {
          version: '1.0.0',
          api: { group: 'previews.pave.dev', version: 'v1', kind: 'BrowserPreview', schema: { type: 'object', properties: { environment: { type: 'string' } } } },
          workflows: { configure: [{ name: 'manifest', type: 'template', files: [{ path: 'preview.yaml', content: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${{ metadata.name }}\n' }] }] },
          placement: { selector: { env: 'dev' } },
          approval: { group: 'checkout-team', when: [{ pointer: '/spec/environment', equals: 'prod' }] },
          ttl: { default: '2h', maximum: '1d' },
          offer: { to: 'all', binding: 'self-service' },
        },
      },
      OPERATOR,
    );
    await pave.app.platform.bindings.apply({ apiVersion: 'pave.dev/v1alpha1', kind: 'CapabilityBinding', metadata: { namespace: 'checkout-team' }, spec: { capability: 'browser-preview', version: '^1' } }, OPERATOR);
    // The marketplace says what the guest's team may do with each capability.
    await page.goto(`${base}/platform`);
    const access = page.locator('li[data-capability="browser-preview"]').getByTestId('capability-access');
    await expect.poll(() => access.locator('li').first().textContent()).toBe('checkout-team: bound, follows ^1');
    // Another of the guest's teams may bind it, self-service: its Bind button binds it, following the newest version.
    const other = access.locator('li').nth(1);
    expect(await other.textContent()).toMatch(/: may bind it \(self-service\)\s*Bind$/);
    await other.getByRole('button', { name: /^Bind browser-preview for / }).click();
    await expect.poll(() => other.textContent()).toMatch(/: bound, follows the newest version$/);
    expect(await other.getByRole('button').count()).toBe(0);
    expect(await page.locator('li[data-capability="postgresql"]').getByTestId('capability-access').textContent()).toBe('Open to every team, no binding needed.');
    await pave.app.platform.applyRequest({ apiVersion: 'previews.pave.dev/v1', kind: 'BrowserPreview', metadata: { name: 'pr-42', namespace: 'checkout-team' }, spec: { environment: 'prod' } }, OPERATOR);
    await page.goto(`${base}/platform/requests/checkout-team/pr-42`);
    await expect.poll(() => page.getByTestId('request-phase').textContent()).toBe('PendingApproval');
    const approval = page.getByTestId('approval');
    expect(await approval.textContent()).toContain('group:default/checkout-team');
    expect(await approval.textContent()).toContain('/spec/environment is "prod"');
    await expectAccessible('request waiting for approval');
    await page.getByLabel('Reason (kept in the audit log)').fill('preview of the release');
    await approval.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.getByTestId('approval-decision').textContent()).toMatch(/^Approved by user:default\/priya\.raman.*preview of the release$/);
    await expect.poll(() => page.getByTestId('request-phase').textContent()).toBe('Ready');

    const before = await page.getByTestId('expires-at').getAttribute('datetime');
    await page.getByLabel('Live for (from now, e.g. 12h or 3d)').fill('12h');
    await page.getByRole('button', { name: 'Extend' }).click();
    await expect.poll(() => page.getByTestId('expires-at').getAttribute('datetime')).not.toBe(before);
    const extended = await page.getByTestId('expires-at').getAttribute('datetime');
    expect(new Date(extended!).getTime() - new Date(before!).getTime()).toBeGreaterThan(9 * 3_600_000);
    await screenshot(page, 'platform-request-approved');
  });

  it('request list: filtered by team, capability and phase in the URL, each row leading to its request', async () => {
    await pave.app.platform.applyRequest({ apiVersion: 'databases.pave.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'listed-db', namespace: 'checkout-team' }, spec: {} }, OPERATOR);
    await page.goto(`${base}/platform`);
    await page.getByRole('link', { name: 'Requests', exact: true }).click();
    await page.waitForURL(/\/platform\/requests$/);
    const table = page.getByRole('region', { name: 'Requests' });
    const rows = table.locator('tbody tr');
    await expect.poll(() => rows.evaluateAll(trs => trs.map(tr => tr.getAttribute('data-request')))).toEqual(expect.arrayContaining(['checkout-team/listed-db', 'checkout-team/pr-42']));

    await page.getByLabel('Capability').selectOption('postgresql');
    await page.waitForURL(/capability=postgresql/);
    await expect.poll(() => rows.evaluateAll(trs => trs.map(tr => tr.getAttribute('data-request')))).toEqual(['checkout-team/listed-db']);
    // The list shows phases as it read them: the phase filter is chosen once the reconciler has made the request Ready.
    await expect.poll(async () => (await pave.app.platform.getRequest('checkout-team', 'listed-db')).status.phase, { timeout: 60_000 }).toBe('Ready');
    await page.getByLabel('Team').selectOption('mine');
    await page.getByLabel('Phase').selectOption('Ready');
    await expect.poll(() => rows.locator('.status-pill').allTextContents()).toEqual(['Ready']);
    expect(page.url()).toMatch(/team=mine/);
    await expectAccessible('request list');
    await screenshot(page, 'platform-request-list');

    // A phase no request is in: said so.
    await page.getByLabel('Phase').selectOption('Rejected');
    await page.getByText('No requests match.').waitFor();
    // The filters come back with the URL; a row opens its request, whose breadcrumb leads back to its team's requests.
    await page.goto(`${base}/platform/requests?capability=postgresql&phase=Ready`);
    await rows.getByRole('link', { name: 'checkout-team/listed-db' }).click();
    await page.waitForURL(/\/platform\/requests\/checkout-team\/listed-db$/);
    await page.getByRole('link', { name: 'checkout-team', exact: true }).click();
    await page.waitForURL(/\/platform\/requests\?team=checkout-team$/);
    await expect.poll(() => rows.evaluateAll(trs => trs.map(tr => tr.getAttribute('data-request')))).toEqual(expect.arrayContaining(['checkout-team/listed-db']));
    await pave.app.platform.deleteRequest('checkout-team', 'listed-db', OPERATOR);
  });

  it('request page offers only what the guest may do: no Approve for another group, nothing to change on another team', async () => {
    // A production preview waits for the platform team, whose member the guest is not: told who decides, no buttons.
    await pave.app.platform.applyRequest({ apiVersion: 'previews.pave.dev/v1alpha1', kind: 'PreviewEnvironment', metadata: { name: 'pr-9', namespace: 'checkout-team' }, spec: { branch: 'release/2', environment: 'prod' } }, OPERATOR);
    await page.goto(`${base}/platform/requests/checkout-team/pr-9`);
    await expect.poll(() => page.getByTestId('request-phase').textContent()).toBe('PendingApproval');
    await expect.poll(() => page.getByTestId('approval-waiting').textContent()).toBe('Waiting for a decision by a member of group:default/platform-team.');
    expect(await page.getByTestId('approval').getByRole('button').count()).toBe(0);
    // Its own team's request: the guest may still delete it and extend its life.
    await page.getByRole('button', { name: 'Delete', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Extend' }).waitFor();
    await expectAccessible('request waiting for another group');

    // Another team's request: readable, nothing offered to change it.
    await pave.app.platform.applyRequest({ apiVersion: 'caches.pave.dev/v1alpha1', kind: 'Redis', metadata: { name: 'their-cache', namespace: 'storefront-team' }, spec: {} }, OPERATOR);
    await page.goto(`${base}/platform/requests/storefront-team/their-cache`);
    await page.getByTestId('read-only').waitFor();
    expect(await page.getByRole('button', { name: 'Delete', exact: true }).count()).toBe(0);
    await screenshot(page, 'platform-request-read-only');
    await pave.app.platform.deleteRequest('storefront-team', 'their-cache', OPERATOR);
    await pave.app.platform.deleteRequest('checkout-team', 'pr-9', OPERATOR);
  });
});
