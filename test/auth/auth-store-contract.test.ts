import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { defaultConfig, type PaveConfig } from '../../src/pave-config.js';
import type { Clock } from '../../src/core/clock.js';
import { CatalogService } from '../../src/catalog/catalog-service.js';
import { AuthService } from '../../src/auth/auth-service.js';
import { contentHash } from '../../src/core/content-hash.js';
import type { Identity } from '../../src/auth/identity.js';
import { postgresFactory, sqliteFactory, type StoreFactory, type TestStore } from '../support/stores.js';
import { authConfig, seedOrg } from './support.js';
import { catalogServiceOver } from '../support/catalog-service.js';

/**
 * Identity, tokens, rules, sessions and the audit log behave the same on SQLite and PostgreSQL:
 * real stores, the real catalog, a clock the test moves.
 */
const factories: StoreFactory[] = [sqliteFactory, await postgresFactory()];

class TestClock implements Clock {
  constructor(public time: number) {}
  now() {
    return new Date(this.time);
  }
  advance(ms: number) {
    this.time += ms;
  }
}

const DAY = 86_400_000;
const CONTEXT = { ip: '203.0.113.7', userAgent: 'contract-test', requestId: 'req-42' };

for (const factory of factories) describe.skipIf(Boolean(factory.unavailable))(`auth contract: ${factory.name}`, () => {
  // One store per database (opening PostgreSQL and seeding costs a second); each test gets its own
  // clock, 30 days after the previous test's, and reads the audit log from its own start.
  let handle: TestStore;
  let catalog: CatalogService;
  let clock: TestClock;
  let start: string;
  let auth: AuthService;
  let operator: Identity;
  let tests = 0;
  const config: PaveConfig = { ...defaultConfig(), auth: authConfig() };

  beforeAll(async () => {
    handle = await factory.open();
    catalog = catalogServiceOver(handle.store, config.catalog);
    await seedOrg(catalog);
  });
  afterAll(async () => handle?.dispose());
  beforeEach(() => {
    clock = new TestClock(Date.parse('2026-03-01T09:00:00.000Z') + tests++ * 30 * DAY);
    start = clock.now().toISOString();
    auth = new AuthService({ store: handle.store, config, entities: catalog.entities, clock });
    operator = auth.localOperator();
  });

  describe('group hierarchy', () => {
    it('counts a member of a child group as a member of every ancestor', async () => {
      const carol = await auth.membership.ofUser('user:default/carol');
      expect(carol.groups.sort()).toEqual(['group:default/checkout-payments', 'group:default/checkout-team', 'group:default/engineering', 'group:default/org']);
      expect(await auth.membership.isMember('user:default/carol', 'group:default/org')).toBe(true);
      expect(await auth.membership.isMember('user:default/bob', 'group:default/checkout-payments')).toBe(false);
      expect((await auth.membership.ofUser('user:default/dave')).groups).toEqual([]);
    });

    it('ends on cycles, each group once', async () => {
      expect((await auth.membership.ofUser('user:default/erin')).groups.sort()).toEqual(['group:default/loop-a', 'group:default/loop-b']);
    });

    it('makes members of the admin group (through child groups too) admins', async () => {
      const alice = await auth.permissions.identityForUser('alice', 'session');
      expect(alice).toMatchObject({ principal: 'user:default/alice', roles: ['signed-in', 'admin'], email: 'alice@example.test' });
      expect((await auth.permissions.identityForUser('user:default/bob', 'session')).roles).toEqual(['signed-in']);
      await expect(auth.permissions.identityForUser('user:default/nobody', 'session')).rejects.toMatchObject({ status: 401 });
    });
  });

  describe('API tokens', () => {
    it('stores only the SHA-256 of the secret, which authenticates as its user until it expires', async () => {
      const { token, record } = await auth.tokens.create(operator, { name: 'laptop', user: 'user:default/bob', expiresInDays: 1 }, CONTEXT);
      expect(token).toMatch(/^pave_[A-Za-z0-9_-]{43}$/);
      expect(record).toMatchObject({ kind: 'personal', principal: 'user:default/bob', scopes: ['*'], state: 'active', createdBy: operator.principal });
      const rows = await handle.store.db.selectFrom('auth_tokens').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(token.slice(10));
      expect(rows.find(r => r.id === record.id)!.secret_hash).toHaveLength(64);

      const { identity } = await auth.authenticate({ bearer: token });
      expect(identity).toMatchObject({ principal: 'user:default/bob', via: 'token', tokenId: record.id, groups: expect.arrayContaining(['group:default/engineering']) });
      const listed = async () => (await auth.tokens.list(operator, { principal: 'user:default/bob' })).find(t => t.id === record.id)!;
      expect((await listed()).lastUsedAt).toBe(clock.now().toISOString());

      clock.advance(DAY);
      await expect(auth.authenticate({ bearer: token })).rejects.toMatchObject({ status: 401, message: expect.stringMatching(/expired at/) });
      expect((await listed()).state).toBe('expired');
    });

    it('stops working at once when revoked, and says so', async () => {
      const bob = await auth.permissions.identityForUser('bob', 'session');
      const { token, record } = await auth.tokens.create(bob, { name: 'ci' }, CONTEXT);
      expect(record.principal).toBe('user:default/bob');
      await auth.authenticate({ bearer: token });
      const dave = await auth.permissions.identityForUser('dave', 'session');
      await expect(auth.tokens.revoke(dave, record.id, CONTEXT)).rejects.toMatchObject({ status: 403 });
      const revoked = await auth.tokens.revoke(bob, record.id, CONTEXT);
      expect(revoked).toMatchObject({ state: 'revoked', revokedBy: 'user:default/bob' });
      await expect(auth.authenticate({ bearer: token })).rejects.toMatchObject({ status: 401, message: expect.stringMatching(/was revoked/) });
      await expect(auth.authenticate({ bearer: 'pave_unknown' })).rejects.toMatchObject({ status: 401, message: 'The API token is unknown' });
    });

    it('limits a token to its scopes, and a scoped token cannot mint a wider one', async () => {
      const { token } = await auth.tokens.create(operator, { name: 'reader', user: 'alice', scopes: ['catalog.*.read'] });
      const { identity } = await auth.authenticate({ bearer: token });
      expect((await auth.permissions.decide(identity, 'catalog.entity.read', 'component:default/infra')).allowed).toBe(true);
      // alice is an admin, but this token is for reading the catalog only.
      expect((await auth.permissions.decide(identity, 'catalog.entity.write', 'component:default/infra')).allowed).toBe(false);
      expect((await auth.permissions.decide(identity, 'auth.rule.write')).reason).toMatch(/scopes/);
      const full = (await auth.authenticate({ bearer: (await auth.tokens.create(operator, { name: 'minter', user: 'alice', scopes: ['auth.token.*', 'catalog.*'] })).token })).identity;
      await expect(auth.tokens.create(full, { name: 'wider', scopes: ['*'] })).rejects.toMatchObject({ status: 403 });
      await expect(auth.tokens.create(full, { name: 'narrower', scopes: ['catalog.entity.read'] })).resolves.toBeDefined();
    });

    it('lets only admins make service tokens or tokens for others; service tokens act for their groups', async () => {
      const bob = await auth.permissions.identityForUser('bob', 'session');
      await expect(auth.tokens.create(bob, { name: 'x', user: 'user:default/carol' })).rejects.toMatchObject({ status: 403 });
      await expect(auth.tokens.create(bob, { name: 'x', kind: 'service', service: 'ci' })).rejects.toMatchObject({ status: 403 });
      const alice = await auth.permissions.identityForUser('alice', 'session');
      const { token, record } = await auth.tokens.create(alice, { name: 'deployer', kind: 'service', service: 'deployer', groups: ['checkout-team'] });
      expect(record).toMatchObject({ principal: 'service:deployer', groups: ['group:default/checkout-team'] });
      const { identity } = await auth.authenticate({ bearer: token });
      expect(identity.groups).toEqual(['group:default/checkout-team', 'group:default/engineering', 'group:default/org']);
      expect((await auth.permissions.decide(identity, 'catalog.entity.write', 'component:default/payments')).allowed).toBe(true);
      expect((await auth.permissions.decide(identity, 'catalog.entity.write', 'component:default/infra')).allowed).toBe(false);
    });

    it('refuses bad requests field by field', async () => {
      await expect(auth.tokens.create(operator, { name: '', user: 'user:default/bob', scopes: ['bad scope'], expiresInDays: 9999 })).rejects.toMatchObject({
        status: 422,
        problem: { errors: expect.arrayContaining([expect.objectContaining({ pointer: '/name' }), expect.objectContaining({ pointer: '/scopes/0' }), expect.objectContaining({ pointer: '/expiresInDays' })]) },
      });
      await expect(auth.tokens.create(operator, { name: 'ghost', user: 'user:default/nobody' })).rejects.toMatchObject({ status: 401 });
    });
  });

  describe('stored rules', () => {
    it('are created, replaced and deleted by admins only, and take effect at once', async () => {
      const alice = await auth.permissions.identityForUser('alice', 'session');
      const bob = await auth.permissions.identityForUser('bob', 'session');
      const rule = { id: 'bob-edits-infra', description: 'Bob helps with infra', effect: 'allow', actions: ['catalog.entity.write'], subjects: ['user:default/bob'], resource: { refs: ['component:default/infra'] } };
      await expect(auth.permissions.saveRule(bob, rule)).rejects.toMatchObject({ status: 403 });
      expect((await auth.permissions.decide(bob, 'catalog.entity.write', 'component:default/infra')).allowed).toBe(false);
      expect(await auth.permissions.saveRule(alice, rule, CONTEXT)).toMatchObject({ created: true, rule: { source: 'store' } });
      const explained = await auth.permissions.explain('user:default/bob', 'catalog.entity.write', 'component:default/infra');
      expect(explained).toMatchObject({ allowed: true, rule: { id: 'bob-edits-infra', source: 'store' } });
      expect((await auth.permissions.saveRule(alice, { ...rule, effect: 'deny' })).created).toBe(false);
      expect((await auth.permissions.explain('bob', 'catalog.entity.read', 'component:default/infra')).allowed).toBe(true);
      await expect(auth.permissions.saveRule(alice, { ...rule, id: 'default.admins' })).rejects.toMatchObject({ status: 409 });
      await expect(auth.permissions.saveRule(alice, { ...rule, actions: [] })).rejects.toMatchObject({ status: 422 });
      await auth.permissions.deleteRule(alice, rule.id, CONTEXT);
      expect((await auth.permissions.rules()).map(r => r.id)).not.toContain(rule.id);
      await expect(auth.permissions.deleteRule(alice, rule.id)).rejects.toMatchObject({ status: 404 });
    });
  });

  describe('sessions', () => {
    it('expire after the configured hours, and sign-ins under way can finish once', async () => {
      const { secret, session } = await auth.sessions.create('user:default/bob', 'oidc', CONTEXT);
      expect((await auth.authenticate({ sessionSecret: secret })).identity.principal).toBe('user:default/bob');
      expect(session.csrfToken).not.toBe(secret);
      clock.advance(12 * 3_600_000);
      expect((await auth.authenticate({ sessionSecret: secret })).identity.principal).toBe('anonymous');
      const loginSecret = await auth.sessions.beginLogin({ state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/' });
      expect(await auth.sessions.takeLogin(loginSecret)).toEqual({ state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/' });
      expect(await auth.sessions.takeLogin(loginSecret)).toBeUndefined();
    });
  });

  describe('audit log', () => {
    it('records each kind of write with who, what, which, when, where and hashes of before and after', async () => {
      const alice = await auth.permissions.identityForUser('alice', 'session');
      const { record } = await auth.tokens.create(alice, { name: 'a' }, CONTEXT);
      clock.advance(1000);
      await auth.tokens.revoke(alice, record.id, CONTEXT);
      const rule = { id: 'r', description: 'd', effect: 'allow' as const, actions: ['x.y.z'], subjects: ['role:signed-in'] };
      await auth.permissions.saveRule(alice, rule, CONTEXT);
      await auth.permissions.deleteRule(alice, 'r', CONTEXT);
      await auth.signInAsGuest(CONTEXT).catch(() => undefined); // guest is off: nothing recorded
      const entity = { kind: 'Component', name: 'payments' };
      await auth.audit.record({ actor: alice, action: 'catalog.entity.write', entityRef: 'component:default/payments', before: { ...entity, v: 1 }, after: { ...entity, v: 2 }, context: CONTEXT });

      const { items } = await auth.audit.query({ since: start });
      expect(items.map(i => i.action)).toEqual(['catalog.entity.write', 'auth.rule.delete', 'auth.rule.write', 'auth.token.revoke', 'auth.token.create']);
      for (const item of items) expect(item).toMatchObject({ actor: 'user:default/alice', ip: '203.0.113.7', userAgent: 'contract-test', requestId: 'req-42' });
      const [write, ruleDelete, ruleWrite, revoke, create] = items;
      expect(write).toMatchObject({ entityRef: 'component:default/payments', beforeHash: contentHash({ v: 1, ...entity }), afterHash: contentHash({ ...entity, v: 2 }) });
      expect(create).toMatchObject({ entityRef: `token:${record.id}`, at: start });
      expect(create!.beforeHash).toBeUndefined();
      expect(create!.afterHash).toMatch(/^[0-9a-f]{64}$/);
      expect(revoke!.beforeHash).toBe(create!.afterHash);
      expect(revoke!.afterHash).not.toBe(revoke!.beforeHash);
      expect(ruleWrite).toMatchObject({ entityRef: 'rule:r', afterHash: contentHash(rule) });
      expect(ruleDelete).toMatchObject({ beforeHash: contentHash(rule) });
      expect(ruleDelete!.afterHash).toBeUndefined();
      expect(JSON.stringify(items)).not.toMatch(/pave_[A-Za-z0-9_-]{20}/);
    });

    it('filters by actor, entity, action (globs too) and time, pages newest first and exports oldest first', async () => {
      for (let i = 0; i < 5; i++) {
        await auth.audit.record({ actor: i % 2 ? 'user:default/bob' : 'service:ci', action: i < 3 ? 'catalog.entity.write' : 'auth.token.create', entityRef: `component:default/c${i}` });
        clock.advance(60_000);
      }
      expect((await auth.audit.query({ since: start, actor: 'user:default/bob' })).items.map(i => i.entityRef)).toEqual(['component:default/c3', 'component:default/c1']);
      expect((await auth.audit.query({ since: start, entityRef: 'Component:default/C2' })).items).toHaveLength(1);
      expect((await auth.audit.query({ since: start, action: 'auth.*' })).items).toHaveLength(2);
      expect((await auth.audit.query({ since: start, action: 'catalog.entity.write' })).items).toHaveLength(3);
      expect((await auth.audit.query({ since: new Date(Date.parse(start) + 120_000).toISOString() })).items.map(i => i.entityRef)).toEqual(['component:default/c4', 'component:default/c3', 'component:default/c2']);
      const first = await auth.audit.query({ since: start, limit: 2 });
      expect(first.items.map(i => i.entityRef)).toEqual(['component:default/c4', 'component:default/c3']);
      const second = await auth.audit.query({ since: start, limit: 2, cursor: first.nextCursor });
      expect(second.items.map(i => i.entityRef)).toEqual(['component:default/c2', 'component:default/c1']);
      const exported = [];
      for await (const entry of auth.audit.export({ since: start, action: 'catalog.*' })) exported.push(entry.entityRef);
      expect(exported).toEqual(['component:default/c0', 'component:default/c1', 'component:default/c2']);
      await expect(auth.audit.query({ since: 'yesterday' })).rejects.toMatchObject({ status: 400 });
    });

    it('is append-only: the database refuses to change or remove entries', async () => {
      await auth.audit.record({ actor: 'service:ci', action: 'catalog.entity.write' });
      await expect(handle.store.db.updateTable('audit_log').set({ actor: 'someone-else' }).execute()).rejects.toThrow(/append-only/);
      await expect(handle.store.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
      if (factory.name === 'postgres') await expect(sql`TRUNCATE audit_log`.execute(handle.store.db)).rejects.toThrow(/append-only/);
      expect((await auth.audit.query({ since: start })).items).toHaveLength(1);
    });
  });
});
