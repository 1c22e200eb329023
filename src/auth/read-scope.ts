/**
 * The policy turned round for lists: instead of deciding one entity at a time, which entities may an
 * identity act on? The answer is an `EntityScope` (every entity, none, or conditions) that the catalog
 * applies in SQL, so totals, pages and facet counts agree with what the caller sees. Pure: no I/O.
 *
 * It says exactly what `decide` says for each entity: a token's scopes first, then any matching deny
 * rule denies, else any matching allow rule allows, else deny. A rule matches an entity when its
 * action glob matches, one of its subjects names the identity (`role:owner`: the identity owns the
 * entity) and its resource conditions (kinds, namespaces, ref globs, owners) all hold.
 */
import type { AuthRule } from './auth-rule.js';
import { ALL_ENTITIES, NO_ENTITIES, type EntityCondition, type EntityScope, type EntityTest } from '../catalog/query/entity-scope.js';
import { anyGlobMatches } from './action-glob.js';
import type { Identity } from './identity.js';
import { subjectMatches } from './policy.js';

/**
 * The entities an identity may act on with an action (usually `catalog.entity.read`).
 * @example readScope(rules, identity, 'catalog.entity.read') // { type: 'some', allow: [[{ on: 'kind', anyOf: ['component'] }]], deny: [] }
 */
export function readScope(rules: readonly AuthRule[], identity: Identity, action: string): EntityScope {
  if (identity.scopes && !anyGlobMatches(identity.scopes, action)) return NO_ENTITIES;
  const allow: EntityCondition[] = [];
  const deny: EntityCondition[] = [];
  for (const rule of rules) {
    // A rule about an action's input decides nothing about reads, which have none.
    if (!anyGlobMatches(rule.actions, action) || rule.input?.length) continue;
    (rule.effect === 'deny' ? deny : allow).push(...ruleConditions(rule, identity));
  }
  const unconditional = (condition: EntityCondition) => condition.length === 0;
  if (!allow.length || deny.some(unconditional)) return NO_ENTITIES;
  if (allow.some(unconditional)) return deny.length ? { type: 'some', allow: [[]], deny } : ALL_ENTITIES;
  return { type: 'some', allow, deny };
}

/** When a rule matches an entity for this identity, as alternatives; none when its subjects never name the identity. */
function ruleConditions(rule: AuthRule, identity: Identity): EntityCondition[] {
  const resource = resourceTests(rule.resource);
  if (rule.subjects.some(subject => subjectMatches(subject, identity, undefined))) return [resource];
  if (!rule.subjects.some(subject => subject.toLocaleLowerCase('en-US') === 'role:owner')) return [];
  return ownership(identity).map(test => [...resource, test]);
}

/** A rule's resource conditions; they mean what `resourceMatches` makes of them. */
function resourceTests(conditions: AuthRule['resource']): EntityTest[] {
  if (!conditions) return [];
  const lower = (list: string[]) => list.map(value => value.toLocaleLowerCase('en-US'));
  const tests: EntityTest[] = [];
  if (conditions.kinds) tests.push({ on: 'kind', anyOf: lower(conditions.kinds) });
  if (conditions.namespaces) tests.push({ on: 'namespace', anyOf: lower(conditions.namespaces) });
  if (conditions.refs) tests.push({ on: 'refGlob', anyOf: conditions.refs });
  if (conditions.owners) tests.push({ on: 'owner', anyOf: lower(conditions.owners) });
  return tests;
}

/** What `isOwner` checks: the entity is the user itself, or is owned by the identity (user or service) or one of its groups. */
function ownership(identity: Identity): EntityTest[] {
  const owners = [...new Set([...(identity.userRef ? [identity.userRef] : []), identity.principal, ...identity.groups])];
  return [...(identity.userRef ? [{ on: 'ref' as const, anyOf: [identity.userRef] }] : []), ...(owners.length ? [{ on: 'owner' as const, anyOf: owners }] : [])];
}
