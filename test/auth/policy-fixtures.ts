/** Rules and identities written briefly, for the tests of the policy's read scope (pure and in SQL). */
import type { AuthRule } from '../../src/auth/auth-rule.js';
import type { Identity } from '../../src/auth/identity.js';
import type { SourcedRule } from '../../src/auth/policy.js';

export const READ = 'catalog.entity.read';

/** A rule from the configuration; its description is its id, its actions reading entities unless given. */
export function configRule(id: string, effect: 'allow' | 'deny', subjects: string[], resource?: AuthRule['resource'], actions = [READ]): SourcedRule {
  return { id, description: id, effect, actions, subjects, ...(resource ? { resource } : {}), source: 'config' };
}

/** A signed-in person using a token, with its groups as canonical refs. */
export function person(name: string, groups: string[], extra: Partial<Identity> = {}): Identity {
  return { principal: `user:default/${name}`, userRef: `user:default/${name}`, groups, roles: ['signed-in'], via: 'token', ...extra };
}

/**
 * Read rules of every shape the read scope tells apart — kinds, namespaces, ref globs (with LIKE's `%`, `_`
 * and `\`, which are themselves in a glob), owners, role:owner, deny rules — written in mixed case.
 */
export const READ_RULES: SourcedRule[] = [
  configRule('people', 'allow', ['role:signed-in'], { kinds: ['User'] }),
  configRule('default-software', 'allow', ['role:signed-in'], { kinds: ['Component', 'API'], namespaces: ['Default'] }),
  configRule('checkout-resources', 'allow', ['Group:Default/Checkout-Team'], { refs: ['Resource:*/checkout-*'] }),
  configRule('platform-owned', 'allow', ['service:ci', 'group:default/engineering'], { owners: ['Group:Default/Platform-Team'] }),
  configRule('owners', 'allow', ['role:owner'], { namespaces: ['secret', 'default'] }),
  // `_` is an underscore: pay-ments, pay.ments and payXments do not match.
  configRule('underscore', 'allow', ['role:signed-in'], { refs: ['*:*/PAY_ments'] }),
  // No entity name holds `%` or `\`, so these match nothing.
  configRule('percent-and-backslash', 'allow', ['role:signed-in'], { refs: ['gadget:default/%', 'gadget:secret/pay\\*', 'widgetthing:*/*\\_*'] }),
  configRule('number-owners', 'allow', ['group:default/42'], { owners: ['group:default/42'] }),
  configRule('no-legacy', 'deny', ['role:signed-in'], { refs: ['*-LEGACY'] }),
  configRule('owners-not-their-secret-apis', 'deny', ['role:owner'], { kinds: ['api'], namespaces: ['secret'] }),
  configRule('unrelated', 'allow', ['role:signed-in'], { kinds: ['component'] }, ['catalog.entity.write']),
];

/** Who reads under {@link READ_RULES}: people in nested groups, a person in none, a service, a scoped token. */
export const READERS: Identity[] = [
  person('bob', ['group:default/checkout-team', 'group:default/engineering']),
  person('dave', []),
  { principal: 'service:ci', groups: ['group:default/platform-team'], roles: ['signed-in'], via: 'token' },
  person('carol', ['group:default/checkout-payments', 'group:default/checkout-team']),
  person('nina', ['group:default/42', 'group:secret/checkout-team']),
  person('dave', [], { scopes: ['catalog.*'] }),
];
