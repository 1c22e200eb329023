import { stringifyEntityRef, tryParseEntityRef } from '../core/entity-ref.js';
import type { Clock } from '../core/clock.js';
import { newId } from '../core/ids.js';
import { conflict, invalidInput, notFound } from '../core/problem.js';
import type { Db, Store } from '../store/store.js';
import { principalOf, type AuditRecordInput, type ChangeAuthor } from '../store/audit-log.js';
import type { EventLog, NewEvent } from '../store/event-log.js';
import type { EntityReader } from '../catalog/query/entity-reader.js';
import type { ResourceFacts } from '../auth/policy.js';
import { BindingStore, type StoredBinding } from './binding-store.js';
import type { CapabilityRegistry } from './capability-registry.js';
import { describeOfferees, isOfferedTo } from './model/capability-offer.js';
import { BINDING_KIND, validateBindingInput, type CapabilityBinding } from './model/capability-binding.js';
import { PLATFORM_API_VERSION, type CapabilityRevision } from './model/types.js';
import { requireReason, type ApprovalDecision } from './model/approval-decision.js';
import type { RequestStore } from './request-store.js';
import { stableJson } from './render.js';

/** Records a change's audit entry and appends its events in the change's transaction (the platform service's). */
export type RecordChange = (db: Db, author: ChangeAuthor, entry: Omit<AuditRecordInput, 'actor' | 'context'>, events: NewEvent | NewEvent[]) => Promise<void>;

export interface BindingServiceOptions {
  store: Store;
  capabilities: CapabilityRegistry;
  requests: RequestStore;
  /** Where teams are found (a binding's team is a Group of the catalog). */
  entities: Pick<EntityReader, 'byRef'>;
  record: RecordChange;
  /** Where the events of changes that are part of another's (a capability's deletion) are appended. */
  eventLog: EventLog;
  /** Asks for a request to be reconciled, in the change's transaction (a new channel re-renders the requests that follow it). */
  enqueue: (requestId: string, db: Db) => Promise<void>;
  clock: Clock;
}

/** The Group ref of a team named by its namespace. */
export function teamRef(namespace: string): string {
  return stringifyEntityRef({ kind: 'group', namespace: 'default', name: namespace });
}

/** A binding's ref in the catalog and the permission model: `capabilitybinding:<team>/<capability>`. */
export function bindingRef(namespace: string, capability: string): string {
  return `capabilitybinding:${namespace}/${capability}`.toLowerCase();
}

/** A capability's owner as a canonical ref (a bare name is a Group); undefined when it names none. */
export function capabilityOwner(revision: CapabilityRevision): string | undefined {
  const owner = revision.capability.spec.owner;
  const ref = owner ? tryParseEntityRef(owner, { defaultKind: 'group', defaultNamespace: 'default' }) : undefined;
  return ref ? stringifyEntityRef(ref) : undefined;
}

/**
 * Bindings per team: a team binds a capability offered to it (self-service, or on approval by the capability's
 * owner) and chooses the version channel its requests follow. A request for a capability with an offer is
 * accepted only when its team has bound it ({@link BindingService.requireBound}). Every change records one
 * audit entry and its events (`platform.binding.applied|decided|deleted`) in its own transaction.
 * @example await platform.bindings.apply({ apiVersion: 'pave.dev/v1alpha1', kind: 'CapabilityBinding', metadata: { namespace: 'checkout-team' }, spec: { capability: 'postgresql', version: '^1' } }, author);
 */
export class BindingService {
  readonly store: BindingStore;
  readonly #o: BindingServiceOptions;

  constructor(options: BindingServiceOptions) {
    this.#o = options;
    this.store = new BindingStore(options.store);
  }

  /**
   * Binds a capability for a team, or changes the channel of its binding. Refused (422, naming the field) for
   * a team that is not a Group, a capability not published or not offered to the team, or a channel no published
   * version satisfies. On an offer that asks for approval, a new binding (or one rejected before) waits in
   * `PendingApproval` for the capability's owner. Applying what is stored changes nothing and records nothing.
   */
  async apply(raw: unknown, author: ChangeAuthor): Promise<{ binding: CapabilityBinding; outcome: 'created' | 'updated' | 'unchanged' }> {
    const { input, errors } = validateBindingInput(raw);
    if (!input) throw invalidInput(`The binding has ${errors.length} mistake(s)`, errors);
    const team = teamRef(input.namespace);
    if (!(await this.#o.entities.byRef(team))) throw invalidInput(`There is no team ${team}`, [{ pointer: '/metadata/namespace', detail: `names no team: there is no Group ${team} in the catalog`, rule: 'team' }]);
    const latest = await this.#o.capabilities.get(input.capability);
    if (!latest) throw invalidInput(`No capability ${input.capability} is published`, [{ pointer: '/spec/capability', detail: `${input.capability} is not a published capability (see GET /api/platform/capabilities)`, rule: 'capability' }]);
    const offer = latest.capability.spec.offer;
    if (!isOfferedTo(offer, team)) {
      throw invalidInput(`${input.capability} is not offered to ${team}`, [{ pointer: '/spec/capability', detail: `is offered to ${describeOfferees(offer)} only, not to ${team} (the capability's spec.offer.to)`, rule: 'offer' }]);
    }
    if (input.version !== undefined && !(await this.#o.capabilities.resolve(input.capability, input.version))) {
      const versions = await this.#o.capabilities.versions(input.capability);
      throw invalidInput(`No version of ${input.capability} satisfies ${input.version}`, [{ pointer: '/spec/version', detail: `matches none of the published versions ${versions.join(', ')}`, rule: 'semver-range' }]);
    }

    const approvers = [capabilityOwner(latest)].filter((owner): owner is string => Boolean(owner));
    return this.#o.store.transaction(async trx => {
      // Read under the row's lock: a decision or an apply at once (two replicas) is built on, not written over.
      const existing = await this.store.locked(trx, team, input.capability);
      const waits = offer?.binding === 'approval' && existing?.binding.status.phase !== 'Bound';
      const binding: CapabilityBinding = {
        apiVersion: PLATFORM_API_VERSION,
        kind: BINDING_KIND,
        metadata: { name: input.capability, namespace: input.namespace },
        spec: { capability: input.capability, ...(input.version !== undefined ? { version: input.version } : {}), ...(input.approval ? { approval: input.approval } : {}) },
        status: waits ? { phase: 'PendingApproval', team, approvers } : { ...(existing?.binding.status ?? { team }), phase: 'Bound', team },
      };
      if (existing && stableJson(existing.binding) === stableJson(binding)) return { binding, outcome: 'unchanged' as const };
      const now = this.#o.clock.now().toISOString();
      const stored: StoredBinding = { id: existing?.id ?? newId(), binding, createdAt: existing?.createdAt ?? now, updatedAt: now };
      const outcome = existing ? 'updated' : 'created';
      await this.store.save(trx, stored);
      if (binding.status.phase === 'Bound') await this.#follow(trx, team, input.capability, input.version);
      await this.#o.record(
        trx,
        author,
        { action: 'platform.binding.create', entityRef: bindingRef(input.namespace, input.capability), ...(existing ? { before: existing.binding } : {}), after: binding, detail: { outcome, phase: binding.status.phase } },
        bindingEvent('platform.binding.applied', binding, { outcome, phase: binding.status.phase }, principalOf(author.actor)),
      );
      return { binding, outcome };
    });
  }

  async list(filter: { team?: string; capability?: string } = {}): Promise<CapabilityBinding[]> {
    return (await this.store.list(filter)).map(stored => stored.binding);
  }

  /** The team's binding of a capability; 404 when it has none. */
  async get(namespace: string, capability: string): Promise<CapabilityBinding> {
    return (await this.#require(namespace, capability)).binding;
  }

  /**
   * The capability owner's decision on a binding waiting for approval, with a reason (422 naming `/reason`
   * without one; 409 when the binding does not wait). Approved, it is `Bound`; rejected, `Rejected`.
   */
  async decide(namespace: string, capability: string, decision: ApprovalDecision, author: ChangeAuthor): Promise<CapabilityBinding> {
    requireReason(decision);
    const by = principalOf(author.actor);
    const approve = decision.decision === 'approve';
    return this.#o.store.transaction(async trx => {
      // Read under the row's lock: of two decisions at once (two replicas), the second sees the first's and is refused.
      const stored = await this.#require(namespace, capability, trx);
      const { status } = stored.binding;
      if (status.phase !== 'PendingApproval') {
        const was = status.decision ? ` (decided by ${status.decision.by})` : '';
        throw conflict(`The binding of ${capability} by ${status.team} is ${status.phase}${was}, not waiting for approval`, [{ pointer: '/decision', detail: `the binding is ${status.phase}${was}` }]);
      }
      const now = this.#o.clock.now().toISOString();
      const binding: CapabilityBinding = { ...stored.binding, status: { team: status.team, phase: approve ? 'Bound' : 'Rejected', decision: { by, reason: decision.reason, at: now } } };
      await this.store.save(trx, { ...stored, binding, updatedAt: now });
      if (approve) await this.#follow(trx, status.team, capability, binding.spec.version);
      await this.#o.record(
        trx,
        author,
        { action: 'platform.binding.approve', entityRef: bindingRef(namespace, capability), before: stored.binding, after: binding, detail: { decision: approve ? 'approved' : 'rejected', reason: decision.reason } },
        bindingEvent('platform.binding.decided', binding, { decision: approve ? 'approved' : 'rejected', reason: decision.reason }, by),
      );
      return binding;
    });
  }

  /** Removes a team's binding; refused (409) while the team has requests of the capability. */
  async remove(namespace: string, capability: string, author: ChangeAuthor): Promise<void> {
    await this.#o.store.transaction(async trx => {
      // Read under the row's lock: of two removals at once, the second finds nothing to remove (404).
      const stored = await this.#require(namespace, capability, trx);
      const team = stored.binding.status.team;
      // Checked in the transaction that removes it, so a request made meanwhile is not left without its binding.
      const users = await this.#o.requests.list({ capability, owner: team }, trx);
      if (users.length) throw conflict(`${team} has ${users.length} request(s) of ${capability}, e.g. ${users[0]!.namespace}/${users[0]!.name}; delete them before unbinding`);
      await this.store.remove(trx, stored.id);
      await this.#o.record(
        trx,
        author,
        { action: 'platform.binding.delete', entityRef: bindingRef(namespace, capability), before: stored.binding },
        bindingEvent('platform.binding.deleted', stored.binding, {}, principalOf(author.actor)),
      );
    });
  }

  /** Removes every team's binding of a capability that is being deleted, in its transaction (one event each). */
  async removeAll(db: Db, capability: string): Promise<void> {
    for (const stored of await this.store.list({ capability }, db)) {
      await this.store.remove(db, stored.id);
      await this.#o.eventLog.append(db, bindingEvent('platform.binding.deleted', stored.binding, { reason: 'CapabilityDeleted' }));
    }
  }

  /**
   * The binding a team's request of a capability goes by: undefined for an open capability the team has not
   * bound (no offer: every team requests it). A capability with an offer the team has not bound (or whose
   * binding waits or was rejected) refuses the request: 422 naming `/kind` and the binding rule.
   */
  async requireBound(team: string, name: string): Promise<CapabilityBinding | undefined> {
    const stored = await this.store.get(team, name);
    if (stored?.binding.status.phase === 'Bound') return stored.binding;
    const offer = (await this.#o.capabilities.get(name))?.capability.spec.offer;
    if (!offer) return undefined;
    const why = stored
      ? `its binding of ${name} is ${stored.binding.status.phase}${stored.binding.status.phase === 'PendingApproval' ? ` (approvers: ${(stored.binding.status.approvers ?? []).join(', ') || 'none named'})` : ''}`
      : isOfferedTo(offer, team)
        ? `it has not bound ${name}: bind it first (pave platform bind ${name} --team ${team.replace(/^group:default\//, '')})`
        : `${name} is offered to ${describeOfferees(offer)} only`;
    throw invalidInput(`${team} may not request ${name}: ${why}`, [
      { pointer: '/kind', detail: `needs a Bound binding of ${name} by the request's team ${team} (the binding rule: a capability with spec.offer is requested only by teams that bound it); ${why}`, rule: 'binding' },
    ]);
  }

  /** A binding's place in the permission model: owned by its team. */
  facts(namespace: string, capability: string): ResourceFacts {
    return { ref: bindingRef(namespace, capability), kind: 'capabilitybinding', namespace: namespace.toLowerCase(), owners: [teamRef(namespace).toLowerCase()] };
  }

  /**
   * Who decides on a binding, for the permission model: the binding's facts with the capability's owner as
   * its owner, so that `role:owner` means the capability's owning team.
   */
  async approverFacts(namespace: string, capability: string): Promise<ResourceFacts> {
    const latest = await this.#o.capabilities.get(capability);
    const owner = latest && capabilityOwner(latest);
    return { ...this.facts(namespace, capability), owners: owner ? [owner.toLowerCase()] : [] };
  }

  /** The team's binding of a capability, else a 404; with `trx`, read under its row's lock ({@link BindingStore.locked}). */
  async #require(namespace: string, capability: string, trx?: Db): Promise<StoredBinding> {
    const stored = trx ? await this.store.locked(trx, teamRef(namespace), capability) : await this.store.get(teamRef(namespace), capability);
    if (!stored) throw notFound(`${teamRef(namespace)} has no binding of ${capability}`);
    return stored;
  }

  /** Points the team's requests of the capability that carry no pin of their own at the binding's channel. */
  async #follow(db: Db, team: string, capability: string, channel: string | undefined): Promise<void> {
    for (const id of await this.#o.requests.followChannel(db, { owner: team, capability, channel })) await this.#o.enqueue(id, db);
  }
}

/** An event about a binding: its subject is its catalog entity, its owner the team. */
function bindingEvent(type: string, binding: CapabilityBinding, payload: Record<string, unknown>, actor?: string): NewEvent {
  return {
    type,
    subject: bindingRef(binding.metadata.namespace, binding.spec.capability),
    ...(actor ? { actor } : {}),
    payload: { kind: 'capabilitybinding', namespace: binding.metadata.namespace, name: binding.spec.capability, owner: binding.status.team, capability: binding.spec.capability, ...payload },
  };
}
