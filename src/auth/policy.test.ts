import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../pave-config.js';
import { validateAuthRule, type AuthRule } from './auth-rule.js';
import { isPaveError } from '../core/problem.js';
import { globMatches } from './action-glob.js';
import { defaultRules } from './default-policy.js';
import type { Identity } from './identity.js';
import { decide, type ResourceFacts, type SourcedRule } from './policy.js';
import { factsOf } from './permission-service.js';

const sourced = (rules: AuthRule[], source: SourcedRule['source'] = 'config'): SourcedRule[] => rules.map(r => ({ ...r, source }));
const DEFAULTS = sourced(defaultRules({ adminGroup: 'group:default/platform-team', platformGroup: 'group:default/platform-team' }), 'default');

const person = (name: string, groups: string[] = [], extra: Partial<Identity> = {}): Identity => ({
  principal: `user:default/${name}`,
  userRef: `user:default/${name}`,
  groups,
  roles: ['signed-in', ...(groups.includes('group:default/platform-team') ? (['admin'] as const) : [])],
  via: 'session',
  ...extra,
});

const payments: ResourceFacts = { ref: 'component:default/payments', kind: 'component', namespace: 'default', owners: ['group:default/checkout-team'] };

describe('action globs', () => {
  it('match whole actions, * spanning dots, case-insensitively', () => {
    expect(globMatches('catalog.entity.*', 'catalog.entity.read')).toBe(true);
    expect(globMatches('catalog.*', 'catalog.entity.read')).toBe(true);
    expect(globMatches('*.read', 'auth.token.read')).toBe(true);
    expect(globMatches('*', 'anything.at.all')).toBe(true);
    expect(globMatches('catalog.entity.read', 'CATALOG.Entity.Read')).toBe(true);
    expect(globMatches('catalog.entity', 'catalog.entity.read')).toBe(false);
    expect(globMatches('catalog.entity.read', 'catalog.entityXread')).toBe(false);
    expect(globMatches('component:default/pay*', 'component:default/payments')).toBe(true);
  });
});

describe('decide', () => {
  it('denies when no rule matches, naming action, principal and resource', () => {
    const decision = decide([], person('dave'), 'catalog.entity.write', payments);
    expect(decision).toMatchObject({ allowed: false, action: 'catalog.entity.write', principal: 'user:default/dave', resourceRef: 'component:default/payments' });
    expect(decision.rule).toBeUndefined();
    expect(decision.reason).toBe('no rule allows catalog.entity.write on component:default/payments to user:default/dave');
  });

  it('names the rules that would allow a refused action (but not the admins\' catch-all)', () => {
    const decision = decide(DEFAULTS, person('dave'), 'catalog.membership.write', { ...payments, ref: 'user:default/dave', kind: 'user', owners: [] });
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toBe('no rule allows catalog.membership.write on user:default/dave to user:default/dave; it is allowed by "default.governance" (role:admin)');
    expect(decide(DEFAULTS, person('ann', ['group:default/platform-team']), 'catalog.membership.write', payments).rule?.id).toBe('default.governance');
  });

  it('lets deny win over allow, whatever the order', () => {
    const rules = sourced([
      { id: 'all', description: 'everyone', effect: 'allow', actions: ['*'], subjects: ['role:signed-in'] },
      { id: 'no-delete', description: 'nobody deletes', effect: 'deny', actions: ['catalog.entity.delete'], subjects: ['role:signed-in'] },
    ]);
    for (const order of [rules, [...rules].reverse()]) {
      const decision = decide(order, person('bob'), 'catalog.entity.delete', payments);
      expect(decision.allowed).toBe(false);
      expect(decision.rule?.id).toBe('no-delete');
      expect(decision.matched.map(m => m.id)).toEqual(['no-delete', 'all']);
      expect(decide(order, person('bob'), 'catalog.entity.read', payments).rule?.id).toBe('all');
    }
  });

  it('matches users, groups, services and roles as subjects', () => {
    const rule = (subject: string): SourcedRule[] => sourced([{ id: 'r', description: '', effect: 'allow', actions: ['x.y.z'], subjects: [subject] }]);
    expect(decide(rule('user:default/bob'), person('bob'), 'x.y.z').allowed).toBe(true);
    expect(decide(rule('User:Default/Bob'), person('bob'), 'x.y.z').allowed).toBe(true);
    expect(decide(rule('user:default/bob'), person('carol'), 'x.y.z').allowed).toBe(false);
    expect(decide(rule('group:default/engineering'), person('carol', ['group:default/engineering']), 'x.y.z').allowed).toBe(true);
    const service: Identity = { principal: 'service:ci', groups: [], roles: ['signed-in'], via: 'token' };
    expect(decide(rule('service:ci'), service, 'x.y.z').allowed).toBe(true);
    expect(decide(rule('role:guest'), person('g', [], { roles: ['signed-in', 'guest'] }), 'x.y.z').allowed).toBe(true);
    expect(decide(rule('role:guest'), person('bob'), 'x.y.z').allowed).toBe(false);
    expect(decide(rule('role:signed-in'), { principal: 'anonymous', groups: [], roles: [], via: 'none' }, 'x.y.z').allowed).toBe(false);
  });

  it('role:owner holds for owning groups (inherited membership included), owning users and the user itself', () => {
    const ownerRule = sourced([{ id: 'owners', description: '', effect: 'allow', actions: ['catalog.entity.write'], subjects: ['role:owner'] }]);
    expect(decide(ownerRule, person('bob', ['group:default/checkout-team']), 'catalog.entity.write', payments).allowed).toBe(true);
    expect(decide(ownerRule, person('carol', ['group:default/checkout-payments', 'group:default/checkout-team']), 'catalog.entity.write', payments).allowed).toBe(true);
    expect(decide(ownerRule, person('dave'), 'catalog.entity.write', payments).allowed).toBe(false);
    expect(decide(ownerRule, person('dave'), 'catalog.entity.write', { ...payments, owners: ['user:default/dave'] }).allowed).toBe(true);
    expect(decide(ownerRule, person('dave'), 'catalog.entity.write', { ref: 'user:default/dave', kind: 'user', namespace: 'default', owners: [] }).allowed).toBe(true);
    expect(decide(ownerRule, person('bob', ['group:default/checkout-team']), 'catalog.entity.write').allowed).toBe(false);
  });

  it('applies resource conditions: kinds, namespaces, ref globs, owners; never to an action on no resource', () => {
    const rules = sourced([
      { id: 'apis', description: '', effect: 'allow', actions: ['catalog.entity.write'], subjects: ['role:signed-in'], resource: { kinds: ['API'], namespaces: ['default'], refs: ['api:default/public-*'], owners: ['group:default/checkout-team'] } },
    ]);
    const api: ResourceFacts = { ref: 'api:default/public-orders', kind: 'api', namespace: 'default', owners: ['group:default/checkout-team'] };
    expect(decide(rules, person('dave'), 'catalog.entity.write', api).allowed).toBe(true);
    expect(decide(rules, person('dave'), 'catalog.entity.write', { ...api, kind: 'component' }).allowed).toBe(false);
    expect(decide(rules, person('dave'), 'catalog.entity.write', { ...api, namespace: 'other' }).allowed).toBe(false);
    expect(decide(rules, person('dave'), 'catalog.entity.write', { ...api, ref: 'api:default/orders' }).allowed).toBe(false);
    expect(decide(rules, person('dave'), 'catalog.entity.write', { ...api, owners: ['group:default/other'] }).allowed).toBe(false);
    expect(decide(rules, person('dave'), 'catalog.entity.write').allowed).toBe(false);
  });

  it("limits a token to its scopes, whatever the rules allow", () => {
    const admin = person('alice', ['group:default/platform-team'], { via: 'token', scopes: ['catalog.*.read'] });
    expect(decide(DEFAULTS, admin, 'catalog.entity.read', payments).allowed).toBe(true);
    const denied = decide(DEFAULTS, admin, 'auth.rule.write');
    expect(denied.allowed).toBe(false);
    expect(denied.reason).toMatch(/scopes \(catalog\.\*\.read\) do not include auth\.rule\.write/);
  });
});

describe('the default policy', () => {
  const bob = person('bob', ['group:default/checkout-team', 'group:default/engineering']);
  const alice = person('alice', ['group:default/platform-team', 'group:default/engineering']);
  const guest = person('priya', ['group:default/checkout-team'], { via: 'guest', roles: ['signed-in', 'guest'] });

  it('lets signed-in people read everything, but not the audit log', () => {
    expect(decide(DEFAULTS, bob, 'catalog.entity.read', payments).rule?.id).toBe('default.signed-in-read');
    expect(decide(DEFAULTS, bob, 'auth.rule.read').allowed).toBe(true);
    expect(decide(DEFAULTS, bob, 'audit.log.query').allowed).toBe(false);
    expect(decide(DEFAULTS, { principal: 'anonymous', groups: [], roles: [], via: 'none' }, 'catalog.entity.read', payments).allowed).toBe(false);
  });

  it('lets owners edit what they own and nothing else', () => {
    expect(decide(DEFAULTS, bob, 'catalog.entity.write', payments).rule?.id).toBe('default.owners-edit');
    expect(decide(DEFAULTS, bob, 'platform.request.create', payments).allowed).toBe(true);
    expect(decide(DEFAULTS, bob, 'catalog.entity.write', { ...payments, owners: ['group:default/platform-team'] }).allowed).toBe(false);
  });

  it('lets the platform team publish, and admins manage rules and audit', () => {
    expect(decide(DEFAULTS, alice, 'platform.capability.publish').allowed).toBe(true);
    expect(decide(DEFAULTS, alice, 'catalog.location.create').allowed).toBe(true);
    expect(decide(DEFAULTS, bob, 'platform.capability.publish').allowed).toBe(false);
    expect(decide(DEFAULTS, alice, 'auth.rule.write').rule?.id).toBe('default.admins');
    expect(decide(DEFAULTS, bob, 'auth.rule.write').allowed).toBe(false);
    expect(decide(DEFAULTS, alice, 'audit.log.export').allowed).toBe(true);
  });

  it("lets whoever created a template task read and cancel it (a service too), not the other signed-in people; admins read every task", () => {
    const task: ResourceFacts = { ref: 'task:default/0190-task', kind: 'task', namespace: 'default', owners: ['user:default/bob'] };
    expect(decide(DEFAULTS, bob, 'templates.task.read', task).rule?.id).toBe('default.own-tasks');
    expect(decide(DEFAULTS, bob, 'templates.task.cancel', task).allowed).toBe(true);
    const carol = person('carol', ['group:default/checkout-team', 'group:default/engineering']);
    expect(decide(DEFAULTS, carol, 'templates.task.read', task).allowed).toBe(false);
    expect(decide(DEFAULTS, carol, 'templates.task.cancel', task).allowed).toBe(false);
    expect(decide(DEFAULTS, alice, 'templates.task.read', task).rule?.id).toBe('default.admins');
    const ci: Identity = { principal: 'service:ci', groups: [], roles: ['signed-in'], via: 'token' };
    expect(decide(DEFAULTS, ci, 'templates.task.read', { ...task, owners: ['service:ci'] }).allowed).toBe(true);
    expect(decide(DEFAULTS, ci, 'templates.task.read', task).allowed).toBe(false);
  });

  it('keeps guests from minting tokens (deny wins) while they act as the demo user', () => {
    expect(decide(DEFAULTS, guest, 'catalog.entity.write', payments).allowed).toBe(true);
    const tokens = decide(DEFAULTS, guest, 'auth.token.create');
    expect(tokens).toMatchObject({ allowed: false, rule: { id: 'default.guests-no-tokens', effect: 'deny' } });
    expect(decide(DEFAULTS, bob, 'auth.token.create').allowed).toBe(true);
  });
});

describe('facts of an entity', () => {
  it('takes owners from ownedBy relations, or from spec.owner before the entity is stored', () => {
    const stored = { apiVersion: 'v1', kind: 'Component', metadata: { name: 'x', namespace: 'shop' }, spec: { owner: 'team' }, relations: [{ type: 'ownedBy', targetRef: 'group:shop/team' }] };
    expect(factsOf(stored)).toEqual({ ref: 'component:shop/x', kind: 'component', namespace: 'shop', owners: ['group:shop/team'] });
    const fresh = { apiVersion: 'v1', kind: 'Component', metadata: { name: 'x', namespace: 'shop' }, spec: { owner: 'user:default/Jane' } };
    expect(factsOf(fresh).owners).toEqual(['user:default/jane']);
    expect(factsOf({ ...fresh, spec: { owner: 'team' } }).owners).toEqual(['group:shop/team']);
  });
});

describe('rules as configuration', () => {
  it('names every mistake of a rule by JSON pointer', () => {
    const errors = validateAuthRule({ id: 'Bad Id', effect: 'maybe', actions: [], subjects: ['people', 'role:owner'], resource: { kinds: [], colour: ['red'] }, extra: 1 });
    expect(errors.map(e => e.pointer).sort()).toEqual(['/actions', '/effect', '/extra', '/id', '/resource/colour', '/resource/kinds', '/subjects/0'].sort());
    expect(validateAuthRule({ id: 'ok', description: 'fine', effect: 'deny', actions: ['catalog.*'], subjects: ['group:default/a', 'service:ci', 'role:admin'] })).toEqual([]);
  });

  it('reads auth from pave.config.yaml and reports each mistake at start, with defaults filled in', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pave-config-'));
    try {
      writeFileSync(join(dir, 'pave.config.yaml'), 'auth:\n  guest: yes-please\n  adminGroup: admins\n  rules:\n    - { id: r1, effect: allow, actions: ["*"], subjects: [role:signed-in] }\n    - { id: r1, effect: allow, actions: [], subjects: [role:nobody] }\n');
      let caught: unknown;
      try {
        loadConfig({ cwd: dir, env: {} });
      } catch (error) {
        caught = error;
      }
      expect(isPaveError(caught)).toBe(true);
      const pointers = (caught as { problem: { errors: Array<{ pointer: string }> } }).problem.errors.map(e => e.pointer);
      expect(pointers).toEqual(expect.arrayContaining(['/auth/guest', '/auth/adminGroup', '/auth/rules/1/actions', '/auth/rules/1/subjects/0', '/auth/rules/1/id']));

      writeFileSync(join(dir, 'pave.config.yaml'), 'auth:\n  rules:\n    - { id: r1, description: all, effect: allow, actions: ["*"], subjects: [role:signed-in] }\n');
      const config = loadConfig({ cwd: dir, env: { PAVE_OIDC_ISSUER: 'https://id.example.test', PAVE_OIDC_CLIENT_ID: 'pave' } });
      expect(config.auth).toMatchObject({ enabled: true, guest: false, adminGroup: 'group:default/platform-team', rules: [{ id: 'r1' }] });
      expect(config.auth.oidc).toEqual({ issuer: 'https://id.example.test', clientId: 'pave', scopes: ['openid', 'email', 'profile'], userClaim: 'email', userField: 'spec.profile.email' });
      expect(loadConfig({ cwd: dir, env: {}, overrides: { demo: true } }).auth.guest).toBe(true);
      expect(loadConfig({ cwd: dir, env: { PAVE_AUTH_ENABLED: 'false' } }).auth.enabled).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
