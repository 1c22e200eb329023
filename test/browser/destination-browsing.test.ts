/**
 * From a request's page to its destination in Debian's Chromium: the guest (checkout-team) opens the demo's
 * `checkout-team/checkout-ns` (applied here) once the reconciler has committed it, clicks the delivery's commit and lands on
 * that commit's page in the repositories view (the files it changed, under the request's folder), clicks a file
 * and reads it as that commit left it, then follows the delivered folder from the request page. Screenshots go
 * to test-output/screenshots/destination-*.png.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { defaultAuthConfig } from '../../src/auth/auth-config.js';
import { defaultConfig } from '../../src/pave-config.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { join } from 'node:path';
import { readDocuments } from '../../src/platform/document-files.js';
import { DEMO_PLATFORM, isReady, OPERATOR, waitForRequest } from '../platform/support/platform-harness.js';
import { browserAvailable, ensurePortalBuilt, formatViolations, launchBrowser, screenshot, seriousAxeViolations, type BrowserSession } from '../support/browser.js';

describe.skipIf(!browserAvailable)('a request page links to its destination', { timeout: 120_000 }, () => {
  let pave: RunningPave;
  let session: BrowserSession;
  let page: Page;
  let base: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensurePortalBuilt();
    const auth = defaultAuthConfig();
    auth.guest = true;
    pave = await startPave({ demo: true, config: { auth, platform: { ...defaultConfig().platform, pollIntervalMs: 50, retryBaseSeconds: 0.2, retryMaxSeconds: 1, dependencyRetrySeconds: 0.3 } } });
    await pave.app.workers.start(['platform.reconciler']);
    // The demo's checkout namespace (the first document of its dev environment), as the platform team would apply it.
    const [namespace] = await readDocuments(join(DEMO_PLATFORM, 'requests', 'checkout-dev.yaml'));
    await pave.app.platform.applyRequest(namespace, OPERATOR);
    await waitForRequest(pave.app, 'checkout-team', 'checkout-ns', view => isReady(view) && view.status.deliveries.every(d => d.commit));
    base = pave.url.replace(/\/$/, '');
    session = await launchBrowser();
    page = await session.newPage();
    page.on('pageerror', e => pageErrors.push(e.message));
    await page.goto(`${base}/platform/requests/checkout-team/checkout-ns`);
    await page.getByRole('link', { name: 'Continue as the demo guest' }).click();
    await page.locator('.account').getByRole('button', { name: 'Sign out' }).waitFor();
  }, 180_000);

  afterAll(async () => {
    await session?.close();
    await pave?.close();
  });

  afterEach(() => {
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
  });

  it('opens the delivery commit, a file it changed, and the delivered folder', async () => {
    const request = await pave.app.platform.getRequest('checkout-team', 'checkout-ns');
    const delivery = request.status.deliveries[0]!;
    await page.goto(`${base}/platform/requests/checkout-team/checkout-ns`);
    const commitLink = page.getByTestId('delivery-commit').getByTestId('commit-link');
    await commitLink.click();
    await page.waitForURL(new RegExp(`/repositories/-/destination/${delivery.destination}/commit/${delivery.commit}$`));
    const commit = page.getByTestId('repo-commit');
    await commit.waitFor();
    expect(await commit.getAttribute('data-commit')).toBe(delivery.commit);
    const files = commit.getByTestId('commit-files');
    const namespaceFile = files.getByRole('link', { name: `${delivery.path}/namespace.yaml` });
    await namespaceFile.waitFor();
    await screenshot(page, 'destination-commit');
    expect(await seriousAxeViolations(page).then(formatViolations)).toBe('');

    await namespaceFile.click();
    await page.waitForURL(/\/blob\//);
    const file = page.getByTestId('repo-file');
    await expect.poll(() => file.textContent()).toMatch(/kind: Namespace/);
    expect(page.url()).toContain(`ref=${delivery.commit}`);
    await screenshot(page, 'destination-file');

    await page.goto(`${base}/platform/requests/checkout-team/checkout-ns`);
    await page.getByTestId('deliveries').getByTestId('path-link').click();
    await page.waitForURL(/\/tree\//);
    await expect.poll(() => page.getByTestId('repo-tree').textContent()).toContain('namespace.yaml');
    expect(await page.getByTestId('destination-panel').textContent()).toMatch(/You see the whole destination/);
  });
});
