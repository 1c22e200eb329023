import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, json } from '../api/support.js';
import { SESSION_COOKIE } from '../../src/api/authorize.js';
import { CookieJar, bearer, startAuthPave, tokenFor, type AuthPave } from './support.js';

/**
 * OpenID Connect sign-in end to end over HTTP: a real provider (oidc-provider) on 127.0.0.1, Pave as
 * its client (authorization code + PKCE through openid-client), a browser played by fetch with a
 * cookie jar that follows redirects and submits the provider's forms.
 */

/** The provider's people: account id → claims. */
const ACCOUNTS: Record<string, { email: string; preferred_username: string; name: string }> = {
  'acct-bob': { email: 'bob@example.test', preferred_username: 'bob', name: 'Bob' },
  'acct-carol': { email: 'CAROL@example.test', preferred_username: 'carol', name: 'Carol' },
  'acct-stranger': { email: 'stranger@elsewhere.test', preferred_username: 'stranger', name: 'Stranger' },
};

describe('OpenID Connect sign-in', () => {
  let idp: Server;
  let issuer: string;
  let byEmail: AuthPave;
  let byName: AuthPave;

  beforeAll(async () => {
    // The provider's address must be known before Pave starts, and Pave's before the provider knows its client.
    let handle: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
    idp = createServer((request, response) => handle!(request, response));
    await new Promise<void>(resolve => idp.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;

    const oidc = (extra: object) => ({ oidc: { issuer, clientId: 'pave', clientSecret: 'pave-test-secret', scopes: ['openid', 'email', 'profile'], userClaim: 'email', userField: 'spec.profile.email', ...extra } });
    byEmail = await startAuthPave({ auth: oidc({}) });
    byName = await startAuthPave({ auth: oidc({ clientId: 'pave-by-name', userClaim: 'preferred_username', userField: 'metadata.name' }) });

    const client = (id: string, pave: AuthPave) => ({
      client_id: id,
      client_secret: 'pave-test-secret',
      redirect_uris: [`${pave.url}/api/auth/callback`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    });
    const provider = new Provider(issuer, {
      clients: [client('pave', byEmail), client('pave-by-name', byName)],
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
      cookies: { keys: ['test-only-cookie-key'] },
      pkce: { required: () => true },
      ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
      async findAccount(_ctx: unknown, id: string) {
        const account = ACCOUNTS[id];
        if (!account) return undefined;
        return { accountId: id, claims: () => ({ sub: id, email_verified: true, ...account }) };
      },
    });
    handle = provider.callback();
  });

  afterAll(async () => {
    await byEmail?.close();
    await byName?.close();
    await new Promise(resolve => idp?.close(resolve));
  });

  /** Plays the browser: Pave's login, the provider's login and consent forms, back to Pave. */
  async function signIn(pave: AuthPave, account: string, returnTo = '/api/auth/me'): Promise<{ jar: CookieJar; response: Response; url: string; authorizeUrl: URL }> {
    const jar = new CookieJar();
    const start = await fetch(`${pave.url}/api/auth/login?returnTo=${encodeURIComponent(returnTo)}`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    jar.capture(start);
    const authorizeUrl = new URL(start.headers.get('location')!);
    let { response, url } = await jar.fetch(authorizeUrl.href);
    for (let step = 0; step < 3 && url.startsWith(issuer); step++) {
      const html = await response.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      if (!action) throw new Error(`No form at ${url}: ${html.slice(0, 300)}`);
      const fields = new URLSearchParams();
      for (const input of html.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) fields.set(input[1]!, input[2]!);
      if (fields.get('prompt') === 'login') {
        fields.set('login', account);
        fields.set('password', 'any');
      }
      ({ response, url } = await jar.fetch(new URL(action.replace(/&amp;/g, '&'), url).href, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: fields.toString(),
      }));
    }
    return { jar, response, url, authorizeUrl };
  }

  it('signs a person in with the authorization code flow and PKCE, maps them to a User by e-mail, and starts a session', async () => {
    const { jar, response, url, authorizeUrl } = await signIn(byEmail, 'acct-bob');
    expect(authorizeUrl.origin).toBe(issuer);
    expect(authorizeUrl.searchParams.get('response_type')).toBe('code');
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizeUrl.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorizeUrl.searchParams.get('redirect_uri')).toBe(`${byEmail.url}/api/auth/callback`);
    expect(authorizeUrl.searchParams.get('scope')).toBe('openid email profile');

    expect(url).toBe(`${byEmail.url}/api/auth/me`);
    const me = await json<{ principal: string; via: string; groups: string[]; csrfToken: string }>(response);
    expect(me).toMatchObject({ principal: 'user:default/bob', via: 'session' });
    expect(me.groups).toContain('group:default/org');
    expect(jar.attributes(SESSION_COOKIE)).toMatch(/HttpOnly/);

    const audit = await json<{ items: Array<{ action: string; actor: string; detail?: Record<string, unknown> }> }>(
      await fetch(`${byEmail.url}/api/audit?action=auth.session.create`, { headers: bearer(await tokenFor(byEmail.app, 'user:default/alice')) }),
    );
    expect(audit.items[0]).toMatchObject({ actor: 'user:default/bob', detail: { method: 'oidc', issuer, subject: 'acct-bob' } });
  });

  it('matches the e-mail case-insensitively', async () => {
    const { response } = await signIn(byEmail, 'acct-carol');
    expect(await json(response)).toMatchObject({ principal: 'user:default/carol' });
  });

  it('maps by a configured claim and field (preferred_username to metadata.name)', async () => {
    const { response, url } = await signIn(byName, 'acct-carol', '/api/auth/me?from=name');
    expect(url).toBe(`${byName.url}/api/auth/me?from=name`);
    expect(await json(response)).toMatchObject({ principal: 'user:default/carol' });
  });

  it('refuses a person who is not in the catalog', async () => {
    const { response, url } = await signIn(byEmail, 'acct-stranger');
    expect(url).toMatch(/\/api\/auth\/callback\?/);
    const problem = await expectProblem(response, 403);
    expect(problem.detail).toBe('No User in the catalog has spec.profile.email = stranger@elsewhere.test; ask the platform team to add you');
  });

  it('refuses a callback that this browser did not start, or whose state does not match', async () => {
    const stray = await expectProblem(await fetch(`${byEmail.url}/api/auth/callback?code=abc&state=def&iss=${encodeURIComponent(issuer)}`, { redirect: 'manual' }), 401);
    expect(stray.detail).toMatch(/No sign-in is under way/);

    const start = await fetch(`${byEmail.url}/api/auth/login`, { redirect: 'manual' });
    const jar = new CookieJar();
    jar.capture(start);
    const forged = await fetch(`${byEmail.url}/api/auth/callback?code=abc&state=forged&iss=${encodeURIComponent(issuer)}`, {
      redirect: 'manual',
      headers: { cookie: jar.header(`${byEmail.url}/api/auth/callback`) },
    });
    const problem = await expectProblem(forged, 401);
    expect(problem.detail).toMatch(/could not be completed/);
    // The pending sign-in is used up: the same cookie cannot try again.
    const again = await fetch(`${byEmail.url}/api/auth/callback?code=abc&state=forged`, { redirect: 'manual', headers: { cookie: jar.header(`${byEmail.url}/api/auth/callback`) } });
    expect((await expectProblem(again, 401)).detail).toMatch(/No sign-in is under way/);
  });

  it('passes on a refusal by the provider', async () => {
    const problem = await expectProblem(await fetch(`${byEmail.url}/api/auth/callback?error=access_denied&error_description=End-User+aborted`, { redirect: 'manual' }), 401);
    expect(problem.detail).toBe('The identity provider refused the sign-in: access_denied (End-User aborted)');
  });
});
