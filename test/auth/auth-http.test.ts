import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../../src/auth/auth-config.js';
import { createLogger } from '../../src/core/logger.js';
import { expectProblem, json } from '../api/support.js';
import { CSRF_COOKIE, SESSION_COOKIE, changeAuthor, filterReadable, readableOrNull, refFromNameParams } from '../../src/api/authorize.js';
import { notFound } from '../../src/core/problem.js';
import { CookieJar, bearer, startAuthPave, tokenFor, type AuthPave } from './support.js';

/**
 * Identity and permissions over real HTTP: problems for 401 and 403, API tokens, scopes, the guest
 * sign-in, cookie sessions with CSRF protection, rules, explanations, the audit log and its export,
 * security headers, rate limits, and secrets kept out of the log.
 */
describe('auth over HTTP', () => {
  let pave: AuthPave;
  let log = '';
  let bobToken: string;
  let aliceToken: string;

  beforeAll(async () => {
    const sink = new Writable({ write: (chunk, _encoding, done) => ((log += String(chunk)), done()) });
    pave = await startAuthPave({
      // The guest acts as alice (an admin) here, so that sessions can do unsafe things worth protecting.
      auth: {
        guest: true,
        guestUser: 'user:default/alice',
        rateLimit: { ...DEFAULT_RATE_LIMITS, signInPerMinute: 8, tokensPerMinute: 100 },
        rules: [{ id: 'checkout-not-infra', description: 'Checkout does not see infra', effect: 'deny', actions: ['catalog.entity.read'], subjects: ['group:default/checkout-team'], resource: { refs: ['component:default/infra'] } }],
      },
      logger: createLogger('trace', sink),
      routes: server => {
        const { catalog } = server.authorization.app;
        server.get('/api/test/undeclared', async () => ({ open: true }));
        // Routes declared the way catalog routes will be: a list filtered for the caller, and an edit checked against the entity's owners.
        server.get('/api/test/components', { config: { permission: { action: 'catalog.entity.read' } } }, async request => {
          const entities = await filterReadable(request, await catalog.entities.list({ filter: ['kind=component'] }));
          return entities.map(e => e.metadata.name);
        });
        server.post('/api/test/by-refs', { config: { permission: { action: 'catalog.entity.read' } } }, async request => {
          const items = await readableOrNull(request, await catalog.entities.byRefs((request.body as { refs: string[] }).refs));
          return items.map(e => e?.metadata.name ?? null);
        });
        server.put(
          '/api/test/entities/:kind/:namespace/:name',
          {
            config: {
              permission: {
                action: 'catalog.entity.write',
                resource: async request => (await catalog.entities.byRef(refFromNameParams(request))) ?? Promise.reject(notFound(`No entity ${refFromNameParams(request)}`)),
              },
            },
          },
          async request => {
            const ref = refFromNameParams(request);
            await request.server.authorization.app.audit.record({ ...changeAuthor(request), action: 'catalog.entity.write', entityRef: ref, before: { v: 1 }, after: { v: 2 } });
            return { written: ref, by: request.identity.principal, rule: request.decision?.rule?.id };
          },
        );
      },
    });
    bobToken = await tokenFor(pave.app, 'user:default/bob');
    aliceToken = await tokenFor(pave.app, 'user:default/alice');
  });
  afterAll(async () => pave?.close());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(pave.url + path, { headers });
  const send = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(pave.url + path, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('answers 401 with a problem when a request has no credentials (even with guest sign-in on)', async () => {
    const problem = await expectProblem(await send('POST', '/api/auth/tokens', { name: 'x' }), 401);
    expect(problem).toMatchObject({ title: 'Unauthorized', action: 'auth.token.create' });
    expect(problem.detail).toMatch(/Sign in to auth\.token\.create/);
    await expectProblem(await get('/api/auth/me', { authorization: 'Basic Ym9iOnNlY3JldA==' }), 401);
    await expectProblem(await get('/api/auth/me', bearer('pave_not-a-real-token')), 401);
  });

  it('answers 403 with a problem naming the action when the rules do not allow it', async () => {
    const problem = await expectProblem(await get('/api/audit', bearer(bobToken)), 403);
    expect(problem).toMatchObject({ title: 'Forbidden', action: 'audit.log.query' });
    expect(problem.detail).toBe('user:default/bob may not audit.log.query: no rule allows audit.log.query to user:default/bob');
  });

  it('refuses a route that declares no permission, with a 500 problem and an error in the log', async () => {
    const problem = await expectProblem(await get('/api/test/undeclared', bearer(aliceToken)), 500);
    expect(problem.detail).toMatch(/declares no permission/);
    expect(log).toContain('route declares no permission: refused');
    expect(pave.server.authorization.undeclared().map(r => `${r.method} ${r.url}`)).toContain('GET /api/test/undeclared');
  });

  it('enforces a declared permission against the entity a route resolves: owners (child groups too) may, others may not', async () => {
    const carolToken = await tokenFor(pave.app, 'user:default/carol');
    const put = (path: string, token: string) => fetch(pave.url + path, { method: 'PUT', headers: bearer(token) });
    expect(await json(await put('/api/test/entities/component/default/payments', bobToken))).toEqual({ written: 'component:default/payments', by: 'user:default/bob', rule: 'default.owners-edit' });
    expect(await json(await put('/api/test/entities/component/default/payments', carolToken))).toMatchObject({ by: 'user:default/carol' });
    const problem = await expectProblem(await put('/api/test/entities/component/default/infra', bobToken), 403);
    expect(problem).toMatchObject({ action: 'catalog.entity.write', resourceRef: 'component:default/infra' });
    expect(problem.detail).toBe('user:default/bob may not catalog.entity.write on component:default/infra: no rule allows catalog.entity.write on component:default/infra to user:default/bob; it is allowed by "default.owners-edit" (role:owner)');
    expect((await put('/api/test/entities/component/default/infra', aliceToken)).status).toBe(200);
    await expectProblem(await put('/api/test/entities/component/default/missing', aliceToken), 404);
    await expectProblem(await fetch(`${pave.url}/api/test/entities/component/default/payments`, { method: 'PUT' }), 401);
  });

  it('leaves out of lists what the caller may not read', async () => {
    expect(await json(await get('/api/test/components', bearer(bobToken)))).toEqual(['dave-tool', 'payments']);
    expect(await json(await get('/api/test/components', bearer(aliceToken)))).toEqual(['dave-tool', 'infra', 'payments']);
    const refs = { refs: ['component:default/infra', 'component:default/nothing', 'component:default/payments'] };
    expect(await json(await send('POST', '/api/test/by-refs', refs, bearer(bobToken)))).toEqual([null, null, 'payments']);
    expect(await json(await send('POST', '/api/test/by-refs', refs, bearer(aliceToken)))).toEqual(['infra', null, 'payments']);
  });

  it('creates, lists, uses and revokes API tokens; the secret is shown once', async () => {
    const created = await json<{ token: string; id: string; principal: string; state: string }>(await send('POST', '/api/auth/tokens', { name: 'laptop', expiresInDays: 7 }, bearer(bobToken)), 201);
    expect(created).toMatchObject({ principal: 'user:default/bob', state: 'active' });
    const me = await json<{ principal: string; via: string; groups: string[] }>(await get('/api/auth/me', bearer(created.token)));
    expect(me).toMatchObject({ principal: 'user:default/bob', via: 'token' });
    expect(me.groups).toEqual(expect.arrayContaining(['group:default/checkout-team', 'group:default/org']));
    const listed = await (await get('/api/auth/tokens', bearer(bobToken))).text();
    expect(listed).toContain(created.id);
    expect(listed).not.toContain(created.token);
    expect(listed).not.toContain('user:default/alice');
    await expectProblem(await get('/api/auth/tokens?all=true', bearer(bobToken)), 403);
    expect((await json<{ items: unknown[] }>(await get('/api/auth/tokens?all=true', bearer(aliceToken)))).items.length).toBeGreaterThanOrEqual(3);

    await expectProblem(await fetch(`${pave.url}/api/auth/tokens/${created.id}`, { method: 'DELETE', headers: bearer(await tokenFor(pave.app, 'user:default/dave')) }), 403);
    expect(await json(await fetch(`${pave.url}/api/auth/tokens/${created.id}`, { method: 'DELETE', headers: bearer(bobToken) }))).toMatchObject({ state: 'revoked' });
    const revoked = await expectProblem(await get('/api/auth/me', bearer(created.token)), 401);
    expect(revoked.detail).toMatch(/was revoked/);
  });

  it('limits a token to its scopes', async () => {
    const scoped = await json<{ token: string }>(await send('POST', '/api/auth/tokens', { name: 'me-only', scopes: ['auth.session.read'] }, bearer(aliceToken)), 201);
    expect((await get('/api/auth/me', bearer(scoped.token))).status).toBe(200);
    const problem = await expectProblem(await get('/api/permissions/rules', bearer(scoped.token)), 403);
    expect(problem.detail).toMatch(/scopes \(auth\.session\.read\) do not include auth\.rule\.read/);
  });

  it('signs in as the guest with a session cookie (HttpOnly, SameSite=Lax) and protects unsafe requests with the CSRF token', async () => {
    const jar = new CookieJar();
    const { response, url } = await jar.fetch(`${pave.url}/api/auth/login?method=guest&returnTo=/api/auth/me`);
    expect(url).toBe(`${pave.url}/api/auth/me`);
    const me = await json<{ principal: string; roles: string[]; via: string; csrfToken: string }>(response);
    expect(me).toMatchObject({ principal: 'user:default/alice', via: 'guest', roles: ['signed-in', 'guest', 'admin'] });
    expect(jar.attributes(SESSION_COOKIE)).toMatch(/HttpOnly/);
    expect(jar.attributes(SESSION_COOKIE)).toMatch(/SameSite=Lax/);
    expect(jar.attributes(SESSION_COOKIE)).not.toMatch(/Secure/); // http base URL
    expect(jar.attributes(CSRF_COOKIE)).not.toMatch(/HttpOnly/);
    expect(me.csrfToken).toBe(jar.get(CSRF_COOKIE));

    const rule = { description: 'Carol edits infra', effect: 'allow', actions: ['catalog.entity.write'], subjects: ['user:default/carol'], resource: { refs: ['component:default/infra'] } };
    const cookie = jar.header(pave.url + '/api');
    const withoutCsrf = await expectProblem(await send('PUT', '/api/permissions/rules/carol-infra', rule, { cookie }), 403);
    expect(withoutCsrf.detail).toMatch(/x-pave-csrf/);
    await expectProblem(await send('PUT', '/api/permissions/rules/carol-infra', rule, { cookie, 'x-pave-csrf': 'forged' }), 403);
    expect(await json(await send('PUT', '/api/permissions/rules/carol-infra', rule, { cookie, 'x-pave-csrf': me.csrfToken }), 201)).toMatchObject({ id: 'carol-infra', source: 'store' });

    const logout = await fetch(`${pave.url}/api/auth/logout`, { method: 'POST', headers: { cookie, 'x-pave-csrf': me.csrfToken } });
    expect(logout.status).toBe(204);
    jar.capture(logout);
    expect(jar.get(SESSION_COOKIE)).toBeUndefined();
    await expectProblem(await send('PUT', '/api/permissions/rules/carol-infra', rule, { cookie, 'x-pave-csrf': me.csrfToken }), 401);
  });

  it('offers the guest sign-in, but a guest too must sign in (no credentials: 401), and warns in the log', async () => {
    await expectProblem(await get('/api/auth/me'), 401);
    expect(await json(await get('/api/auth/methods'))).toEqual({ enabled: true, oidc: false, guest: true });
    expect(log).toMatch(/Guest sign-in is on \(auth\.guest\): anyone who reaches this server can act as user:default\/alice/);
  });

  it('only follows returnTo paths on this server after sign-in', async () => {
    for (const target of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      await expectProblem(await fetch(`${pave.url}/api/auth/login?method=guest&returnTo=${encodeURIComponent(target)}`, { redirect: 'manual' }), 400);
    }
    await expectProblem(await fetch(`${pave.url}/api/auth/login?method=oidc`, { redirect: 'manual' }), 404);
  });

  it('serves rules to everyone signed in, writes them for admins only, and explains decisions', async () => {
    const rules = await json<{ items: Array<{ id: string; source: string }> }>(await get('/api/permissions/rules', bearer(bobToken)));
    expect(rules.items.map(r => r.id)).toEqual(expect.arrayContaining(['default.signed-in-read', 'default.owners-edit', 'default.admins']));
    const rule = { id: 'bob-x', description: '', effect: 'allow', actions: ['x.y.z'], subjects: ['role:signed-in'] };
    await expectProblem(await send('PUT', '/api/permissions/rules/bob-x', rule, bearer(bobToken)), 403);
    const invalid = await expectProblem(await send('PUT', '/api/permissions/rules/bad', { effect: 'perhaps', actions: 'all', subjects: [] }, bearer(aliceToken)), 422);
    expect(invalid.errors!.map(e => e.pointer).sort()).toEqual(['/actions', '/effect', '/subjects']);
    await expectProblem(await send('PUT', '/api/permissions/rules/default.admins', { ...rule, id: undefined }, bearer(aliceToken)), 409);
    await expectProblem(await send('PUT', '/api/permissions/rules/one', { ...rule, id: 'other' }, bearer(aliceToken)), 400);

    const owner = await json<{ allowed: boolean; rule: { id: string }; reason: string; identity: { groups: string[] } }>(
      await get('/api/permissions/explain?user=user:default/carol&action=catalog.entity.write&resourceRef=component:default/payments', bearer(bobToken)),
    );
    expect(owner).toMatchObject({ allowed: true, rule: { id: 'default.owners-edit' } });
    expect(owner.identity.groups).toContain('group:default/checkout-team');
    const other = await json<{ allowed: boolean; reason: string }>(await get('/api/permissions/explain?user=dave&action=catalog.entity.write&resourceRef=component:default/payments', bearer(bobToken)));
    expect(other).toEqual(expect.objectContaining({ allowed: false, reason: 'no rule allows catalog.entity.write on component:default/payments to user:default/dave; it is allowed by "default.owners-edit" (role:owner)' }));
    const self = await json<{ principal: string; allowed: boolean }>(await get('/api/permissions/explain?action=audit.log.query', bearer(bobToken)));
    expect(self).toMatchObject({ principal: 'user:default/bob', allowed: false });
  });

  it('answers an explanation it cannot give with a problem naming the query field at fault', async () => {
    const explain = (query: string) => get(`/api/permissions/explain?action=catalog.entity.read&${query}`, bearer(bobToken));
    const fieldOf = (problem: { errors?: Array<{ pointer: string }> }) => problem.errors?.map(e => e.pointer);

    for (const [user, ref] of [['nobody', 'user:default/nobody'], ['group:default/checkout-team', 'group:default/checkout-team']] as const) {
      const notAUser = await expectProblem(await explain(`user=${encodeURIComponent(user)}`), 422);
      expect(notAUser.detail).toBe(`${ref} is not a User in the catalog`);
      expect(fieldOf(notAUser)).toEqual(['/querystring/user']);
    }
    const badUser = await expectProblem(await explain(`user=${encodeURIComponent('user:')}`), 400);
    expect(fieldOf(badUser)).toEqual(['/querystring/user']);

    for (const resourceRef of ['payments', 'component:', ':default/payments']) {
      const badRef = await expectProblem(await explain(`user=carol&resourceRef=${encodeURIComponent(resourceRef)}`), 400);
      expect(badRef.detail).toContain(`"${resourceRef}" is not an entity ref`);
      expect(fieldOf(badRef)).toEqual(['/querystring/resourceRef']);
    }
    // Validation names its query fields the same way.
    expect(fieldOf(await expectProblem(await get('/api/permissions/explain', bearer(bobToken)), 400))).toEqual(['/querystring/action']);
    // A ref the catalog does not hold is still explained (nothing owns it yet).
    expect(await json(await explain('user=carol&resourceRef=component:default/not-yet'))).toMatchObject({ resourceRef: 'component:default/not-yet', principal: 'user:default/carol' });
  });

  it('shows every write in the audit log (admins), from where, and exports it as JSON lines', async () => {
    await expectProblem(await get('/api/audit/export', bearer(bobToken)), 403);
    const page = await json<{ items: Array<{ actor: string; action: string; entityRef?: string; ip?: string; userAgent?: string; requestId?: string; afterHash?: string }> }>(
      await get('/api/audit?limit=200', { ...bearer(aliceToken), 'user-agent': 'audit-reader' }),
    );
    const actions = page.items.map(i => i.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.token.create', 'auth.token.revoke', 'auth.session.create', 'auth.session.delete', 'auth.rule.write', 'catalog.entity.write']));
    expect(page.items.find(i => i.action === 'catalog.entity.write' && i.actor === 'user:default/carol')).toMatchObject({ entityRef: 'component:default/payments', ip: '127.0.0.1' });
    const revoke = page.items.find(i => i.action === 'auth.token.revoke')!;
    expect(revoke).toMatchObject({ actor: 'user:default/bob', ip: '127.0.0.1' });
    expect(revoke.requestId).toBeTruthy();
    const ruleWrite = page.items.find(i => i.action === 'auth.rule.write')!;
    expect(ruleWrite).toMatchObject({ actor: 'user:default/alice', entityRef: 'rule:carol-infra' });
    expect(ruleWrite.afterHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await json<{ items: unknown[] }>(await get('/api/audit?actor=user:default/bob&action=auth.token.*', bearer(aliceToken)))).items.length).toBeGreaterThanOrEqual(2);
    await expectProblem(await get('/api/audit?since=not-a-time', bearer(aliceToken)), 400);

    const exported = await get('/api/audit/export?action=auth.*', bearer(aliceToken));
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await exported.text()).trim().split('\n').map(line => JSON.parse(line) as { id: string; action: string });
    expect(lines.length).toBe(page.items.filter(i => i.action.startsWith('auth.')).length);
    expect(lines.map(l => l.id)).toEqual([...lines.map(l => l.id)].sort());
  });

  it('sends security headers and a Content-Security-Policy', async () => {
    const response = await get('/api/auth/methods');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('strict-transport-security')).toBeNull();
    // Computed once, sent on every answer: an unknown route's too.
    const missing = await get('/api/no-such-route');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(csp);
    // A stream writes its own head (the reply is hijacked): the headers are on it too.
    const controller = new AbortController();
    const stream = await fetch(`${pave.url}/api/events/stream`, { headers: bearer(aliceToken), signal: controller.signal });
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.headers.get('content-security-policy')).toBe(csp);
    expect(stream.headers.get('x-content-type-options')).toBe('nosniff');
    controller.abort();
    await stream.body?.cancel().catch(() => undefined);
  });

  it('rate-limits the sign-in routes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await fetch(`${pave.url}/api/auth/callback?code=x&state=y`, { redirect: 'manual' })).status);
    expect(statuses.slice(0, 8).every(s => s === 401)).toBe(true);
    expect(statuses.slice(8)).toEqual([429, 429]);
    const limited = await fetch(`${pave.url}/api/auth/callback`, { redirect: 'manual' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('never writes secrets to the log', async () => {
    const { token } = await json<{ token: string }>(await send('POST', '/api/auth/tokens', { name: 'logged?' }, bearer(aliceToken)), 201);
    await get('/api/auth/me', bearer(token));
    await get('/api/auth/me', { authorization: `Bearer ${token}x` });
    expect(log.length).toBeGreaterThan(0);
    for (const secret of [token, aliceToken, bobToken]) expect(log).not.toContain(secret.slice(5));
  });
});

describe('explanations within what the caller may read', () => {
  let pave: AuthPave;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    pave = await startAuthPave({
      auth: {
        rules: [
          {
            id: 'bob-sees-less',
            description: 'Bob may not read dave, the loop groups, or payments',
            effect: 'deny',
            actions: ['catalog.entity.read'],
            subjects: ['user:default/bob'],
            resource: { refs: ['user:default/dave', 'group:default/loop-*', 'component:default/payments'] },
          },
        ],
      },
    });
    for (const name of ['alice', 'bob', 'carol']) tokens.set(name, await tokenFor(pave.app, `user:default/${name}`));
  });
  afterAll(async () => pave?.close());

  const explain = (caller: string, query: string) => fetch(`${pave.url}/api/permissions/explain?${query}`, { headers: bearer(tokens.get(caller)!) });
  type Explained = { allowed: boolean; principal: string; resourceRef?: string; reason: string; rule?: { id: string }; matched: unknown[]; identity: { groups: string[] } };

  it('answers for a user the caller may not read exactly as for a user the catalog does not hold', async () => {
    // The same problem but for the ref it names (and the request it came from).
    const unnamed = (problem: { detail?: string; instance?: string }, ref: string) => ({ ...problem, instance: undefined, detail: problem.detail?.replace(ref, '<ref>') });
    const missing = await expectProblem(await explain('bob', 'user=nobody&action=catalog.entity.read'), 422);
    for (const form of ['dave', 'user:dave', 'User:Default/Dave']) {
      const hidden = await expectProblem(await explain('bob', `user=${encodeURIComponent(form)}&action=catalog.entity.read`), 422);
      expect(unnamed(hidden, 'user:default/dave')).toEqual(unnamed(missing, 'user:default/nobody'));
    }
    // Those who may read dave get the explanation.
    for (const caller of ['alice', 'carol']) {
      expect(await json<Explained>(await explain(caller, 'user=dave&action=catalog.entity.read'))).toMatchObject({ principal: 'user:default/dave', allowed: true });
    }
  });

  it("lists only the groups of another user that the caller may read; its own in full", async () => {
    const forBob = await json<Explained>(await explain('bob', 'user=erin&action=catalog.entity.read'));
    const forAlice = await json<Explained>(await explain('alice', 'user=erin&action=catalog.entity.read'));
    expect(forAlice.identity.groups.sort()).toEqual(['group:default/loop-a', 'group:default/loop-b']);
    expect(forBob).toEqual({ ...forAlice, identity: { ...forAlice.identity, groups: [] } });
    const self = await json<Explained>(await explain('bob', 'user=bob&action=catalog.entity.read'));
    expect(self.identity.groups).toEqual(expect.arrayContaining(['group:default/checkout-team', 'group:default/org']));
  });

  it('explains an entity the caller may not read as if the catalog did not hold it', async () => {
    const as = (caller: string, resourceRef: string) => explain(caller, `user=carol&action=catalog.entity.write&resourceRef=${resourceRef}`);
    // carol owns payments (through checkout-team): alice may read payments and is told so; bob may not.
    expect(await json<Explained>(await as('alice', 'component:default/payments'))).toMatchObject({ allowed: true, rule: { id: 'default.owners-edit' } });
    const hidden = await json<Explained>(await as('bob', 'component:default/payments'));
    const absent = await json<Explained>(await as('bob', 'component:default/not-there'));
    expect(hidden).toEqual(JSON.parse(JSON.stringify(absent).replaceAll('component:default/not-there', 'component:default/payments')));
    expect(hidden.allowed).toBe(false);
  });
});

describe('auth switched off', () => {
  let pave: AuthPave;
  beforeAll(async () => {
    pave = await startAuthPave({ auth: { enabled: false } });
  });
  afterAll(async () => pave?.close());

  it('lets every request act as an anonymous admin, undeclared routes included', async () => {
    expect(await json(await fetch(`${pave.url}/api/auth/me`))).toMatchObject({ principal: 'anonymous', roles: ['signed-in', 'admin'], via: 'disabled' });
    expect((await fetch(`${pave.url}/api/catalog/entities?limit=1`)).status).toBe(200);
    const explained = await json<{ allowed: boolean; reason: string }>(await fetch(`${pave.url}/api/permissions/explain?action=auth.rule.write`));
    expect(explained).toMatchObject({ allowed: true, reason: expect.stringMatching(/authorization is disabled/) });
  });
});
