import { describe, expect, it } from 'vitest';
import type { EntityCondition, EntityScope, EntityTest } from '../../src/catalog/query/entity-scope.js';
import { globMatches } from '../../src/auth/action-glob.js';
import { defaultRules } from '../../src/auth/default-policy.js';
import type { Identity } from '../../src/auth/identity.js';
import { decide, type ResourceFacts } from '../../src/auth/policy.js';
import { readScope } from '../../src/auth/read-scope.js';
import { READ, READERS, READ_RULES, configRule, person } from './policy-fixtures.js';

const user = (name: string, groups: string[], extra: Partial<Identity> = {}): Identity => person(name, groups.map(g => `group:default/${g}`), extra);

const BOB = user('bob', ['checkout-team', 'engineering']);
const DAVE = user('dave', []);
const SERVICE: Identity = { principal: 'service:ci', groups: ['group:default/platform-team'], roles: ['signed-in'], via: 'token' };

/**
 * What a scope means for one entity, as entity-scope.ts documents it: the pure half of the check.
 * test/auth/read-scope-sql.test.ts runs a grid through the SQL itself, on SQLite and PostgreSQL.
 */
function inScope(scope: EntityScope, facts: ResourceFacts): boolean {
  if (scope.type !== 'some') return scope.type === 'all';
  const holds = (test: EntityTest) => {
    switch (test.on) {
      case 'kind':
        return test.anyOf.includes(facts.kind);
      case 'namespace':
        return test.anyOf.includes(facts.namespace);
      case 'ref':
        return test.anyOf.includes(facts.ref);
      case 'refGlob':
        return test.anyOf.some(glob => globMatches(glob, facts.ref));
      case 'owner':
        return test.anyOf.some(owner => facts.owners.includes(owner));
    }
  };
  const any = (conditions: readonly EntityCondition[]) => conditions.some(tests => tests.every(holds));
  return any(scope.allow) && !any(scope.deny);
}

/** Entities of every shape the rules below tell apart. */
const FACTS: ResourceFacts[] = [];
for (const kind of ['component', 'api', 'user', 'resource']) {
  for (const namespace of ['default', 'secret']) {
    for (const name of ['payments', 'payments-legacy', 'bob', 'checkout-db', 'tool']) {
      for (const owners of [[], ['group:default/checkout-team'], ['group:default/platform-team'], ['user:default/dave'], ['service:ci'], ['group:default/platform-team', 'group:default/checkout-team']]) {
        FACTS.push({ ref: `${kind}:${namespace}/${name}`, kind, namespace, owners });
      }
    }
  }
}

describe('readScope', () => {
  it('is every entity under the default policy, for everyone signed in', () => {
    const rules = defaultRules({ adminGroup: 'group:default/admins', platformGroup: 'group:default/platform-team' }).map(r => ({ ...r, source: 'default' as const }));
    expect(readScope(rules, BOB, READ)).toEqual({ type: 'all' });
    expect(readScope(rules, SERVICE, READ)).toEqual({ type: 'all' });
  });

  it('is no entity when no rule allows, when a deny rule has no conditions, or when a token is scoped to other actions', () => {
    expect(readScope([], BOB, READ)).toEqual({ type: 'none' });
    expect(readScope([configRule('all', 'allow', ['role:signed-in']), configRule('no-bob', 'deny', ['user:default/bob'])], BOB, READ)).toEqual({ type: 'none' });
    expect(readScope([configRule('all', 'allow', ['role:signed-in'])], { ...BOB, scopes: ['auth.*'] }, READ)).toEqual({ type: 'none' });
    expect(readScope([configRule('writes', 'allow', ['role:signed-in'], undefined, ['catalog.entity.write'])], BOB, READ)).toEqual({ type: 'none' });
  });

  it('turns resource conditions into tests, lower-cased, and role:owner into the identity itself or its owners', () => {
    const rules = [configRule('components', 'allow', ['role:signed-in'], { kinds: ['Component'], namespaces: ['Default'] }), configRule('owned', 'allow', ['role:owner'])];
    expect(readScope(rules, BOB, READ)).toEqual({
      type: 'some',
      allow: [
        [{ on: 'kind', anyOf: ['component'] }, { on: 'namespace', anyOf: ['default'] }],
        [{ on: 'ref', anyOf: ['user:default/bob'] }],
        [{ on: 'owner', anyOf: ['user:default/bob', 'group:default/checkout-team', 'group:default/engineering'] }],
      ],
      deny: [],
    });
  });

  it('keeps deny conditions beside an unconditional allow', () => {
    const rules = [configRule('all', 'allow', ['role:signed-in']), configRule('no-legacy', 'deny', ['role:signed-in'], { refs: ['*:*/*-legacy'] })];
    expect(readScope(rules, DAVE, READ)).toEqual({ type: 'some', allow: [[]], deny: [[{ on: 'refGlob', anyOf: ['*:*/*-legacy'] }]] });
  });

  it('says for every entity what decide says, over kinds, namespaces, ref globs, owners, role:owner and deny rules', () => {
    for (const identity of READERS) {
      const scope = readScope(READ_RULES, identity, READ);
      const disagreements = FACTS.filter(facts => decide(READ_RULES, identity, READ, facts).allowed !== inScope(scope, facts)).map(f => `${identity.principal} ${f.ref} ${f.owners.join('+')}`);
      expect(disagreements).toEqual([]);
      // The rules hide some entities from each identity and show it others.
      const shown = FACTS.filter(facts => inScope(scope, facts)).length;
      expect(shown).toBeGreaterThan(0);
      expect(shown).toBeLessThan(FACTS.length);
    }
  });
});
