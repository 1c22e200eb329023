import { join } from 'node:path';
import semver from 'semver';
import type { PlatformConfig } from './platform-config.js';
import { systemClock, type Clock } from '../core/clock.js';
import { newId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import { conflict, forbidden, invalidInput, isPaveError, notFound, joinPointer, type FieldError } from '../core/problem.js';
import { stringifyEntityRef, tryParseEntityRef } from '../core/entity-ref.js';
import type { Db, Store } from '../store/store.js';
import type { JobQueue } from '../store/job-queue.js';
import { principalOf, type AuditLog, type AuditRecordInput, type ChangeAuthor } from '../store/audit-log.js';
import { parseEventCursor, type EventLog, type NewEvent, type PaveEvent } from '../store/event-log.js';
import type { EventConsumers } from '../store/event-consumers.js';
import { followEvents } from '../store/follow-events.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { Identity } from '../auth/identity.js';
import type { PermissionService } from '../auth/permission-service.js';
import type { ResourceFacts } from '../auth/policy.js';
import { QueuePushTurns } from '../gitops/push-turns.js';
import { WorkspacePool } from '../gitops/workspace-pool.js';
import { BindingService } from './binding-service.js';
import { CapabilityRegistry, type CapabilitySummary, type PublishResult } from './capability-registry.js';
import { CatalogMirror } from './catalog-mirror.js';
import { capabilityRef } from './model/capability-ref.js';
import { capabilityEvent, destinationEvent, requestEvent, requestFacts, requestRef } from './change-events.js';
import { DestinationBrowsing } from './destination-browsing.js';
import { DestinationRegistry } from './destination-registry.js';
import { dryRun, type DryRunResult } from './dry-run.js';
import { pendingConditions } from './model/conditions.js';
import { validateCapability } from './model/capability-validation.js';
import { validateRequestEnvelope } from './model/document-validation.js';
import { dependencyNames, findCycle, findReferences } from './model/references.js';
import {
  ANNOTATION_CAPABILITY_VERSION,
  ANNOTATION_OWNER,
  type Capability,
  type CapabilityRevision,
  type Destination,
  type RequestEntity,
  type Run,
  type StoredRequest,
} from './model/types.js';
import { shownPhase } from './model/shown-phase.js';
import { approvalNeeded, type RequestApproval } from './model/request-approval.js';
import { ANNOTATION_TTL, expiryAt } from './model/request-ttl.js';
import { requireReason, type ApprovalDecision } from './model/approval-decision.js';
import { NamespaceOwners, type NamespaceOwner } from './namespace-owners.js';
import type { ExpressionEvaluator } from '../expressions/index.js';
import { Reconciler } from './reconciler.js';
import { GitOpsReadBack } from './gitops-readback.js';
import { gitOpsConditions, isFlaggedUnhealthy } from './model/gitops-health.js';
import { CONDITION_ORDER } from './model/conditions.js';
import { ScoreService } from './score/score-service.js';
import { stableJson, validateRequestSpec } from './render.js';
import { RequestStore } from './request-store.js';
import { RequestExpiry } from './request-expiry.js';
import { RunStore, runLogText } from './run-store.js';
import type { ModuleSandbox } from './steps/sandbox/module-sandbox.js';
import { moduleSandboxFor } from './steps/sandbox/module-sandbox-for.js';

export interface PlatformServiceOptions {
  store: Store;
  queue: JobQueue;
  /** Where each change appends its events, in its own transaction. */
  eventLog: EventLog;
  /** Where each change made by someone records its one audit entry, in its own transaction. */
  audit: AuditLog;
  /** The durable consumers of the event log; the catalog mirror joins them. */
  consumers: EventConsumers;
  catalog: CatalogService;
  config: PlatformConfig;
  /** Folder for this process's git working copies (usually `<dataDir>/gitops`). */
  workspaceRoot: string;
  /**
   * Decides who may render with a capability that is not published (`platform.capability.publish`), and
   * which folders of a destination a caller sees (who may read which request).
   */
  permissions: Pick<PermissionService, 'authorize' | 'decide' | 'readScope'>;
  /** Where module steps run; by default the one `config.moduleSandbox` names. */
  moduleSandbox?: ModuleSandbox;
  /** The sandboxed expression engine that renders `template` steps (its processes are the caller's to close). */
  expressions: ExpressionEvaluator;
  logger?: Logger;
  clock?: Clock;
}

/** The permission that lets a caller render with a capability it brings itself (code that is not published). */
const PUBLISH = 'platform.capability.publish';

/** A request as the API shows it: the submitted document, its status, uid and generation. */
export type RequestView = RequestEntity & {
  metadata: RequestEntity['metadata'] & { uid: string; generation: number; creationTimestamp: string };
  /** `unhealthy`: its delivery has been unhealthy (Healthy not True) since `unhealthySince`, longer than platform.unhealthyAfterSeconds. */
  status: NonNullable<RequestEntity['status']> & { unhealthy?: true; unhealthySince?: string };
};

/** What applying a request would write, once everything is checked. */
type PlannedApply =
  | { step: 'unchanged'; document: RequestEntity; existing: StoredRequest }
  | ({ step: 'create' } & PlannedWrite)
  | ({ step: 'update'; existing: StoredRequest } & PlannedWrite);

interface PlannedWrite {
  document: RequestEntity;
  apiVersion: string;
  capability: string;
  owner: string;
  now: string;
  approvalRules: Parameters<typeof approvalNeeded>[0];
  pin?: string;
  expiresAt?: string;
  /** The team's binding the plan found Bound (an offered capability), and the version channel it followed then. */
  bound?: { version: string | undefined };
}

export interface ApplyResult {
  request: RequestView;
  outcome: 'created' | 'updated' | 'unchanged';
}

/**
 * The platform API's service: capabilities (published by platform teams), destinations, requests
 * (submitted by teams), runs, dry-run renders and the reconciler that makes destinations match requests.
 * The HTTP routes and the CLI are thin adapters over this class. Every method that changes something takes
 * who changes it and, in the change's own transaction, records one audit entry (action: the permission
 * action) and appends its `platform.*` events; a call that changes nothing records nothing. The catalog
 * mirror and the event stream read those events.
 * @example
 *   await platform.publishCapability(capabilityDocument, changeAuthor(request));
 *   const { request } = await platform.applyRequest({ apiVersion: 'databases.pave.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'orders-db', namespace: 'checkout-team' }, spec: {} }, { actor: 'cli:alice' });
 */
export class PlatformService {
  readonly capabilities: CapabilityRegistry;
  readonly destinations: DestinationRegistry;
  readonly requests: RequestStore;
  readonly runs: RunStore;
  readonly reconciler: Reconciler;
  /** Which team owns a namespace's requests (configuration, then the catalog's Groups). */
  readonly owners: NamespaceOwners;
  /** Teams' bindings of capabilities: which teams may request what, following which version channel. */
  readonly bindings: BindingService;
  /** Warns before requests expire and deletes them once they have (the `platform.expiry` worker). */
  readonly expiry: RequestExpiry;
  /** Score workloads: a score.yaml's requests and its workload's manifests (`pave score apply|render`). */
  readonly score: ScoreService;
  /** Where module steps run. */
  readonly moduleSandbox: ModuleSandbox;
  /** GitOps health read back onto requests (Argo CD and Flux reports, through the delivery module's receivers). */
  readonly gitops: GitOpsReadBack;
  readonly #workspaces: WorkspacePool;
  /** Destinations browsed read-only, each caller seeing the folders of the requests they may read. */
  readonly browsing: DestinationBrowsing;
  readonly #permissions: Pick<PermissionService, 'authorize'>;
  readonly #mirror: CatalogMirror;
  readonly #store: Store;
  readonly #eventLog: EventLog;
  readonly #audit: AuditLog;
  readonly #config: PlatformConfig;
  readonly #clock: Clock;
  readonly #expressions: ExpressionEvaluator;

  constructor(options: PlatformServiceOptions) {
    this.#config = options.config;
    this.#store = options.store;
    this.#eventLog = options.eventLog;
    this.#audit = options.audit;
    this.#clock = options.clock ?? systemClock;
    this.#expressions = options.expressions;
    this.capabilities = new CapabilityRegistry(options.store, { clock: this.#clock });
    this.destinations = new DestinationRegistry(options.store, { clock: this.#clock });
    this.requests = new RequestStore(options.store);
    this.runs = new RunStore(options.store);
    this.owners = new NamespaceOwners(options.catalog.entities, options.config.namespaceOwners);
    this.moduleSandbox = options.moduleSandbox ?? moduleSandboxFor(options.config);
    this.#permissions = options.permissions;
    this.score = new ScoreService({ platform: this, permissions: options.permissions });
    this.browsing = new DestinationBrowsing({ destinations: this.destinations, requests: this.requests, permissions: options.permissions });
    // Replicas take turns to push to a branch; a turn outlives a killed holder by at most 10 s.
    const turns = new QueuePushTurns(options.queue, { leaseMs: Math.min(options.config.leaseSeconds * 1000, 10_000) });
    this.#workspaces = new WorkspacePool({ root: options.workspaceRoot, pushAttempts: options.config.pushAttempts, turns });
    this.bindings = new BindingService({
      store: options.store,
      capabilities: this.capabilities,
      requests: this.requests,
      entities: options.catalog.entities,
      record: (db, author, entry, events) => this.#record(db, author, entry, events),
      eventLog: options.eventLog,
      enqueue: (id, db) => this.reconciler.enqueue(id, 'binding', { db }),
      clock: this.#clock,
    });
    this.expiry = new RequestExpiry({
      store: options.store,
      requests: this.requests,
      eventLog: options.eventLog,
      deleteRequest: (namespace, name, author, deletion) => this.deleteRequest(namespace, name, author, deletion),
      warningSeconds: options.config.expiryWarningSeconds,
      intervalSeconds: options.config.expiryCheckSeconds,
      clock: this.#clock,
      ...(options.logger ? { logger: options.logger } : {}),
    });
    this.gitops = new GitOpsReadBack({ store: options.store, requests: this.requests, runs: this.runs, destinations: this.destinations, eventLog: options.eventLog });
    this.#mirror = new CatalogMirror({ catalog: options.catalog, requests: this.requests, capabilities: this.capabilities, bindings: this.bindings.store, ...(options.logger ? { logger: options.logger } : {}) });
    options.consumers.register(this.#mirror);
    this.reconciler = new Reconciler({
      store: options.store,
      eventLog: options.eventLog,
      queue: options.queue,
      capabilities: this.capabilities,
      destinations: this.destinations,
      requests: this.requests,
      runs: this.runs,
      workspaces: this.#workspaces,
      moduleSandbox: this.moduleSandbox,
      config: options.config,
      expressions: options.expressions,
      logger: options.logger,
      clock: this.#clock,
    });
  }

  /** Convenience for the composition root: the working-copy folder under a data folder. */
  static workspaceRootFor(dataDir: string): string {
    return join(dataDir, 'gitops');
  }

  // ── capabilities ────────────────────────────────────────────────────────────

  /**
   * Publishes a capability revision (422 with every mistake; 409 when the version exists with other
   * content). A new newest version re-renders the requests that float on latest; pinned ones are shown
   * as upgradeable. Republishing exactly a published revision changes nothing and records nothing.
   */
  async publishCapability(raw: unknown, author: ChangeAuthor): Promise<PublishResult> {
    const checked = await this.capabilities.check(raw);
    const { capability } = checked;
    const name = capability.metadata.name;
    const created =
      !checked.published &&
      (await this.#store.transaction(async trx => {
        if (!(await this.capabilities.insert(trx, checked))) return false;
        for (const request of await this.requests.list({ capability: name }, trx)) await this.reconciler.enqueue(request.id, 'capability', { db: trx });
        await this.#record(
          trx,
          author,
          { action: 'platform.capability.publish', entityRef: capabilityRef(name), after: capability, detail: { version: capability.spec.version } },
          capabilityEvent('platform.capability.published', name, capability.spec.owner, { version: capability.spec.version }, principalOf(author.actor)),
        );
        return true;
      }));
    return this.capabilities.result(capability, created ? 'created' : 'unchanged');
  }

  listCapabilities(): Promise<CapabilitySummary[]> {
    return this.capabilities.list();
  }

  getCapability(name: string, version?: string): Promise<CapabilityRevision> {
    return this.capabilities.require(name, version);
  }

  /** Removes a capability, all its revisions and the teams' bindings of it; refused while requests use it. */
  async deleteCapability(name: string, author: ChangeAuthor): Promise<void> {
    const latest = await this.capabilities.require(name);
    const versions = await this.capabilities.versions(name);
    await this.#store.transaction(async trx => {
      await this.capabilities.remove(trx, name);
      // Checked after the removal, which waits for the applies holding the capability: a request made meanwhile is seen.
      const users = await this.requests.list({ capability: name }, trx);
      if (users.length) throw conflict(`Capability ${name} is used by ${users.length} request(s), e.g. ${users[0]!.namespace}/${users[0]!.name}; delete them first`);
      // Its bindings go with it (their catalog entities too, through their events).
      await this.bindings.removeAll(trx, name);
      await this.#record(
        trx,
        author,
        { action: 'platform.capability.delete', entityRef: capabilityRef(name), before: latest.capability, detail: { versions } },
        capabilityEvent('platform.capability.deleted', name, latest.capability.spec.owner, { versions }, principalOf(author.actor)),
      );
    });
  }

  /**
   * Shows every published capability in the catalog now (at start, for capabilities published before their
   * events were kept; the catalog mirror keeps them current from then on).
   */
  async mirrorCapabilities(): Promise<void> {
    await this.#mirror.showCapabilities();
  }

  // ── destinations ────────────────────────────────────────────────────────────

  /** Creates or replaces a destination; one that is unchanged records nothing. */
  async applyDestination(raw: unknown, author: ChangeAuthor): Promise<{ destination: Destination; outcome: 'created' | 'updated' | 'unchanged' }> {
    return this.#store.transaction(async trx => {
      const { destination, outcome, before } = await this.destinations.apply(trx, raw);
      const name = destination.metadata.name;
      if (outcome !== 'unchanged') {
        await this.#record(
          trx,
          author,
          { action: 'platform.destination.write', entityRef: `destination:${name}`, before, after: destination, detail: { outcome } },
          destinationEvent('platform.destination.applied', name, { outcome }, principalOf(author.actor)),
        );
      }
      return { destination, outcome };
    });
  }

  listDestinations(): Promise<Destination[]> {
    return this.destinations.list();
  }

  getDestination(name: string): Promise<Destination> {
    return this.destinations.require(name);
  }

  /** Removes a destination; refused while it holds the files of a request. */
  async deleteDestination(name: string, author: ChangeAuthor): Promise<void> {
    const users = (await this.requests.list()).filter(r => r.status.deliveries.some(d => d.destination === name));
    if (users.length) throw conflict(`Destination ${name} holds the files of ${users.length} request(s), e.g. ${users[0]!.namespace}/${users[0]!.name}; delete them first`);
    await this.#store.transaction(async trx => {
      const before = await this.destinations.remove(trx, name);
      await this.#record(trx, author, { action: 'platform.destination.delete', entityRef: `destination:${name}`, before }, destinationEvent('platform.destination.deleted', name, {}, principalOf(author.actor)));
    });
  }

  // ── requests ────────────────────────────────────────────────────────────────

  /**
   * Creates or updates a request. Everything is checked before anything is stored: the kind must be
   * published, the spec must satisfy the schema (errors name the field), references to other requests'
   * outputs must not form a cycle, the namespace must have an owning team. The owner is Pave's to decide
   * (the request's stored owner, else the namespace's owning team): a `pave.dev/owner` annotation naming
   * anyone else is refused, and none is stored. A changed document gets a new generation and is reconciled.
   * An apply that changes nothing is not a change: it is reconciled again, and records no audit entry and no event.
   */
  async applyRequest(raw: unknown, author: ChangeAuthor): Promise<ApplyResult> {
    return (await this.applyRequests([raw], author))[0]!;
  }

  /**
   * Applies several requests as one change: every one is checked (as {@link PlatformService.applyRequest}
   * does) before any is stored, then all are written in one transaction, so a mistake in any leaves nothing
   * half-written. `onInvalid` may rethrow a request's problem in its caller's words (say, located in a Score file).
   * `remove` names requests to delete in the same change (as {@link PlatformService.deleteRequest} does): what
   * the applied documents no longer need.
   * @example await platform.applyRequests([database, workload], author, { remove: [{ namespace: 'checkout-team', name: 'orders-cache' }] })
   */
  async applyRequests(
    raws: readonly unknown[],
    author: ChangeAuthor,
    options: { onInvalid?: (index: number, error: unknown) => never; remove?: ReadonlyArray<{ namespace: string; name: string }> } = {},
  ): Promise<ApplyResult[]> {
    const planned: PlannedApply[] = [];
    for (const [i, raw] of raws.entries()) {
      try {
        planned.push(await this.#planApply(raw));
      } catch (error) {
        if (options.onInvalid) options.onInvalid(i, error);
        throw error;
      }
    }
    try {
      return await this.#store.transaction(async trx => {
        // Every lock the writes take, first, in one order: a write records events, which holds the event counter to
        // the commit, and a lock waited for after that could be held by a transaction waiting for the counter (a
        // capability's deletion, another writer of a request): a deadlock.
        const writes = planned.filter(plan => plan.step !== 'unchanged');
        for (const capability of [...new Set(writes.map(plan => plan.capability))].sort()) await this.capabilities.heldPublished(trx, capability);
        const removed: StoredRequest[] = [];
        for (const { namespace, name } of options.remove ?? []) {
          const stored = await this.requests.byName(namespace, name, trx);
          if (stored) removed.push(stored);
        }
        const requestIds = [...writes.flatMap(plan => (plan.step === 'update' ? [plan.existing.id] : [])), ...removed.map(stored => stored.id)];
        for (const id of requestIds.sort()) await this.requests.lockedById(trx, id);
        const results: ApplyResult[] = [];
        for (const plan of planned) results.push(await this.#writeApply(trx, plan, author));
        for (const stored of removed) await this.#writeDelete(trx, stored, author, 'DeleteRequested');
        return results;
      });
    } catch (error) {
      for (const plan of planned) {
        const { namespace, name } = plan.document.metadata;
        if (plan.step === 'create' && (await this.requests.byName(namespace, name))) throw conflict(`${namespace}/${name} was created at the same time by someone else; apply again`);
      }
      throw error;
    }
  }

  /** Everything an apply checks, and what it would write; nothing is stored. */
  async #planApply(raw: unknown): Promise<PlannedApply> {
    const envelope = validateRequestEnvelope(raw);
    if (!envelope.request) throw invalidInput(`The request has ${envelope.errors.length} mistake(s)`, envelope.errors);
    const entity = envelope.request;
    const { namespace, name } = entity.metadata;
    const capabilityName = await this.capabilities.findByApi(envelope.group!, entity.kind);
    if (!capabilityName) {
      throw invalidInput(`No published capability defines ${entity.kind} in ${envelope.group}`, [
        { pointer: '/kind', detail: `${entity.kind} in ${envelope.group} is not a published capability's kind (see GET /api/platform/capabilities)`, rule: 'capability' },
      ]);
    }
    const apiVersions = await this.capabilities.apiVersions(capabilityName);
    if (!apiVersions.includes(envelope.version!)) {
      throw invalidInput(`${capabilityName} has no API version ${envelope.version}`, [
        { pointer: '/apiVersion', detail: `must be one of ${apiVersions.map(v => `${envelope.group}/${v}`).join(', ')}`, rule: 'api-version' },
      ]);
    }
    const ownPin = entity.metadata.annotations?.[ANNOTATION_CAPABILITY_VERSION];
    const pinPointer = `/metadata/annotations${joinPointer(ANNOTATION_CAPABILITY_VERSION)}`;
    if (ownPin !== undefined && semver.validRange(ownPin) === null) throw invalidInput('The version pin is not a semver version or range', [{ pointer: pinPointer, detail: 'must be a version such as 1.2.0 or a range such as ^1.2', rule: 'semver-range' }]);
    if (ownPin !== undefined) await this.#resolvePin(capabilityName, ownPin, pinPointer);
    const existing = await this.requests.byName(namespace, name);
    const owner = existing?.owner ?? (await this.owners.requireOwner(namespace));
    // A request without a pin of its own follows its team's binding's version channel.
    const binding = await this.bindings.requireBound(owner, capabilityName);
    const pin = ownPin ?? binding?.spec.version;
    const revision = await this.#resolvePin(capabilityName, pin, ownPin !== undefined ? pinPointer : '/kind');
    const errors: FieldError[] = validateRequestSpec(revision.capability, entity.spec).errors;
    const ownName = findReferences(entity.spec).filter(r => r.request === name);
    for (const reference of ownName) errors.push({ pointer: reference.pointer, detail: `refers to the request's own outputs (${name})`, rule: 'cycle' });
    if (errors.length) {
      throw invalidInput(`The request does not match ${entity.kind}'s schema (${capabilityName} ${revision.version}): ${errors.map(e => e.detail).join('; ')}`, errors);
    }
    await this.#refuseCycle(entity);
    // One reading of the clock: a new request expires exactly its time to live after its creation.
    const now = this.#now();
    const expiresAt = this.#expiryOnApply(entity, existing, revision, new Date(now));
    const approvalRules = [
      ...(revision.capability.spec.approval ? [{ rule: revision.capability.spec.approval, source: `capability ${capabilityName}` }] : []),
      ...(binding?.spec.approval ? [{ rule: binding.spec.approval, source: `the binding of ${capabilityName} by ${owner}` }] : []),
    ];

    const document = withoutOwnerClaim(entity, owner);
    if (existing) refuseDeleting(existing);
    if (existing && (existing.kind !== entity.kind || existing.capability !== capabilityName)) {
      throw conflict(`${namespace}/${name} is already a ${existing.kind} request; request names are unique in a namespace`, [{ pointer: '/metadata/name', detail: `is taken by a ${existing.kind}`, rule: 'unique' }]);
    }
    if (existing && stableJson(existing.entity) === stableJson(document)) return { step: 'unchanged', document, existing };
    const common = { document, apiVersion: entity.apiVersion, capability: capabilityName, owner, now, approvalRules, ...optional('pin', pin), ...optional('expiresAt', expiresAt), ...(binding ? { bound: { version: binding.spec.version } } : {}) };
    return existing ? { step: 'update', existing, ...common } : { step: 'create', ...common };
  }

  /** Writes a planned apply in `trx`: the request, its reconcile, its audit entry and events. */
  async #writeApply(trx: Db, plan: PlannedApply, author: ChangeAuthor): Promise<ApplyResult> {
    if (plan.step === 'unchanged') {
      await this.reconciler.enqueue(plan.existing.id, 'apply', { db: trx });
      return { request: this.#view(plan.existing), outcome: 'unchanged' };
    }
    const { document, pin, owner, now, expiresAt } = plan;
    const { namespace, name } = document.metadata;
    // Holds the capability until this commits: a deletion of it at once either sees this request or went first.
    if (!(await this.capabilities.heldPublished(trx, plan.capability))) {
      throw conflict(`${plan.capability} was deleted while ${namespace}/${name} was being applied`, [{ pointer: '/kind', detail: `${document.kind}'s capability ${plan.capability} is no longer published` }]);
    }
    // The team's binding too, as the plan found it: a removal or a change of it at once waits for this request, or
    // went first and this one is refused (a request of an offered capability never outlives its team's binding).
    if (plan.bound) {
      const binding = (await this.bindings.store.held(trx, plan.owner, plan.capability))?.binding;
      if (binding?.status.phase !== 'Bound' || binding.spec.version !== plan.bound.version) {
        throw conflict(`${plan.owner}'s binding of ${plan.capability} changed while ${namespace}/${name} was being applied; apply again`, [{ pointer: '/kind', detail: `the binding of ${plan.capability} by ${plan.owner} is ${binding ? `${binding.status.phase}${binding.spec.version !== plan.bound.version ? ', on another version channel' : ''}` : 'gone'}` }]);
      }
    }
    const actor = principalOf(author.actor);
    const entityRef = requestRef(namespace, name);
    if (plan.step === 'create') {
      const stored: StoredRequest = {
        id: newId(),
        namespace,
        name,
        apiVersion: plan.apiVersion,
        kind: document.kind,
        capability: plan.capability,
        ...(pin ? { pinnedVersion: pin } : {}),
        generation: 1,
        entity: document,
        status: { phase: 'Pending', conditions: pendingConditions(1, now), observedGeneration: 0, deliveries: [] },
        owner,
        ...optional('approval', approvalNeeded(plan.approvalRules, document, 1)),
        ...optional('expiresAt', expiresAt),
        createdAt: now,
        updatedAt: now,
      };
      await this.requests.insert(trx, stored);
      await this.reconciler.enqueue(stored.id, 'apply', { db: trx });
      await this.#record(
        trx,
        author,
        { action: 'platform.request.create', entityRef, after: document, detail: { outcome: 'created', kind: document.kind, capability: plan.capability, generation: 1 } },
        [requestEvent('platform.request.applied', stored, {}, actor), ...approvalEvents(stored, actor)],
      );
      return { request: this.#view(stored), outcome: 'created' };
    }
    // Read under the row's lock: an apply or a deletion at once (two replicas) came after the plan read the row, and
    // the approval asked for must be that of the generation this write makes (one for an older lets it render unapproved).
    const existing = await this.requests.lockedById(trx, plan.existing.id);
    if (!existing) throw conflict(`${namespace}/${name} was deleted while it was being applied; apply again`, [{ pointer: '/metadata/name', detail: 'the request was deleted meanwhile' }]);
    refuseDeleting(existing);
    const approval = approvalNeeded(plan.approvalRules, document, existing.generation + 1);
    const generation = await this.requests.updateDocument(trx, existing.id, document, { apiVersion: plan.apiVersion, ...(pin ? { pinnedVersion: pin } : {}), owner, ...optional('approval', approval), now });
    const stored: StoredRequest = { ...existing, entity: document, apiVersion: plan.apiVersion, generation, owner, updatedAt: now, ...(pin ? { pinnedVersion: pin } : {}), ...optional('approval', approval) };
    if (!pin) delete stored.pinnedVersion;
    if (!approval) delete stored.approval;
    if (expiresAt !== undefined && expiresAt !== existing.expiresAt) {
      await this.requests.setExpiry(trx, existing.id, expiresAt);
      stored.expiresAt = expiresAt;
    }
    await this.reconciler.enqueue(stored.id, 'apply', { db: trx });
    await this.#record(
      trx,
      author,
      { action: 'platform.request.create', entityRef, before: existing.entity, after: document, detail: { outcome: 'updated', kind: document.kind, capability: plan.capability, generation } },
      [requestEvent('platform.request.updated', stored, {}, actor), ...approvalEvents(stored, actor)],
    );
    return { request: this.#view(stored), outcome: 'updated' };
  }

  /**
   * The team that owns a request: the owner stored with it, else (a request not made yet, or stored before
   * owners were kept) its namespace's owning team. Undefined when there is none, or with `required` a 422
   * problem saying why. This is what permissions are checked against.
   * @example await platform.requestOwner('checkout-team', 'orders-db') // 'group:default/checkout-team'
   */
  async requestOwner(namespace: string, name: string | undefined, options: { required?: boolean } = {}): Promise<string | undefined> {
    const stored = name === undefined ? undefined : await this.requests.byName(namespace, name);
    if (stored?.owner) return stored.owner;
    return options.required ? this.owners.requireOwner(namespace) : this.owners.ownerOf(namespace);
  }

  /**
   * A request's place in the permission model: the catalog Resource it appears as, owned by the team Pave
   * decided (none when its namespace has no owning team, which only admins get past). Routes, golden paths
   * and the catalog mirror all ask here, so one rule decides who owns a request.
   * @example await platform.requestResource('checkout-team', 'orders-db') // { ref: 'resource:checkout-team/orders-db', owners: ['group:default/checkout-team'], … }
   */
  async requestResource(namespace: string, name: string, options: { required?: boolean } = {}): Promise<ResourceFacts> {
    return requestFacts(namespace, name, await this.requestOwner(namespace, name, options));
  }

  /**
   * The namespaces requests can be made in, each with the team that owns it (configuration first, then the
   * Groups of the catalog): what the portal offers a person to choose from.
   */
  namespaces(): Promise<NamespaceOwner[]> {
    return this.owners.list();
  }

  async getRequest(namespace: string, name: string): Promise<RequestView> {
    const stored = await this.requests.byName(namespace, name);
    if (!stored) throw notFound(`No request ${name} in namespace ${namespace}`);
    return this.#view(stored);
  }

  async listRequests(filter: { namespace?: string; kind?: string; capability?: string } = {}): Promise<RequestView[]> {
    return (await this.requests.list(filter)).map(stored => this.#view(stored));
  }

  /**
   * Asks for a request to be deleted: its delete steps run, its files are pruned in a commit (unless the
   * destination retains them), then it is removed. Requests that depend on it go first. Asking again while it
   * is being deleted changes nothing (it is only reconciled again).
   */
  async deleteRequest(namespace: string, name: string, author: ChangeAuthor, options: { reason?: 'DeleteRequested' | 'Expired' } = {}): Promise<RequestView> {
    const stored = await this.requests.byName(namespace, name);
    if (!stored) throw notFound(`No request ${name} in namespace ${namespace}`);
    await this.#store.transaction(trx => this.#writeDelete(trx, stored, author, options.reason ?? 'DeleteRequested'));
    return this.getRequest(namespace, name);
  }

  /** Marks a request deleting (once: asking again only reconciles it again), audited, in the change's transaction. */
  async #writeDelete(trx: Db, stored: StoredRequest, author: ChangeAuthor, reason: 'DeleteRequested' | 'Expired'): Promise<void> {
    // The request's row before its reconcile job's, as every writer of a request takes them (the other order
    // deadlocked with an apply or a decision at once).
    const marked = await this.requests.markDeleting(trx, stored.id, this.#now());
    await this.reconciler.enqueue(stored.id, 'delete', { db: trx });
    if (!marked) return;
    await this.#record(
      trx,
      author,
      { action: 'platform.request.delete', entityRef: requestRef(stored.namespace, stored.name), before: stored.entity, detail: { kind: stored.kind, generation: stored.generation } },
      requestEvent('platform.request.phase-changed', stored, { phase: 'Deleting', reason }, principalOf(author.actor)),
    );
  }

  /**
   * Moves a request's expiry to `ttl` from now (its owners extend it, or shorten it), never past its capability's
   * `ttl.maximum` after its creation: a 422 naming `/ttl` says until when it may live. Audited; appends
   * `platform.request.extended` (payload: expiresAt), and its warning is given again before the new time.
   */
  async extendRequest(namespace: string, name: string, ttl: string, author: ChangeAuthor): Promise<RequestView> {
    const stored = await this.requests.byName(namespace, name);
    if (!stored) throw notFound(`No request ${name} in namespace ${namespace}`);
    const revision = (await this.capabilities.get(stored.capability, stored.status.capabilityVersion)) ?? (await this.capabilities.require(stored.capability));
    const { at, error } = expiryAt({ ttl, policy: revision.capability.spec.ttl, from: this.#clock.now(), createdAt: new Date(stored.createdAt), pointer: '/ttl' });
    if (error || !at) throw invalidInput(`${namespace}/${name} cannot live ${ttl} from now`, error ? [error] : []);
    const expiresAt = at.toISOString();
    const extended = await this.#store.transaction(async trx => {
      // Read under the row's lock: a deletion that landed since the read above is seen, and nothing is extended.
      const current = await this.requests.lockedById(trx, stored.id);
      if (!current) throw notFound(`No request ${name} in namespace ${namespace}`);
      if (current.deletingSince) throw conflict(`${namespace}/${name} is being deleted`, [{ pointer: '/ttl', detail: `the request is being deleted since ${current.deletingSince}` }]);
      await this.requests.setExpiry(trx, current.id, expiresAt);
      const extended = { ...current, expiresAt };
      await this.#record(
        trx,
        author,
        { action: 'platform.request.extend', entityRef: requestRef(namespace, name), detail: { ttl, expiresAt, ...optional('before', current.expiresAt) } },
        requestEvent('platform.request.extended', extended, { expiresAt }, principalOf(author.actor)),
      );
      return extended;
    });
    return this.#view(extended);
  }

  /**
   * An approver's decision on a request's newest generation waiting for approval, with a reason (422 naming
   * `/reason` without one; 409 when nothing waits). Approved, it is reconciled; rejected, it stays as it is
   * (its earlier generation's files, if any, stay too) until it is applied again or deleted. Who may decide is
   * the route's permission (`platform.approval.decide` on {@link PlatformService.approvalResource}).
   */
  async decideRequest(namespace: string, name: string, decision: ApprovalDecision, author: ChangeAuthor): Promise<RequestView> {
    requireReason(decision);
    const found = await this.requests.byName(namespace, name);
    if (!found) throw notFound(`No request ${name} in namespace ${namespace}`);
    const approve = decision.decision === 'approve';
    const by = principalOf(author.actor);
    const decided = await this.#store.transaction(async trx => {
      // Read under the row's lock: of two decisions at once (two replicas), the second sees the first's and is refused.
      const stored = await this.requests.lockedById(trx, found.id);
      if (!stored) throw notFound(`No request ${name} in namespace ${namespace}`);
      // The approver decides on the generation they were shown, not on one applied since.
      if (stored.generation !== found.generation) throw conflict(`${namespace}/${name} changed meanwhile; decide on its new generation`, [{ pointer: '/decision', detail: `generation ${found.generation} was replaced by ${stored.generation}` }]);
      if (!stored.approval || stored.approval.generation !== stored.generation || stored.approval.state !== 'Pending') {
        const was = stored.approval?.generation === stored.generation && stored.approval.decision ? ` (${stored.approval.state.toLowerCase()} by ${stored.approval.decision.by})` : '';
        throw conflict(`${namespace}/${name} (generation ${stored.generation}) is not waiting for approval${was}`, [{ pointer: '/decision', detail: `generation ${stored.generation} waits for no decision${was}` }]);
      }
      const approval: RequestApproval = { ...stored.approval, state: approve ? 'Approved' : 'Rejected', decision: { by, reason: decision.reason, at: this.#now() } };
      const decided = { ...stored, approval };
      await this.requests.decideApproval(trx, stored.id, approval);
      if (approve) await this.reconciler.enqueue(stored.id, 'approved', { db: trx });
      await this.#record(
        trx,
        author,
        { action: 'platform.approval.decide', entityRef: requestRef(namespace, name), detail: { decision: approve ? 'approved' : 'rejected', reason: decision.reason, generation: stored.generation } },
        requestEvent('platform.request.phase-changed', decided, { phase: shownPhase(decided), reason: approve ? 'Approved' : 'Rejected', by }, by),
      );
      return decided;
    });
    return this.#view(decided);
  }

  /**
   * Who decides on a request's approval, for the permission model: the request's Resource with the approvers
   * (of its newest approval) as its owners, so that `role:owner` means a member of an approving group.
   */
  async approvalResource(namespace: string, name: string): Promise<ResourceFacts> {
    const stored = await this.requests.byName(namespace, name);
    return { ...requestFacts(namespace, name, undefined), owners: (stored?.approval?.approvers ?? []).map(group => group.toLowerCase()) };
  }

  /**
   * Asks for an immediate reconcile (e.g. after a failed push was fixed). Audited; it changes no object, so
   * it appends no event of its own (what the reconcile changes appends its events).
   */
  async reconcileNow(namespace: string, name: string, author: ChangeAuthor): Promise<void> {
    const stored = await this.requests.byName(namespace, name);
    if (!stored) throw notFound(`No request ${name} in namespace ${namespace}`);
    await this.#store.transaction(async trx => {
      await this.reconciler.enqueue(stored.id, 'manual', { db: trx });
      await this.#audit.record({ actor: author.actor, action: 'platform.request.reconcile', entityRef: requestRef(namespace, name), ...contextOf(author), detail: { kind: stored.kind, generation: stored.generation } }, trx);
    });
  }

  // ── events ──────────────────────────────────────────────────────────────────

  /**
   * The platform's changes as they are appended to the event log (`platform.*`; with `namespace` and `name`,
   * only those of that request): the ones after `lastEventId` (the seq of the last event a client saw),
   * else the ones appended from now on, until `signal` aborts. A `lastEventId` that is not an event's seq is a
   * 400 problem, thrown before anything is streamed.
   * @example for await (const event of await platform.watchEvents({ namespace: 'checkout-team', signal })) send(event);
   */
  async watchEvents(options: { lastEventId?: string; namespace?: string; name?: string; signal: AbortSignal }): Promise<AsyncGenerator<PaveEvent>> {
    const latest = await this.#eventLog.latest();
    const after = options.lastEventId === undefined ? latest : parseEventCursor(options.lastEventId, latest, '/headers/last-event-id');
    const batches = followEvents(this.#store, this.#eventLog, { after, types: ['platform.*'], signal: options.signal });
    const { namespace, name } = options;
    return (async function* () {
      for await (const batch of batches) {
        for (const event of batch) {
          if (namespace !== undefined && event.payload.namespace !== namespace) continue;
          if (name !== undefined && event.payload.name !== name) continue;
          yield event;
        }
      }
    })();
  }

  // ── runs ────────────────────────────────────────────────────────────────────

  listRuns(namespace: string, name: string, limit?: number): Promise<Run[]> {
    return this.runs.list(namespace, name, limit);
  }

  getRun(id: string): Promise<Run> {
    return this.runs.get(id);
  }

  async runLog(id: string): Promise<string> {
    return runLogText(await this.runs.get(id));
  }

  // ── dry run ─────────────────────────────────────────────────────────────────

  /**
   * Renders a request as a reconcile would, with the store's published capability, the outputs of the
   * requests it references and the destinations it would be placed on; writes nothing. A capability
   * given here is code that nobody published, so only a `caller` who may publish capabilities
   * (`platform.capability.publish`) may bring one: anyone else gets a 403 naming that permission.
   * @example await platform.render(request, { capability: draft, caller: request.identity })
   */
  async render(requestRaw: unknown, options: { capability?: unknown; caller?: Identity } = {}): Promise<DryRunResult> {
    let capability;
    if (options.capability !== undefined) {
      await this.#authorizeUnpublished(options.caller);
      const checked = validateCapability(options.capability);
      if (!checked.capability) throw invalidInput(`The capability has ${checked.errors.length} mistake(s)`, checked.errors.map(e => ({ ...e, pointer: '/capability' + e.pointer })));
      capability = checked.capability;
    } else {
      const envelope = validateRequestEnvelope(requestRaw);
      if (!envelope.request) throw invalidInput(`The request has ${envelope.errors.length} mistake(s)`, envelope.errors);
      const name = await this.capabilities.findByApi(envelope.group!, envelope.request.kind);
      if (!name) throw invalidInput(`No published capability defines ${envelope.request.kind} in ${envelope.group}`, [{ pointer: '/kind', detail: 'is not a published kind', rule: 'capability' }]);
      const pin = envelope.request.metadata.annotations?.[ANNOTATION_CAPABILITY_VERSION];
      const revision = await this.capabilities.resolve(name, pin && semver.validRange(pin) ? pin : undefined);
      if (!revision) throw invalidInput(`No version of ${name} satisfies ${pin}`);
      capability = revision.capability;
    }
    return this.renderWith(capability, requestRaw);
  }

  /**
   * Renders a request with a capability the caller vouches for — Pave's own (the Score workload's) or one
   * {@link PlatformService.render} checked — with the store's outputs of the requests it references and its
   * destinations; writes nothing. Never pass a capability a client sent: that is `render`'s to check.
   */
  async renderWith(capability: Capability, requestRaw: unknown): Promise<DryRunResult> {
    const envelope = validateRequestEnvelope(requestRaw);
    const dependencies: Record<string, Record<string, unknown> | undefined> = {};
    let existing: StoredRequest | undefined;
    if (envelope.request) {
      existing = await this.requests.byName(envelope.request.metadata.namespace, envelope.request.metadata.name);
      for (const name of dependencyNames(envelope.request.spec)) {
        const dependency = await this.requests.byName(envelope.request.metadata.namespace, name);
        if (dependency?.status.phase === 'Ready') dependencies[name] = dependency.status.outputs ?? {};
      }
    }
    return dryRun({
      capability,
      request: requestRaw,
      dependencies,
      observedOutputs: existing?.status.outputs,
      destinations: await this.destinations.list(),
      currentDestinations: existing?.status.deliveries.map(d => d.destination),
      timeoutSeconds: this.#config.stepTimeoutSeconds,
      moduleSandbox: this.moduleSandbox,
      expressions: this.#expressions,
    });
  }

  /** Refuses, with a 403 naming the permission and the field, a caller who may not run capability code nobody published. */
  async #authorizeUnpublished(caller: Identity | undefined): Promise<void> {
    const field: FieldError = {
      pointer: '/capability',
      detail: `a capability that is not published runs code of the caller's choosing: only those who may ${PUBLISH} may render with one; leave it out to render with the published capability`,
      rule: PUBLISH,
    };
    if (!caller) throw forbidden(`Rendering with a capability that is not published needs ${PUBLISH}, and no caller was given`, [field], { action: PUBLISH });
    try {
      await this.#permissions.authorize(caller, PUBLISH);
    } catch (error) {
      if (isPaveError(error) && error.status === 403) throw forbidden(error.message, [field], { action: PUBLISH });
      throw error;
    }
  }

  /** Stops the reconciler and releases the git working copies. */
  async close(): Promise<void> {
    await this.expiry.stop();
    await this.reconciler.stop();
    await this.#workspaces.close();
  }

  /** Records a change's one audit entry and appends its events, in the change's transaction. */
  async #record(db: Db, author: ChangeAuthor, entry: Omit<AuditRecordInput, 'actor' | 'context'>, events: NewEvent | NewEvent[]): Promise<void> {
    await this.#audit.record({ ...entry, actor: author.actor, ...contextOf(author) }, db);
    await this.#eventLog.append(db, events);
  }

  /**
   * When a request being applied expires: set when it is created (its `pave.dev/ttl`, else its capability's
   * default or maximum), moved to its new ttl from now when the annotation changes; a 422 naming the annotation
   * for a ttl that is not a duration or lasts past the capability's maximum.
   */
  #expiryOnApply(entity: RequestEntity, existing: StoredRequest | undefined, revision: CapabilityRevision, now: Date): string | undefined {
    const ttl = entity.metadata.annotations?.[ANNOTATION_TTL];
    if (existing && (ttl === undefined || ttl === existing.entity.metadata.annotations?.[ANNOTATION_TTL])) return existing.expiresAt;
    const { at, error } = expiryAt({ ttl, policy: revision.capability.spec.ttl, from: now, createdAt: existing ? new Date(existing.createdAt) : now });
    if (error) throw invalidInput(`The request's time to live is refused: ${error.detail}`, [error]);
    return at?.toISOString() ?? existing?.expiresAt;
  }

  /** The revision a pin (or a binding's channel) resolves to; a 422 naming `pointer` when none satisfies it. */
  async #resolvePin(capability: string, pin: string | undefined, pointer: string): Promise<CapabilityRevision> {
    const revision = await this.capabilities.resolve(capability, pin);
    if (revision) return revision;
    const versions = await this.capabilities.versions(capability);
    throw invalidInput(`No version of ${capability} satisfies ${pin}`, [{ pointer, detail: `${pin} matches none of the published versions ${versions.join(', ')}`, rule: 'semver-range' }]);
  }

  /** Refuses a request whose references would close a dependency cycle in its namespace. */
  async #refuseCycle(entity: RequestEntity): Promise<void> {
    // A request that refers to no other cannot close a cycle: skip reading the namespace (bulk applies).
    if (dependencyNames(entity.spec).length === 0) return;
    const graph = new Map<string, string[]>();
    for (const other of await this.requests.list({ namespace: entity.metadata.namespace })) {
      if (other.name !== entity.metadata.name) graph.set(other.name, dependencyNames(other.entity.spec));
    }
    graph.set(entity.metadata.name, dependencyNames(entity.spec));
    const found = findCycle(graph);
    if (!found || !found.includes(entity.metadata.name)) return;
    // Show the cycle starting (and ending) at this request.
    const start = found.indexOf(entity.metadata.name);
    const cycle = [...found.slice(start, -1), ...found.slice(0, start), entity.metadata.name];
    const next = cycle[cycle.indexOf(entity.metadata.name) + 1];
    const pointer = findReferences(entity.spec).find(r => r.request === next)?.pointer ?? '/spec';
    throw invalidInput(`The request's references form a dependency cycle: ${cycle.join(' → ')}`, [
      { pointer, detail: `refers to ${next}, which (through ${cycle.join(' → ')}) depends on this request: a cycle`, rule: 'cycle' },
    ]);
  }

  /** A request as the API shows it, flagged when its delivery has been unhealthy longer than `unhealthyAfterSeconds`. */
  #view(stored: StoredRequest): RequestView {
    return viewOf(stored, { now: this.#clock.now(), unhealthyAfterSeconds: this.#config.unhealthyAfterSeconds });
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }
}

/**
 * The document to store: without an owner claim, which is refused (422, naming the field) unless it names
 * the owner Pave decided. Ownership comes from the configuration and the catalog, never from the caller.
 */
function withoutOwnerClaim(entity: RequestEntity, owner: string): RequestEntity {
  const annotations = entity.metadata.annotations;
  if (!annotations || !(ANNOTATION_OWNER in annotations)) return entity;
  const claimed = tryParseEntityRef(annotations[ANNOTATION_OWNER], { defaultKind: 'group' });
  if (!claimed || stringifyEntityRef(claimed) !== owner) {
    throw invalidInput(`The owner of ${entity.metadata.namespace}/${entity.metadata.name} is ${owner}, decided by Pave; it cannot be set`, [
      {
        pointer: `/metadata/annotations${joinPointer(ANNOTATION_OWNER)}`,
        detail: `cannot choose the owner: requests in ${entity.metadata.namespace} are owned by ${owner} (platform.namespaceOwners, or the Group named like the namespace); remove the annotation`,
        rule: 'owner',
      },
    ]);
  }
  const { [ANNOTATION_OWNER]: _claim, ...rest } = annotations;
  const metadata = { ...entity.metadata, annotations: rest };
  if (!Object.keys(rest).length) delete (metadata as { annotations?: unknown }).annotations;
  return { ...entity, metadata };
}

/** `{ [key]: value }`, or nothing when the value is undefined (for optional fields under exactOptionalPropertyTypes). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

/** The phase change a request waiting for approval makes known, naming its approvers (none when it does not wait). */
function approvalEvents(request: StoredRequest, actor: string): NewEvent[] {
  if (!request.approval || request.approval.state !== 'Pending') return [];
  return [requestEvent('platform.request.phase-changed', request, { phase: 'PendingApproval', reason: 'ApprovalRequired', approvers: request.approval.approvers }, actor)];
}

/** Where a change came from, for its audit entry (absent when its author did not say). */
function contextOf(author: ChangeAuthor): Pick<AuditRecordInput, 'context'> {
  return author.context ? { context: author.context } : {};
}

/**
 * The API view: the document, uid and generation, and the status with its phase as seen now, its GitOps
 * conditions (Synced, Healthy) beside the reconciler's, and the unhealthy flag.
 */
export function viewOf(stored: StoredRequest, health: { now: Date; unhealthyAfterSeconds: number }): RequestView {
  const conditions = stored.gitops ? [...stored.status.conditions, ...gitOpsConditions(stored.gitops, stored.generation)].sort((a, b) => CONDITION_ORDER.indexOf(a.type) - CONDITION_ORDER.indexOf(b.type)) : stored.status.conditions;
  const status = { ...stored.status, conditions, phase: shownPhase(stored) };
  const { inputHash: _hash, ...shown } = status;
  const flagged = isFlaggedUnhealthy(stored.gitops, health.now, health.unhealthyAfterSeconds);
  return {
    ...stored.entity,
    metadata: { ...stored.entity.metadata, uid: stored.id, generation: stored.generation, creationTimestamp: stored.createdAt },
    // The team Pave decided owns it (never what a caller sent): what its permissions are decided on.
    status: { ...(shown as RequestView['status']), ...(stored.owner ? { owner: stored.owner } : {}), ...optional('approval', stored.approval), ...optional('expiresAt', stored.expiresAt), ...(flagged ? { unhealthy: true as const, unhealthySince: stored.gitops!.unhealthySince! } : {}) },
  };
}

/** Refuses to apply a request that is being deleted: a 409 naming its name. */
function refuseDeleting(request: StoredRequest): void {
  if (request.deletingSince) throw conflict(`${request.namespace}/${request.name} is being deleted; apply it again once it is gone`, [{ pointer: '/metadata/name', detail: `is being deleted since ${request.deletingSince}` }]);
}
