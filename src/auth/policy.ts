/**
 * The policy engine: rules are data, decisions are a pure function of rules, identity, action and
 * resource. Deny wins over allow; with no matching rule the answer is deny. No I/O.
 */
import type { AuthRule } from './auth-rule.js';
import { anyGlobMatches, globMatches } from './action-glob.js';
import type { Identity } from './identity.js';
import { describeInputConditions, inputConditionsHold } from './input-condition.js';

/** Where a rule comes from: Pave's built-in default policy, the configuration file, or the store (API). */
export type RuleSource = 'default' | 'config' | 'store';

export interface SourcedRule extends AuthRule {
  source: RuleSource;
}

/** What the policy needs to know about the thing acted on: an entity, usually, or a template task (`templates/tasks/task-resource.ts`). */
export interface ResourceFacts {
  /** Canonical ref, `kind:namespace/name`. */
  ref: string;
  kind: string;
  namespace: string;
  /** Canonical refs of its owners (an entity's `spec.owner`; a task's creator, as its principal). */
  owners: readonly string[];
}

export interface Decision {
  allowed: boolean;
  action: string;
  principal: string;
  resourceRef?: string;
  /** The rule that decided; absent when nothing allowed (or the token's scopes excluded the action). */
  rule?: SourcedRule;
  /** One sentence a person can read, naming the rule. */
  reason: string;
  /** Every rule that matched, deny rules first. */
  matched: Array<Pick<SourcedRule, 'id' | 'effect' | 'source'>>;
}

/** Whether a rule's subject names this identity (with `role:owner` checked against the resource). */
export function subjectMatches(subject: string, identity: Identity, resource: ResourceFacts | undefined): boolean {
  const lower = subject.toLocaleLowerCase('en-US');
  const colon = lower.indexOf(':');
  const type = lower.slice(0, colon);
  const value = lower.slice(colon + 1);
  switch (type) {
    case 'user':
      return identity.userRef === lower;
    case 'group':
      return identity.groups.includes(lower);
    case 'service':
      return identity.principal === lower;
    case 'role':
      if (value === 'owner') return resource !== undefined && isOwner(identity, resource);
      return identity.roles.includes(value as Identity['roles'][number]);
    default:
      return false;
  }
}

/**
 * The identity owns the resource: it is the resource (a user's own entity), or one of its owners is the
 * identity itself (its user, or the service of a service token: a template task is owned by its creator)
 * or one of its groups. An entity's owners are entity refs, which a service principal never is.
 */
export function isOwner(identity: Identity, resource: ResourceFacts): boolean {
  if (identity.userRef && resource.ref === identity.userRef) return true;
  return resource.owners.some(owner => owner === identity.userRef || owner === identity.principal || identity.groups.includes(owner));
}

/** Whether the rule's resource conditions hold. A rule with conditions never matches an action on no resource. */
export function resourceMatches(rule: AuthRule, resource: ResourceFacts | undefined): boolean {
  const conditions = rule.resource;
  if (!conditions) return true;
  if (!resource) return false;
  const lower = (list: string[]) => list.map(v => v.toLocaleLowerCase('en-US'));
  if (conditions.kinds && !lower(conditions.kinds).includes(resource.kind.toLocaleLowerCase('en-US'))) return false;
  if (conditions.namespaces && !lower(conditions.namespaces).includes(resource.namespace.toLocaleLowerCase('en-US'))) return false;
  if (conditions.refs && !conditions.refs.some(glob => globMatches(glob, resource.ref))) return false;
  if (conditions.owners && !lower(conditions.owners).some(owner => resource.owners.includes(owner))) return false;
  return true;
}

/** Whether the rule's input conditions hold; a rule with conditions never matches an action whose input is unknown. */
export function inputMatches(rule: AuthRule, input: unknown): boolean {
  if (!rule.input?.length) return true;
  return input !== undefined && inputConditionsHold(rule.input, input);
}

export function ruleMatches(rule: AuthRule, identity: Identity, action: string, resource: ResourceFacts | undefined, input?: unknown): boolean {
  return anyGlobMatches(rule.actions, action) && rule.subjects.some(s => subjectMatches(s, identity, resource)) && resourceMatches(rule, resource) && inputMatches(rule, input);
}

/** ` when /spec/environment is "prod"`: the input conditions of the rule that decided, for its reason. */
function when(rule: AuthRule): string {
  return rule.input?.length ? ` when ${describeInputConditions(rule.input)}` : '';
}

/**
 * Decides one action. A token's scopes are checked first (a token never does more than its scopes),
 * then every rule: any matching deny rule denies, else any matching allow rule allows, else deny.
 * @example decide(rules, identity, 'catalog.entity.write', { ref: 'component:default/x', kind: 'component', namespace: 'default', owners: ['group:default/a'] })
 */
export function decide(rules: readonly SourcedRule[], identity: Identity, action: string, resource?: ResourceFacts, input?: unknown): Decision {
  const base = { action, principal: identity.principal, ...(resource ? { resourceRef: resource.ref } : {}) };
  const on = resource ? ` on ${resource.ref}` : '';
  if (identity.scopes && !anyGlobMatches(identity.scopes, action)) {
    return { ...base, allowed: false, matched: [], reason: `the token's scopes (${identity.scopes.join(', ')}) do not include ${action}` };
  }
  const matching = rules.filter(rule => ruleMatches(rule, identity, action, resource, input));
  const denies = matching.filter(rule => rule.effect === 'deny');
  const allows = matching.filter(rule => rule.effect === 'allow');
  const matched = [...denies, ...allows].map(({ id, effect, source }) => ({ id, effect, source }));
  const deny = denies[0];
  if (deny) return { ...base, allowed: false, rule: deny, matched, reason: `${action}${on} is denied to ${identity.principal} by rule "${deny.id}" (${deny.source})${when(deny)}: ${deny.description}` };
  const allow = allows[0];
  if (allow) return { ...base, allowed: true, rule: allow, matched, reason: `${action}${on} is allowed to ${identity.principal} by rule "${allow.id}" (${allow.source})${when(allow)}: ${allow.description}` };
  // Name the rules that would allow it here to someone else, so a refusal says whom to ask (admins' catch-all left out).
  const wouldAllow = rules.filter(rule => rule.effect === 'allow' && anyGlobMatches(rule.actions, action) && resourceMatches(rule, resource) && inputMatches(rule, input) && !rule.actions.includes('*')).map(rule => `"${rule.id}" (${rule.subjects.join(', ')})`);
  const hint = wouldAllow.length ? `; it is allowed by ${wouldAllow.slice(0, 3).join(', ')}` : '';
  return { ...base, allowed: false, matched, reason: `no rule allows ${action}${on} to ${identity.principal}${hint}` };
}
