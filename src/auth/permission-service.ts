import type { AuthConfig, AuthRule } from '../core/config.js';
import { validateAuthRule } from '../core/config.js';
import type { Entity } from '../core/entity.js';
import { DEFAULT_NAMESPACE } from '../core/entity.js';
import { compoundRefOf, parseEntityRef, stringifyEntityRef, tryParseEntityRef } from '../core/entity-ref.js';
import { systemClock, type Clock } from '../core/clock.js';
import { badRequest, conflict, forbidden, invalidInput, notFound, unauthorized } from '../core/problem.js';
import type { Store } from '../store/store.js';
import type { EntityReader } from '../catalog/query/entity-reader.js';
import { ALL_ENTITIES, type EntityScope } from '../catalog/query/entity-scope.js';
import type { AuditContext, AuditLog } from './audit-log.js';
import { defaultRules } from './default-policy.js';
import type { GroupMembership } from './group-membership.js';
import { isSignedIn, type Identity, type IdentityVia, type Role } from './identity.js';
import { decide, type Decision, type ResourceFacts, type SourcedRule } from './policy.js';
import { readScope } from './read-scope.js';

/** What an action is on: an entity ref, an entity, or facts already worked out. */
export type ResourceInput = string | Entity | ResourceFacts;

/** A decision together with the identity it was made for, as `explain` reports it. */
export interface Explanation extends Decision {
  identity: { principal: string; groups: readonly string[]; roles: readonly Role[] };
}

export interface PermissionServiceOptions {
  store: Store;
  config: AuthConfig;
  entities: EntityReader;
  membership: GroupMembership;
  audit: AuditLog;
  clock?: Clock;
}

/**
 * Permissions as data: rules from Pave's default policy, the configuration and the store; decisions,
 * explanations and checks over them. Every caller (HTTP, CLI, MCP) asks here, so no adapter can
 * bypass a rule.
 * @example
 *   const decision = await permissions.decide(identity, 'catalog.entity.write', 'component:default/payments');
 *   await permissions.authorize(identity, 'auth.rule.write'); // throws 401/403 problems
 */
export class PermissionService {
  readonly #store: Store;
  readonly #config: AuthConfig;
  readonly #entities: EntityReader;
  readonly #membership: GroupMembership;
  readonly #audit: AuditLog;
  readonly #clock: Clock;
  readonly #fixedRules: SourcedRule[];

  constructor(options: PermissionServiceOptions) {
    this.#store = options.store;
    this.#config = options.config;
    this.#entities = options.entities;
    this.#membership = options.membership;
    this.#audit = options.audit;
    this.#clock = options.clock ?? systemClock;
    this.#fixedRules = [
      ...(options.config.defaultPolicy ? defaultRules(options.config).map(rule => ({ ...rule, source: 'default' as const })) : []),
      ...options.config.rules.map(rule => ({ ...rule, source: 'config' as const })),
    ];
  }

  /** Every rule in force: default policy, configuration, then the store. */
  async rules(): Promise<SourcedRule[]> {
    const stored = await this.#store.db.selectFrom('auth_rules').select('body').orderBy('id').execute();
    return [...this.#fixedRules, ...stored.map(row => ({ ...(JSON.parse(row.body) as AuthRule), source: 'store' as const }))];
  }

  async rule(id: string): Promise<SourcedRule> {
    const rule = (await this.rules()).find(r => r.id === id);
    if (!rule) throw notFound(`No rule ${id}`);
    return rule;
  }

  /**
   * Creates or replaces a stored rule (rules from the default policy or the configuration cannot be
   * changed here). Needs `auth.rule.write`; recorded in the audit log.
   */
  async saveRule(caller: Identity, raw: unknown, context?: AuditContext): Promise<{ rule: SourcedRule; created: boolean }> {
    await this.authorize(caller, 'auth.rule.write');
    const errors = validateAuthRule(raw);
    if (errors.length) throw invalidInput(`The rule has ${errors.length} mistake(s)`, errors);
    const given = raw as AuthRule;
    const rule: AuthRule = {
      id: given.id,
      description: given.description ?? '',
      effect: given.effect,
      actions: given.actions,
      subjects: given.subjects.map(s => s.toLocaleLowerCase('en-US')),
      ...(given.resource ? { resource: given.resource } : {}),
    };
    const fixed = this.#fixedRules.find(r => r.id === rule.id);
    if (fixed) throw conflict(`Rule ${rule.id} comes from the ${fixed.source === 'default' ? 'default policy' : 'configuration'}; change it there or use another id`, [{ pointer: '/id', detail: 'is taken by a rule that is not stored' }]);
    const now = this.#clock.now().toISOString();
    const principal = caller.principal;
    const { before } = await this.#store.transaction(async trx => {
      const existing = await trx.selectFrom('auth_rules').select('body').where('id', '=', rule.id).executeTakeFirst();
      if (existing) await trx.updateTable('auth_rules').set({ body: JSON.stringify(rule), updated_at: now }).where('id', '=', rule.id).execute();
      else await trx.insertInto('auth_rules').values({ id: rule.id, body: JSON.stringify(rule), created_by: principal, created_at: now, updated_at: now }).execute();
      const previous = existing ? (JSON.parse(existing.body) as AuthRule) : undefined;
      await this.#audit.record({ actor: caller, action: 'auth.rule.write', entityRef: `rule:${rule.id}`, before: previous, after: rule, context, detail: { effect: rule.effect } }, trx);
      return { before: previous };
    });
    return { rule: { ...rule, source: 'store' }, created: before === undefined };
  }

  /** Removes a stored rule. Needs `auth.rule.write`; recorded in the audit log. */
  async deleteRule(caller: Identity, id: string, context?: AuditContext): Promise<void> {
    await this.authorize(caller, 'auth.rule.write');
    if (this.#fixedRules.some(r => r.id === id)) throw conflict(`Rule ${id} is not stored (it comes from the default policy or the configuration)`);
    await this.#store.transaction(async trx => {
      const existing = await trx.selectFrom('auth_rules').select('body').where('id', '=', id).executeTakeFirst();
      if (!existing) throw notFound(`No stored rule ${id}`);
      await trx.deleteFrom('auth_rules').where('id', '=', id).execute();
      await this.#audit.record({ actor: caller, action: 'auth.rule.delete', entityRef: `rule:${id}`, before: JSON.parse(existing.body), context }, trx);
    });
  }

  /** The facts the policy needs about a resource; a ref the catalog does not hold yet has no owners. */
  async resourceFacts(resource: ResourceInput): Promise<ResourceFacts> {
    if (typeof resource === 'string') {
      const ref = stringifyEntityRef(parseEntityRef(resource));
      const entity = await this.#entities.byRef(ref);
      if (entity) return factsOf(entity);
      const compound = parseEntityRef(ref);
      return { ref, kind: compound.kind.toLocaleLowerCase('en-US'), namespace: compound.namespace.toLocaleLowerCase('en-US'), owners: [] };
    }
    if ('metadata' in resource) return factsOf(resource);
    return resource;
  }

  /** Decides one action for one identity (optionally on one resource). Never throws for a denial. */
  async decide(identity: Identity, action: string, resource?: ResourceInput): Promise<Decision> {
    const facts = resource === undefined ? undefined : await this.resourceFacts(resource);
    const bypass = bypassReason(identity);
    if (bypass) return { allowed: true, action, principal: identity.principal, ...(facts ? { resourceRef: facts.ref } : {}), reason: bypass, matched: [] };
    return decide(await this.rules(), identity, action, facts);
  }

  /**
   * Throws unless the action is allowed: a 401 problem when nobody is signed in, else a 403 problem
   * naming the action (and the resource). Returns the decision when allowed.
   */
  async authorize(identity: Identity, action: string, resource?: ResourceInput): Promise<Decision> {
    const decision = await this.decide(identity, action, resource);
    if (decision.allowed) return decision;
    if (!isSignedIn(identity)) throw unauthorized(`Sign in to ${action}`, undefined, { action });
    throw forbidden(`${identity.principal} may not ${action}${decision.resourceRef ? ` on ${decision.resourceRef}` : ''}: ${decision.reason}`, undefined, {
      action,
      ...(decision.resourceRef ? { resourceRef: decision.resourceRef } : {}),
    });
  }

  /** The items the identity may act on (`catalog.entity.read` for lists and search), in their order. */
  async filter<T>(identity: Identity, action: string, items: readonly T[], toResource: (item: T) => ResourceInput): Promise<T[]> {
    if (bypassReason(identity)) return [...items];
    const rules = await this.rules();
    const out: T[] = [];
    for (const item of items) {
      if (decide(rules, identity, action, await this.resourceFacts(toResource(item))).allowed) out.push(item);
    }
    return out;
  }

  /**
   * Which entities the identity may act on, as a condition the catalog applies in SQL (for lists,
   * search and facets): the same answer `decide` gives entity by entity.
   */
  async readScope(identity: Identity, action: string): Promise<EntityScope> {
    if (bypassReason(identity)) return ALL_ENTITIES;
    return readScope(await this.rules(), identity, action);
  }

  /**
   * The identity of a user from the catalog: its groups (transitively) and roles. Throws a 401 problem
   * when the catalog holds no such User (a removed person can no longer act).
   */
  async identityForUser(userRef: string, via: IdentityVia, extra: { scopes?: readonly string[]; tokenId?: string } = {}): Promise<Identity> {
    const ref = stringifyEntityRef(parseEntityRef(userRef, { defaultKind: 'user' }));
    const identity = await this.#userIdentity(ref, via, extra);
    if (!identity) throw unauthorized(`${ref} is not a User in the catalog`);
    return identity;
  }

  /** The identity of the User `ref` (canonical); undefined when the catalog holds no such User. */
  async #userIdentity(ref: string, via: IdentityVia, extra: { scopes?: readonly string[]; tokenId?: string } = {}): Promise<Identity | undefined> {
    const { user, groups } = await this.#membership.ofUser(ref);
    if (!user || user.kind.toLocaleLowerCase('en-US') !== 'user') return undefined;
    const roles: Role[] = ['signed-in'];
    if (via === 'guest') roles.push('guest');
    if (groups.includes(this.#config.adminGroup.toLocaleLowerCase('en-US'))) roles.push('admin');
    const profile = (user.spec?.profile ?? {}) as { displayName?: unknown; email?: unknown };
    return {
      principal: ref,
      userRef: ref,
      groups,
      roles,
      via,
      ...(extra.scopes ? { scopes: extra.scopes } : {}),
      ...(extra.tokenId ? { tokenId: extra.tokenId } : {}),
      ...(typeof profile.displayName === 'string' ? { displayName: profile.displayName } : {}),
      ...(typeof profile.email === 'string' ? { email: profile.email } : {}),
    };
  }

  /** The identity of a service token: its name and the groups it acts for (with their ancestors). */
  async identityForService(principal: string, groups: readonly string[], extra: { scopes?: readonly string[]; tokenId?: string } = {}): Promise<Identity> {
    const all = await this.#membership.withAncestors(groups);
    const roles: Role[] = ['signed-in'];
    if (all.includes(this.#config.adminGroup.toLocaleLowerCase('en-US'))) roles.push('admin');
    return { principal, groups: all, roles, via: 'token', ...(extra.scopes ? { scopes: extra.scopes } : {}), ...(extra.tokenId ? { tokenId: extra.tokenId } : {}) };
  }

  /**
   * Which rule allows or denies an action to a user (or an identity), on a resource. Field errors
   * point at the argument at fault: `/user` (400 when it is not a ref, 422 when it names no User in
   * the catalog) and `/resourceRef` (400 when it is not a ref).
   * @example await permissions.explain('user:default/jane', 'catalog.entity.write', 'component:default/payments')
   */
  async explain(subject: string | Identity, action: string, resourceRef?: string): Promise<Explanation> {
    const resource = resourceRef === undefined ? undefined : refArgument('resourceRef', resourceRef, 'kind:[namespace/]name');
    const identity = typeof subject === 'string' ? await this.#userToExplain(subject) : subject;
    const decision = await this.decide(identity, action, resource);
    return { ...decision, identity: { principal: identity.principal, groups: identity.groups, roles: identity.roles } };
  }

  async #userToExplain(user: string): Promise<Identity> {
    const ref = refArgument('user', user, '[user:][namespace/]name', 'user');
    const identity = await this.#userIdentity(ref, 'session');
    if (!identity) throw invalidInput(`${ref} is not a User in the catalog`, [{ pointer: '/user', detail: 'names no User in the catalog', rule: 'exists' }]);
    return identity;
  }
}

/** An argument that must be an entity ref, canonical; a 400 problem pointing at it otherwise. */
function refArgument(name: string, value: string, form: string, defaultKind?: string): string {
  const ref = tryParseEntityRef(value, defaultKind ? { defaultKind } : {});
  if (!ref) throw badRequest(`${name} "${value}" is not an entity ref (${form})`, [{ pointer: `/${name}`, detail: `must be an entity ref: ${form}`, rule: 'format' }]);
  return stringifyEntityRef(ref);
}

/** Allowed without rules: authorization switched off, or the local operator (who holds the database anyway). */
function bypassReason(identity: Identity): string | undefined {
  if (identity.via === 'disabled') return 'authorization is disabled (auth.enabled: false): everyone acts as an anonymous admin';
  if (identity.via === 'local') return `${identity.principal} is the local operator, with direct access to the store`;
  return undefined;
}

/** Policy facts of an entity: its ref and its owners (from `ownedBy` relations, or `spec.owner` when not stored yet). */
export function factsOf(entity: Entity): ResourceFacts {
  const compound = compoundRefOf(entity);
  const fromRelations = (entity.relations ?? []).filter(r => r.type === 'ownedBy').map(r => r.targetRef.toLocaleLowerCase('en-US'));
  const owners = fromRelations.length ? fromRelations : ownersFromSpec(entity);
  return {
    ref: stringifyEntityRef(compound),
    kind: compound.kind.toLocaleLowerCase('en-US'),
    namespace: (compound.namespace ?? DEFAULT_NAMESPACE).toLocaleLowerCase('en-US'),
    owners,
  };
}

function ownersFromSpec(entity: Entity): string[] {
  const owner = entity.spec?.owner;
  const list = Array.isArray(owner) ? owner : [owner];
  return list
    .map(o => tryParseEntityRef(o, { defaultKind: 'group', defaultNamespace: entity.metadata.namespace ?? DEFAULT_NAMESPACE }))
    .filter((r): r is NonNullable<typeof r> => r !== undefined)
    .map(r => stringifyEntityRef(r));
}
