import type { AuthConfig } from './auth-config.js';
import { validateAuthRule, type AuthRule } from './auth-rule.js';
import type { Entity } from '../core/entity.js';
import { DEFAULT_NAMESPACE } from '../core/entity.js';
import { compoundRefOf, parseEntityRef, stringifyEntityRef, tryParseEntityRef } from '../core/entity-ref.js';
import { systemClock, type Clock } from '../core/clock.js';
import { badRequest, conflict, forbidden, invalidInput, notFound, unauthorized } from '../core/problem.js';
import type { Db, Store } from '../store/store.js';
import type {} from './auth-tables.js'; // the tables it queries, for Kysely's types
import type { EntityReader } from '../catalog/query/entity-reader.js';
import { ALL_ENTITIES, type EntityScope } from '../catalog/query/entity-scope.js';
import type { AuditContext, AuditLog } from '../store/audit-log.js';
import type { EventLog } from '../store/event-log.js';
import { defaultRules } from './default-policy.js';
import type { GroupMembership } from './group-membership.js';
import { isSignedIn, type Identity, type IdentityVia, type Role } from './identity.js';
import { decide, type Decision, type ResourceFacts, type SourcedRule } from './policy.js';
import { readScope } from './read-scope.js';

/** What an action is on: an entity ref, an entity, or facts already worked out. */
export type ResourceInput = string | Entity | ResourceFacts;

const READ = 'catalog.entity.read';
/** The event-bus topic on which a change of the stored rules is announced to every replica. */
const RULES_TOPIC = 'auth.rules';
/**
 * How long cached rules are trusted without word of a change. Writes announce themselves on the bus,
 * but its delivery is best-effort (a replica whose connection dropped misses them) and a second
 * process on one SQLite file has its own bus: this bounds how stale such a replica can be.
 */
const RULES_TTL_MS = 5_000;

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
  /** Where rule changes are appended as events, in their transactions. */
  eventLog: EventLog;
  /** The default policy's rules (every module's); without them, the auth module's own (`default-policy.ts`). */
  defaultRules?: readonly AuthRule[];
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
  readonly #events: EventLog;
  readonly #clock: Clock;
  readonly #fixedRules: SourcedRule[];
  /** The rules in force as last read (a promise, so concurrent requests share one read), and when. */
  #cached: { rules: Promise<SourcedRule[]>; readAt: number } | undefined;
  #listening = false;

  constructor(options: PermissionServiceOptions) {
    this.#store = options.store;
    this.#config = options.config;
    this.#entities = options.entities;
    this.#membership = options.membership;
    this.#audit = options.audit;
    this.#events = options.eventLog;
    this.#clock = options.clock ?? systemClock;
    this.#fixedRules = [
      ...(options.config.defaultPolicy ? (options.defaultRules ?? defaultRules(options.config)).map(rule => ({ ...rule, source: 'default' as const })) : []),
      ...options.config.rules.map(rule => ({ ...rule, source: 'config' as const })),
    ];
  }

  /**
   * Every rule in force: default policy, configuration, then the store. Read once per process and
   * kept until a rule is written (here, or on another replica: the write is announced on the store's
   * event bus) or, as a safety net for a missed announcement, for at most {@link RULES_TTL_MS}.
   */
  async rules(): Promise<SourcedRule[]> {
    this.#listenForChanges();
    const now = this.#clock.now().getTime();
    const cached = this.#cached;
    if (cached && now >= cached.readAt && now - cached.readAt < RULES_TTL_MS) return [...(await cached.rules)];
    const entry = { rules: this.#readRules(), readAt: now };
    this.#cached = entry;
    entry.rules.catch(() => {
      if (this.#cached === entry) this.#cached = undefined;
    });
    return [...(await entry.rules)];
  }

  async #readRules(): Promise<SourcedRule[]> {
    const stored = await this.#store.db.selectFrom('auth_rules').select('body').orderBy('id').execute();
    return [...this.#fixedRules, ...stored.map(row => ({ ...(JSON.parse(row.body) as AuthRule), source: 'store' as const }))];
  }

  /** Forgets the cached rules whenever any process sharing the store says they changed. */
  #listenForChanges(): void {
    if (this.#listening) return;
    this.#listening = true;
    this.#store.events.subscribe(RULES_TOPIC, () => (this.#cached = undefined));
  }

  /** After a committed write: drop this process's copy now, and tell the other replicas to drop theirs. */
  #rulesChanged(id: string): void {
    this.#cached = undefined;
    this.#store.events.publish(RULES_TOPIC, { changed: id });
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
      // Inserted unless it exists, then replaced as it is now (held until the commit on PostgreSQL): a save at once
      // (another replica) of the same id waits for this one and replaces what it wrote, as it would one after another.
      const row = { id: rule.id, body: JSON.stringify(rule), created_by: principal, created_at: now, updated_at: now };
      const inserted = await trx.insertInto('auth_rules').values(row).onConflict(oc => oc.column('id').doNothing()).returning('id').executeTakeFirst();
      const existing = inserted ? undefined : await this.#lockedRule(trx, rule.id);
      if (existing) await trx.updateTable('auth_rules').set({ body: row.body, updated_at: now }).where('id', '=', rule.id).execute();
      // The row the insert found was deleted before the lock (a deletion at once): stored now, as a creation.
      else if (!inserted) await trx.insertInto('auth_rules').values(row).execute();
      const previous = existing ? (JSON.parse(existing.body) as AuthRule) : undefined;
      await this.#audit.record({ actor: caller, action: 'auth.rule.write', entityRef: `rule:${rule.id}`, before: previous, after: rule, context, detail: { effect: rule.effect } }, trx);
      await this.#events.append(trx, { type: 'auth.rule.written', subject: `rule:${rule.id}`, actor: caller.principal, payload: { id: rule.id, effect: rule.effect, created: !existing } });
      return { before: previous };
    });
    this.#rulesChanged(rule.id);
    return { rule: { ...rule, source: 'store' }, created: before === undefined };
  }

  /** Removes a stored rule. Needs `auth.rule.write`; recorded in the audit log. */
  async deleteRule(caller: Identity, id: string, context?: AuditContext): Promise<void> {
    await this.authorize(caller, 'auth.rule.write');
    if (this.#fixedRules.some(r => r.id === id)) throw conflict(`Rule ${id} is not stored (it comes from the default policy or the configuration)`);
    await this.#store.transaction(async trx => {
      // What the deletion removed, not what a read before it saw: a second deletion at once finds nothing (404).
      const existing = await trx.deleteFrom('auth_rules').where('id', '=', id).returning('body').executeTakeFirst();
      if (!existing) throw notFound(`No stored rule ${id}`);
      await this.#audit.record({ actor: caller, action: 'auth.rule.delete', entityRef: `rule:${id}`, before: JSON.parse(existing.body), context }, trx);
      await this.#events.append(trx, { type: 'auth.rule.deleted', subject: `rule:${id}`, actor: caller.principal, payload: { id } });
    });
    this.#rulesChanged(id);
  }

  /** A stored rule read in `trx`, its row held until `trx` ends on PostgreSQL (SQLite has one writer at a time). */
  async #lockedRule(trx: Db, id: string): Promise<{ body: string } | undefined> {
    const query = trx.selectFrom('auth_rules').select('body').where('id', '=', id);
    return (this.#store.dialect === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
  }

  /** The facts the policy needs about a resource; a ref the catalog does not hold yet has no owners. */
  async resourceFacts(resource: ResourceInput): Promise<ResourceFacts> {
    if (typeof resource === 'string') {
      const ref = stringifyEntityRef(parseEntityRef(resource));
      const entity = await this.#entities.byRef(ref);
      return entity ? factsOf(entity) : absentFacts(ref);
    }
    if ('metadata' in resource) return factsOf(resource);
    return resource;
  }

  /** Decides one action for one identity (optionally on one resource). Never throws for a denial. */
  /** `input`: what the action asks for (a task's template and values, a request's document), for rules that judge it. */
  async decide(identity: Identity, action: string, resource?: ResourceInput, input?: unknown): Promise<Decision> {
    const facts = resource === undefined ? undefined : await this.resourceFacts(resource);
    const bypass = bypassReason(identity);
    if (bypass) return { allowed: true, action, principal: identity.principal, ...(facts ? { resourceRef: facts.ref } : {}), reason: bypass, matched: [] };
    return decide(await this.rules(), identity, action, facts, input);
  }

  /**
   * Throws unless the action is allowed: a 401 problem when nobody is signed in, else a 403 problem
   * naming the action (and the resource). Returns the decision when allowed.
   */
  async authorize(identity: Identity, action: string, resource?: ResourceInput, input?: unknown): Promise<Decision> {
    const decision = await this.decide(identity, action, resource, input);
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
   *
   * `asker` is who wants to know (omitted: a trusted caller, such as the local operator). The answer
   * tells the asker nothing its read rules hide: another User it may not read (`catalog.entity.read`)
   * is answered exactly as a User the catalog does not hold; a resource it may not read is explained
   * as if the catalog did not hold it (no owners); and of another user's groups, only those it may
   * read are listed. Reading the User is all it takes to explain for someone else — no more than the
   * catalog (the User, its groups) and the rules already show; a policy that wants fewer explainers
   * limits `auth.permission.explain` itself.
   * @example await permissions.explain('user:default/jane', 'catalog.entity.write', 'component:default/payments', caller)
   */
  async explain(subject: string | Identity, action: string, resourceRef?: string, asker?: Identity, input?: unknown): Promise<Explanation> {
    const ref = resourceRef === undefined ? undefined : refArgument('resourceRef', resourceRef, 'kind:[namespace/]name');
    const identity = typeof subject === 'string' ? await this.#userToExplain(subject, asker) : subject;
    const resource = ref === undefined ? undefined : await this.#resourceToExplain(ref, asker);
    const decision = await this.decide(identity, action, resource, input);
    const ownGroups = !asker || asker.principal === identity.principal;
    const groups = ownGroups ? identity.groups : await this.filter(asker, READ, identity.groups, group => group);
    return { ...decision, identity: { principal: identity.principal, groups, roles: identity.roles } };
  }

  async #userToExplain(user: string, asker: Identity | undefined): Promise<Identity> {
    const ref = refArgument('user', user, '[user:][namespace/]name', 'user');
    const identity = await this.#userIdentity(ref, 'session');
    const hidden = identity !== undefined && asker !== undefined && asker.userRef !== ref && !(await this.decide(asker, READ, ref)).allowed;
    if (!identity || hidden) throw invalidInput(`${ref} is not a User in the catalog`, [{ pointer: '/user', detail: 'names no User in the catalog', rule: 'exists' }]);
    return identity;
  }

  async #resourceToExplain(ref: string, asker: Identity | undefined): Promise<ResourceFacts> {
    const entity = await this.#entities.byRef(ref);
    if (!entity || (asker && !(await this.decide(asker, READ, entity)).allowed)) return absentFacts(ref);
    return factsOf(entity);
  }
}

/** An argument that must be an entity ref, canonical; a 400 problem pointing at it otherwise. */
function refArgument(name: string, value: string, form: string, defaultKind?: string): string {
  const ref = tryParseEntityRef(value, defaultKind ? { defaultKind } : {});
  if (!ref) throw badRequest(`${name} "${value}" is not an entity ref (${form})`, [{ pointer: `/${name}`, detail: `must be an entity ref: ${form}`, rule: 'format' }]);
  return stringifyEntityRef(ref);
}

/** The facts of a ref the catalog does not hold (yet): nothing owns it. */
function absentFacts(ref: string): ResourceFacts {
  const compound = parseEntityRef(ref);
  return { ref, kind: compound.kind.toLocaleLowerCase('en-US'), namespace: compound.namespace.toLocaleLowerCase('en-US'), owners: [] };
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

/**
 * `spec.owner` read as the catalog's search rows index it (so the read scope's SQL finds the same owners):
 * lists flattened at any depth, numbers and booleans as their text.
 */
function ownersFromSpec(entity: Entity): string[] {
  const values = [entity.spec?.owner].flat(Infinity);
  return values
    .map(o => (typeof o === 'number' || typeof o === 'boolean' ? String(o) : o))
    .map(o => tryParseEntityRef(o, { defaultKind: 'group', defaultNamespace: entity.metadata.namespace ?? DEFAULT_NAMESPACE }))
    .filter((r): r is NonNullable<typeof r> => r !== undefined)
    .map(r => stringifyEntityRef(r));
}
