/**
 * A developer's API tokens in Chromium: created from the settings page (reached from the account menu) with
 * the secret shown once, working against the API within its scope, and revoked after a confirmation, after
 * which the API refuses it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultAuthConfig } from '../../src/auth/auth-config.js';
import { startPave } from '../support/pave-server.js';
import { seedOrg } from '../auth/support.js';
import { browserAvailable, formatViolations, portalSuite, seriousAxeViolations, signInBrowserAs } from '../support/browser.js';

describe.skipIf(!browserAvailable)('API tokens page in Chromium', { timeout: 120_000 }, () => {
  const suite = portalSuite(async () => {
    const pave = await startPave({ config: { auth: defaultAuthConfig() } });
    await seedOrg(pave.app.catalog);
    return pave;
  });
  const { pageErrors } = suite;
  beforeAll(() => signInBrowserAs(suite.session, suite.pave, 'user:default/bob'));

  const withToken = (token: string, path: string, init: RequestInit = {}) =>
    fetch(suite.pave.url + path, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });

  it('creates a read-only token shown once, which reads but cannot write, and revokes it', async () => {
    await suite.page.goto(suite.pave.url + '/');
    await suite.page.getByRole('link', { name: /your API tokens/ }).click();
    await suite.page.getByRole('heading', { name: 'API tokens' }).waitFor();
    await suite.page.getByText('You have no API tokens yet.').waitFor();

    // A mistake comes back from the server next to its field, nothing is created.
    await suite.page.getByLabel('Name', { exact: true }).fill('laptop CLI');
    await suite.page.getByLabel('Expires after (days)').fill('100000');
    await suite.page.getByRole('button', { name: 'Create token' }).click();
    await expect.poll(() => suite.page.getByLabel('Expires after (days)').getAttribute('aria-invalid')).toBe('true');
    expect(((await (await suite.page.request.get(`${suite.pave.url}/api/auth/tokens`)).json()) as { items: unknown[] }).items).toEqual([]);

    await suite.page.getByLabel('Expires after (days)').fill('7');
    await suite.page.getByLabel('May be used for').selectOption({ label: 'Read only' });
    await suite.page.getByRole('button', { name: 'Create token' }).click();
    const secret = (await suite.page.locator('.token-secret .secret-value').textContent()) ?? '';
    expect(secret).toMatch(/^pave_/);
    const row = suite.page.locator('.tokens-table tbody tr', { hasText: 'laptop CLI' });
    await row.waitFor();
    expect(await row.textContent()).toContain('*.read');
    expect(await row.textContent()).not.toContain(secret);
    const violations = await seriousAxeViolations(suite.page);
    expect(violations, formatViolations(violations)).toEqual([]);

    // The token reads the catalog as Bob, and its scope keeps it from writing.
    expect((await withToken(secret, '/api/catalog/entities?limit=1')).status).toBe(200);
    // Bob's team owns payments, so Bob may edit it; the read-only token may not.
    const payments = (await (await withToken(secret, '/api/catalog/entities/by-name/component/default/payments')).json()) as { metadata: Record<string, unknown> };
    const write = await withToken(secret, '/api/catalog/entities/by-name/component/default/payments', { method: 'PUT', body: JSON.stringify({ ...payments, metadata: { ...payments.metadata, description: 'edited with a token' } }) });
    expect(write.status).toBe(403);

    // Revoking asks first, then the API refuses the token at once.
    await row.getByRole('button', { name: 'Revoke the token laptop CLI' }).click();
    await row.getByRole('button', { name: 'Revoke “laptop CLI”' }).click();
    await expect.poll(() => row.locator('td').nth(6).textContent()).toBe('revoked');
    expect(await suite.page.locator('.token-secret').count()).toBe(0);
    expect((await withToken(secret, '/api/catalog/entities?limit=1')).status).toBe(401);
    expect(pageErrors).toEqual([]);
  });
});
