import { join } from 'node:path';
import semver from 'semver';
import type { PlatformConfig } from '../core/config.js';
import { systemClock, type Clock } from '../core/clock.js';
import { newId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import { conflict, forbidden, invalidInput, isPaveError, notFound, joinPointer, type FieldError } from '../core/problem.js';
import { stringifyEntityRef, tryParseEntityRef } from '../core/entity-ref.js';
import type { Store } from '../store/store.js';
import type { JobQueue } from '../store/job-queue.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { Identity } from '../auth/identity.js';
import type { PermissionService } from '../auth/permission-service.js';
import type { ResourceFacts } from '../auth/policy.js';
import { QueuePushTurns } from '../gitops/push-turns.js';
import { WorkspacePool } from '../gitops/workspace-pool.js';
import { CapabilityRegistry, type CapabilitySummary, type PublishResult } from './capability-registry.js';
import { CatalogMirror } from './catalog-mirror.js';
import { DestinationRegistry } from './destination-registry.js';
import { dryRun, type DryRunResult } from './dry-run.js';
import { pendingConditions } from './model/conditions.js';
import { validateCapability } from './model/capability-validation.js';
import { validateRequestEnvelope } from './model/document-validation.js';
import { dependencyNames, findCycle, findReferences } from './model/references.js';
import {
  ANNOTATION_CAPABILITY_VERSION,
  ANNOTATION_OWNER,
  type CapabilityRevision,
  type Destination,
  type RequestEntity,
  type RequestPhase,
  type Run,
  type StoredRequest,
} from './model/types.js';
import { NamespaceOwners } from './namespace-owners.js';
import type { ExpressionEvaluator } from '../templates/expressions/index.js';
import { PlatformEvents } from './platform-events.js';
import { Reconciler } from './reconciler.js';
import { stableJson, validateRequestSpec } from './render.js';
import { RequestStore } from './request-store.js';
import { RunStore, runLogText } from './run-store.js';
import type { ModuleSandbox } from './steps/sandbox/module-sandbox.js';
import { moduleSandboxFor } from './steps/sandbox/module-sandbox-for.js';

export interface PlatformServiceOptions {
  store: Store;
  queue: JobQueue;
  catalog: CatalogService;
  config: PlatformConfig;
  /** Folder for this process's git working copies (usually `<dataDir>/gitops`). */
  workspaceRoot: string;
  /** Decides who may render with a capability that is not published (`platform.capability.publish`). */
  permissions?: Pick<PermissionService, 'authorize'>;
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
  status: NonNullable<RequestEntity['status']>;
};

export interface ApplyResult {
  request: RequestView;
  outcome: 'created' | 'updated' | 'unchanged';
}

/**
 * The platform API's service: capabilities (published by platform teams), destinations, requests
 * (submitted by teams), runs, dry-run renders and the reconciler that makes destinations match requests.
 * The HTTP routes and the CLI are thin adapters over this class.
 * @example
 *   await platform.publishCapability(capabilityDocument);
 *   const { request } = await platform.applyRequest({ apiVersion: 'databases.pave.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'orders-db', namespace: 'checkout-team' }, spec: {} });
 */
export class PlatformService {
  readonly capabilities: CapabilityRegistry;
  readonly destinations: DestinationRegistry;
  readonly requests: RequestStore;
  readonly runs: RunStore;
  readonly events: PlatformEvents;
  readonly reconciler: Reconciler;
  /** Which team owns a namespace's requests (configuration, then the catalog's Groups). */
  readonly owners: NamespaceOwners;
  /** Where module steps run. */
  readonly moduleSandbox: ModuleSandbox;
  readonly #workspaces: WorkspacePool;
  readonly #permissions: Pick<PermissionService, 'authorize'> | undefined;
  readonly #mirror: CatalogMirror;
  readonly #config: PlatformConfig;
  readonly #clock: Clock;
  readonly #expressions: ExpressionEvaluator;

  constructor(options: PlatformServiceOptions) {
    this.#config = options.config;
    this.#clock = options.clock ?? systemClock;
    this.#expressions = options.expressions;
    this.capabilities = new CapabilityRegistry(options.store, { clock: this.#clock });
    this.destinations = new DestinationRegistry(options.store, { clock: this.#clock });
    this.requests = new RequestStore(options.store);
    this.runs = new RunStore(options.store);
    this.events = new PlatformEvents(options.store.events);
    this.owners = new NamespaceOwners(options.catalog.entities, options.config.namespaceOwners);
    this.moduleSandbox = options.moduleSandbox ?? moduleSandboxFor(options.config);
    this.#permissions = options.permissions;
    // Replicas take turns to push to a branch; a turn outlives a killed holder by at most 10 s.
    const turns = new QueuePushTurns(options.queue, { leaseMs: Math.min(options.config.leaseSeconds * 1000, 10_000) });
    this.#workspaces = new WorkspacePool({ root: options.workspaceRoot, pushAttempts: options.config.pushAttempts, turns });
    this.#mirror = new CatalogMirror(options.catalog, options.logger);
    this.reconciler = new Reconciler({
      queue: options.queue,
      capabilities: this.capabilities,
      destinations: this.destinations,
      requests: this.requests,
      runs: this.runs,
      workspaces: this.#workspaces,
      mirror: this.#mirror,
      events: this.events,
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
   * as upgradeable.
   */
  async publishCapability(raw: unknown): Promise<PublishResult> {
    const result = await this.capabilities.publish(raw);
    // Also when unchanged: republishing repairs a catalog entity that went missing.
    await this.#mirrorCapability(result.revision.name);
    if (result.outcome === 'created') {
      for (const request of await this.requests.list({ capability: result.revision.name })) {
        await this.reconciler.enqueue(request.id, 'capability');
      }
      this.events.emit({ type: 'capability.published', at: this.#now(), capability: result.revision.name, version: result.revision.version });
    }
    return result;
  }

  listCapabilities(): Promise<CapabilitySummary[]> {
    return this.capabilities.list();
  }

  getCapability(name: string, version?: string): Promise<CapabilityRevision> {
    return this.capabilities.require(name, version);
  }

  /** Removes a capability and all its revisions; refused while requests use it. */
  async deleteCapability(name: string): Promise<void> {
    await this.capabilities.require(name);
    const users = await this.requests.list({ capability: name });
    if (users.length) throw conflict(`Capability ${name} is used by ${users.length} request(s), e.g. ${users[0]!.namespace}/${users[0]!.name}; delete them first`);
    await this.capabilities.remove(name);
    await this.#mirror.removeCapability(name);
    this.events.emit({ type: 'capability.deleted', at: this.#now(), capability: name });
  }

  /** Shows every published capability in the catalog (e.g. at start, for capabilities published before it did). */
  async mirrorCapabilities(): Promise<void> {
    for (const summary of await this.capabilities.list()) await this.#mirror.upsertCapability(summary.capability, summary.versions);
  }

  async #mirrorCapability(name: string): Promise<void> {
    const latest = await this.capabilities.get(name);
    if (latest) await this.#mirror.upsertCapability(latest.capability, await this.capabilities.versions(name));
  }

  // ── destinations ────────────────────────────────────────────────────────────

  async applyDestination(raw: unknown): Promise<{ destination: Destination; outcome: 'created' | 'updated' | 'unchanged' }> {
    const result = await this.destinations.apply(raw);
    if (result.outcome !== 'unchanged') this.events.emit({ type: 'destination.applied', at: this.#now(), name: result.destination.metadata.name });
    return result;
  }

  listDestinations(): Promise<Destination[]> {
    return this.destinations.list();
  }

  getDestination(name: string): Promise<Destination> {
    return this.destinations.require(name);
  }

  async deleteDestination(name: string): Promise<void> {
    const users = (await this.requests.list()).filter(r => r.status.deliveries.some(d => d.destination === name));
    if (users.length) throw conflict(`Destination ${name} holds the files of ${users.length} request(s), e.g. ${users[0]!.namespace}/${users[0]!.name}; delete them first`);
    await this.destinations.remove(name);
  }

  // ── requests ────────────────────────────────────────────────────────────────

  /**
   * Creates or updates a request. Everything is checked before anything is stored: the kind must be
   * published, the spec must satisfy the schema (errors name the field), references to other requests'
   * outputs must not form a cycle, the namespace must have an owning team. The owner is Pave's to decide
   * (the request's stored owner, else the namespace's owning team): a `pave.dev/owner` annotation naming
   * anyone else is refused, and none is stored. A changed document gets a new generation and is reconciled.
   */
  async applyRequest(raw: unknown): Promise<ApplyResult> {
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
    const pin = entity.metadata.annotations?.[ANNOTATION_CAPABILITY_VERSION];
    const pinPointer = `/metadata/annotations${joinPointer(ANNOTATION_CAPABILITY_VERSION)}`;
    if (pin !== undefined && semver.validRange(pin) === null) throw invalidInput('The version pin is not a semver version or range', [{ pointer: pinPointer, detail: 'must be a version such as 1.2.0 or a range such as ^1.2', rule: 'semver-range' }]);
    const revision = await this.capabilities.resolve(capabilityName, pin);
    if (!revision) {
      const versions = await this.capabilities.versions(capabilityName);
      throw invalidInput(`No version of ${capabilityName} satisfies ${pin}`, [{ pointer: pinPointer, detail: `matches none of the published versions ${versions.join(', ')}`, rule: 'semver-range' }]);
    }
    const errors: FieldError[] = validateRequestSpec(revision.capability, entity.spec).errors;
    const ownName = findReferences(entity.spec).filter(r => r.request === name);
    for (const reference of ownName) errors.push({ pointer: reference.pointer, detail: `refers to the request's own outputs (${name})`, rule: 'cycle' });
    if (errors.length) {
      throw invalidInput(`The request does not match ${entity.kind}'s schema (${capabilityName} ${revision.version}): ${errors.map(e => e.detail).join('; ')}`, errors);
    }
    await this.#refuseCycle(entity);

    const now = this.#now();
    const existing = await this.requests.byName(namespace, name);
    const owner = existing?.owner ?? (await this.owners.requireOwner(namespace));
    const document = withoutOwnerClaim(entity, owner);
    let stored: StoredRequest;
    let outcome: ApplyResult['outcome'];
    if (!existing) {
      stored = {
        id: newId(),
        namespace,
        name,
        apiVersion: entity.apiVersion,
        kind: entity.kind,
        capability: capabilityName,
        ...(pin ? { pinnedVersion: pin } : {}),
        generation: 1,
        entity: document,
        status: { phase: 'Pending', conditions: pendingConditions(1, now), observedGeneration: 0, deliveries: [] },
        owner,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await this.requests.insert(stored);
      } catch (error) {
        if (await this.requests.byName(namespace, name)) throw conflict(`${namespace}/${name} was created at the same time by someone else; apply again`);
        throw error;
      }
      outcome = 'created';
    } else {
      if (existing.deletingSince) throw conflict(`${namespace}/${name} is being deleted; apply it again once it is gone`);
      if (existing.kind !== entity.kind || existing.capability !== capabilityName) {
        throw conflict(`${namespace}/${name} is already a ${existing.kind} request; request names are unique in a namespace`, [{ pointer: '/metadata/name', detail: `is taken by a ${existing.kind}`, rule: 'unique' }]);
      }
      if (stableJson(existing.entity) === stableJson(document)) {
        stored = existing;
        outcome = 'unchanged';
      } else {
        const generation = await this.requests.updateDocument(existing.id, document, { apiVersion: entity.apiVersion, ...(pin ? { pinnedVersion: pin } : {}), owner, now });
        stored = { ...existing, entity: document, apiVersion: entity.apiVersion, generation, owner, ...(pin ? { pinnedVersion: pin } : {}) };
        if (!pin) delete stored.pinnedVersion;
        outcome = 'updated';
      }
    }
    await this.reconciler.enqueue(stored.id, 'apply');
    if (outcome !== 'unchanged') {
      await this.#mirror.upsert(stored, stored.status.phase, stored.status.capabilityVersion);
      this.events.emit({ type: 'request.applied', at: now, namespace, name, kind: entity.kind, generation: stored.generation });
    }
    return { request: await this.getRequest(namespace, name), outcome };
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
    const owner = await this.requestOwner(namespace, name, options);
    return { ref: `resource:${namespace}/${name}`.toLowerCase(), kind: 'resource', namespace: namespace.toLowerCase(), owners: owner ? [owner.toLowerCase()] : [] };
  }

  async getRequest(namespace: string, name: string): Promise<RequestView> {
    const stored = await this.requests.byName(namespace, name);
    if (!stored) throw notFound(`No request ${name} in namespace ${namespace}`);
    return viewOf(stored);
  }

  async listRequests(filter: { namespace?: string; kind?: string; capability?: string } = {}): Promise<RequestView[]> {
    return (await this.requests.list(filter)).map(viewOf);
  }

  /**
   * Asks for a request to be deleted: its delete steps run, its files are pruned in a commit (unless the
   * destination retains them), then it is removed. Requests that depend on it go first.
   */
  async deleteRequest(namespace: string, name: string): Promise<RequestView> {
    const stored = await this.requests.byName(namespace, name);
    if (!stored) throw notFound(`No request ${name} in namespace ${namespace}`);
    await this.requests.markDeleting(stored.id, this.#now());
    await this.reconciler.enqueue(stored.id, 'delete');
    this.events.emit({ type: 'request.deleting', at: this.#now(), namespace, name, kind: stored.kind, generation: stored.generation });
    return this.getRequest(namespace, name);
  }

  /** Asks for an immediate reconcile (e.g. after a failed push was fixed). */
  async reconcileNow(namespace: string, name: string): Promise<void> {
    const stored = await this.requests.byName(namespace, name);
    if (!stored) throw notFound(`No request ${name} in namespace ${namespace}`);
    await this.reconciler.enqueue(stored.id, 'manual');
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
    if (!caller || !this.#permissions) throw forbidden(`Rendering with a capability that is not published needs ${PUBLISH}, and no caller was given`, [field], { action: PUBLISH });
    try {
      await this.#permissions.authorize(caller, PUBLISH);
    } catch (error) {
      if (isPaveError(error) && error.status === 403) throw forbidden(error.message, [field], { action: PUBLISH });
      throw error;
    }
  }

  /** Stops the reconciler and releases the git working copies. */
  async close(): Promise<void> {
    await this.reconciler.stop();
    await this.#workspaces.close();
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

/** The API view: the document, uid and generation, and the status with its phase as seen now. */
export function viewOf(stored: StoredRequest): RequestView {
  const status = { ...stored.status };
  let phase: RequestPhase = status.phase;
  if (stored.deletingSince) phase = 'Deleting';
  else if (status.observedGeneration !== stored.generation && (phase === 'Ready' || phase === 'Pending')) phase = status.observedGeneration === 0 ? 'Pending' : 'Progressing';
  status.phase = phase;
  const { inputHash: _hash, ...shown } = status;
  return {
    ...stored.entity,
    metadata: { ...stored.entity.metadata, uid: stored.id, generation: stored.generation, creationTimestamp: stored.createdAt },
    status: shown as RequestView['status'],
  };
}
