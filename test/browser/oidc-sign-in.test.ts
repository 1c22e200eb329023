/**
 * OpenID Connect sign-in in Debian's Chromium, end to end: Pave with OIDC configured and the guest
 * sign-in off, a real provider (oidc-provider) on 127.0.0.1. The browser gets the sign-in page,
 * goes through the provider's login and consent forms, lands back where it started signed in as the
 * mapped User entity, saves an edit (the portal echoes the CSRF token the server set) and signs out.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Request } from 'playwright-core';
import { defaultAuthConfig } from '../../src/auth/auth-config.js';
import { CSRF_COOKIE, SESSION_COOKIE } from '../../src/api/authorize.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { ORG, seedOrg } from '../auth/support.js';
import { browserAvailable, ensurePortalBuilt, formatViolations, launchBrowser, screenshot, seriousAxeViolations, type BrowserSession } from '../support/browser.js';

// The catalog's name for bob differs from the provider's (`Bob`), so the portal shows where it came from.
const DISPLAY_NAME = 'Robert Bauer';
const ORG_WITH_NAMES = ORG.map(entity =>
  entity.kind === 'User' && entity.metadata.name === 'bob' ? { ...entity, spec: { ...entity.spec, profile: { displayName: DISPLAY_NAME, email: 'bob@example.test' } } } : entity,
);

describe.skipIf(!browserAvailable)('OpenID Connect sign-in in Chromium', { timeout: 90_000 }, () => {
  let idp: Server;
  let issuer: string;
  let pave: RunningPave;
  let session: BrowserSession;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensurePortalBuilt();
    // The provider's address must be known before Pave starts, and Pave's before the provider knows its client.
    let handle: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
    idp = createServer((request, response) => handle!(request, response));
    await new Promise<void>(resolve => idp.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;

    const auth = { ...defaultAuthConfig(), guest: false, oidc: { issuer, clientId: 'pave-portal', clientSecret: 'pave-test-secret', scopes: ['openid', 'email', 'profile'], userClaim: 'email', userField: 'spec.profile.email' } };
    pave = await startPave({ config: { auth } });
    // The callback URL is built from baseUrl: make it the address the browser uses.
    pave.app.config.baseUrl = pave.url;
    await seedOrg(pave.app.catalog, ORG_WITH_NAMES);

    const provider = new Provider(issuer, {
      clients: [{ client_id: 'pave-portal', client_secret: 'pave-test-secret', redirect_uris: [`${pave.url}/api/auth/callback`], grant_types: ['authorization_code'], response_types: ['code'] }],
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      cookies: { keys: ['test-only-cookie-key'] },
      pkce: { required: () => true },
      ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
      async findAccount(_ctx: unknown, id: string) {
        return { accountId: id, claims: () => ({ sub: id, email: `${id}@example.test`, email_verified: true, name: 'Bob' }) };
      },
    });
    handle = provider.callback();

    session = await launchBrowser();
    page = await session.newPage();
    page.on('pageerror', e => pageErrors.push(e.message));
  }, 180_000);

  afterAll(async () => {
    await session?.close();
    await pave?.close();
    await new Promise(resolve => idp?.close(resolve));
  });

  const cookie = async (name: string) => (await session.context.cookies(pave.url)).find(c => c.name === name)?.value;

  it('signs in through the provider, edits an owned entity with the CSRF token, and signs out', async () => {
    const editPath = '/catalog/default/component/payments/edit';
    await page.goto(pave.url + editPath);
    await page.getByRole('heading', { name: 'Sign in to Pave' }).waitFor();
    expect(await page.getByRole('link', { name: 'Continue as the demo guest' }).count()).toBe(0);
    const violations = await seriousAxeViolations(page);
    expect(violations, `axe found serious or critical violations on the sign-in page:\n${formatViolations(violations)}`).toEqual([]);
    await page.getByRole('link', { name: 'Sign in with your company account' }).click();

    // The provider's own pages: its login form, then its consent form.
    await page.waitForURL(url => url.origin === issuer);
    await page.locator('input[name="login"]').fill('bob');
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();

    // Back where the visit started, signed in as the User entity the e-mail claim maps to.
    await page.waitForURL(`${pave.url}${editPath}`);
    await expect.poll(() => page.locator('.account-name').textContent()).toBe(DISPLAY_NAME);
    expect(await page.locator('.account-link').getAttribute('title')).toBe('bob@example.test: your API tokens');
    expect(await cookie(SESSION_COOKIE)).toBeTruthy();
    const me = (await (await page.request.get(`${pave.url}/api/auth/me`)).json()) as { principal: string; via: string; csrfToken: string };
    expect(me).toMatchObject({ principal: 'user:default/bob', via: 'session' });
    expect(await cookie(CSRF_COOKIE)).toBe(me.csrfToken);
    await screenshot(page, 'oidc-signed-in');

    // A write from the portal (bob's team owns payments) carries the CSRF token in its header.
    const description = page.getByLabel('Description', { exact: true });
    await description.fill('Takes payments; edited after an OpenID Connect sign-in.');
    const put = page.waitForRequest((r: Request) => r.method() === 'PUT' && r.url().endsWith('/api/catalog/entities/by-name/Component/default/payments'));
    await page.getByRole('button', { name: 'Save changes' }).click();
    expect((await put).headers()['x-pave-csrf']).toBe(me.csrfToken);
    await page.locator('.success-state').waitFor();
    const saved = (await (await page.request.get(`${pave.url}/api/catalog/entities/by-name/component/default/payments`)).json()) as { metadata: { description?: string } };
    expect(saved.metadata.description).toBe('Takes payments; edited after an OpenID Connect sign-in.');
    const audit = await pave.app.auth.audit.query({ entityRef: 'component:default/payments', action: 'catalog.entity.write' });
    expect(audit.items[0]).toMatchObject({ actor: 'user:default/bob' });
    // The same write without the token is refused: the cookie alone is not enough.
    const forged = await page.request.put(`${pave.url}/api/catalog/entities/by-name/component/default/payments`, { data: saved });
    expect(forged.status()).toBe(403);
    expect(((await forged.json()) as { detail: string }).detail).toContain('CSRF token');

    // Sign out: the session ends on the server and the portal asks to sign in again.
    await page.locator('.account').getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Pave' }).waitFor();
    expect(await cookie(SESSION_COOKIE)).toBeUndefined();
    expect((await page.request.get(`${pave.url}/api/auth/me`)).status()).toBe(401);
    const signOut = await pave.app.auth.audit.query({ actor: 'user:default/bob', action: 'auth.session.*' });
    expect(signOut.items.map(e => e.action)).toEqual(['auth.session.delete', 'auth.session.create']);
    expect(signOut.items[1]).toMatchObject({ detail: { method: 'oidc', issuer, subject: 'bob' } });
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
  });
});
