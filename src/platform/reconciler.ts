import { hostname } from 'node:os';
import type { PlatformConfig } from './platform-config.js';
import { systemClock, type Clock } from '../core/clock.js';
import { newId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import type { Job, JobQueue } from '../store/job-queue.js';
import type { EventLog, NewEvent } from '../store/event-log.js';
import type { Db, Store } from '../store/store.js';
import type { FileChange } from '../gitops/delivery-batch.js';
import { PushFailedError } from '../gitops/git-workspace.js';
import { ownershipIndexText } from '../gitops/ownership-index.js';
import { ownershipIndexPath, requestFolder } from '../gitops/repo-path.js';
import type { WorkspacePool } from '../gitops/workspace-pool.js';
import type { ExpressionEvaluator } from '../expressions/index.js';
import type { CapabilityRegistry } from './capability-registry.js';
import { matchDestinations, type DestinationRegistry } from './destination-registry.js';
import { conditionOf, setConditions, type ConditionUpdate } from './model/conditions.js';
import { parseDurationSeconds } from './model/duration.js';
import { dependencyNames } from './model/references.js';
import {
  ANNOTATION_DESTINATION,
  type Capability,
  type CapabilityRevision,
  type Delivery,
  type Destination,
  type RequestStatus,
  type Run,
  type RunAction,
  type StoredRequest,
} from './model/types.js';
import { requestEvent } from './change-events.js';
import { shownPhase } from './model/shown-phase.js';
import { awaitsDecision } from './model/request-approval.js';
import { executeRender, prepareRender, stableJson } from './render.js';
import type { RequestStore } from './request-store.js';
import type { RunStore } from './run-store.js';
import type { ModuleSandbox } from './steps/sandbox/module-sandbox.js';

export const RECONCILE_QUEUE = 'platform.reconcile';

/**
 * Reconciles of one process under way at once. A reconcile waiting for its push frees its worker to claim the
 * next (the push carries every delivery staged meanwhile in one commit, so the more wait together, the fewer
 * commits and pushes); this bounds how many rendered requests are held in memory meanwhile.
 */
const MAX_IN_FLIGHT = 256;

/** What a reconcile job carries. The job key is `request:<id>`, so a request has at most one job. */
export interface ReconcilePayload {
  requestId: string;
  /** Why it was (last) asked for: apply, delete, dependency, capability, manual. */
  trigger: string;
}

export interface ReconcilerOptions {
  store: Store;
  /** Where reconciles append what they changed (phases, runs, deliveries, deletions), with those changes. */
  eventLog: EventLog;
  queue: JobQueue;
  capabilities: CapabilityRegistry;
  destinations: DestinationRegistry;
  requests: RequestStore;
  runs: RunStore;
  workspaces: WorkspacePool;
  /** Where module steps run. */
  moduleSandbox: ModuleSandbox;
  config: PlatformConfig;
  /** The sandboxed expression engine that renders `template` steps. */
  expressions: ExpressionEvaluator;
  logger?: Logger;
  clock?: Clock;
}

/** How a reconcile ends, for the job queue. */
type Decision =
  | { type: 'reschedule'; at: Date }
  | { type: 'backoff'; error: string }
  | { type: 'done' };

interface Outcome {
  decision: Decision;
  /** The status to store (nextRetryAt is filled in from the decision); undefined when the request is gone. */
  status?: RequestStatus;
  /** Requests to reconcile next (dependents of a request that became Ready, dependencies of a deleted one). */
  follow?: Array<{ id: string; trigger: string }>;
  /** The run this reconcile recorded, ended (`insert`: not stored yet, as a repair run is only kept when it repaired). */
  run?: { run: Run; insert: boolean };
  /** The deletion completed: the request is removed. */
  removed?: boolean;
}

/**
 * The reconciler: level-triggered and idempotent. Each request has one durable job (`request:<id>`) in the
 * job queue; a reconcile reads the request as it is now, renders it with its capability revision, and
 * makes each destination hold exactly that (only when content changed, in the commit of the next push there,
 * shared by the reconciles staged meanwhile; the run names it). Failures back
 * off exponentially with the next retry visible in the status; Ready requests are re-rendered every
 * reconcile interval, which repairs drift. A process killed at any point loses nothing: the job's lease
 * expires and the next reconcile starts again from the request and the repository. What a reconcile
 * changes — the run it ends, the request's status or its removal — is written in one transaction with the
 * events that say so (`platform.run.finished`, `platform.delivery.committed`, `platform.request.phase-changed`,
 * `platform.request.deleted`); nobody asked for it at that moment, so it records no audit entry.
 * @example reconciler.start(); … await reconciler.stop();
 */
export class Reconciler {
  readonly #o: ReconcilerOptions;
  readonly #clock: Clock;
  readonly #leaseMs: number;
  #running = false;
  /** Aborted by `stop()`: running module steps end at once and their reconciles are handed back. */
  #stopping = new AbortController();
  #loops: Array<Promise<void>> = [];
  #wake: Array<() => void> = [];
  /** Reconciles claimed by the workers and not done (most of them waiting for their push). */
  readonly #inFlight = new Set<Promise<void>>();
  /** Frees the worker running a job: called once its deliveries are staged. */
  readonly #freeWorker = new WeakMap<Job<ReconcilePayload>, () => void>();

  constructor(options: ReconcilerOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#leaseMs = options.config.leaseSeconds * 1000;
  }

  /**
   * Asks for a request to be reconciled (now, or at `runAt`). Idempotent per request. With `db` (a
   * transaction), asked together with the change that needs it; the loops wake once it commits.
   */
  async enqueue(requestId: string, trigger: string, options: { runAt?: Date; db?: Db } = {}): Promise<void> {
    await this.#o.queue.enqueue(RECONCILE_QUEUE, `request:${requestId}`, { requestId, trigger } satisfies ReconcilePayload, options);
    if (options.db) this.#o.store.afterCommit(options.db, () => this.#signal());
    else this.#signal();
  }

  /** Starts `config.workers` loops that claim and run due reconciles. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    if (this.#stopping.signal.aborted) this.#stopping = new AbortController();
    this.#loops = Array.from({ length: Math.max(1, Math.floor(this.#o.config.workers)) }, () => this.#loop());
  }

  /**
   * Stops claiming new work and waits for reconciles in progress. A reconcile whose module step is running
   * does not wait for the step's time limit: the step's process is killed, nothing of that reconcile is
   * written (its run stays Running, which the next holder marks Abandoned) and its job is handed back, ready
   * at once for any replica.
   */
  async stop(): Promise<void> {
    this.#running = false;
    this.#stopping.abort();
    this.#signal();
    await Promise.all(this.#loops);
    while (this.#inFlight.size) await Promise.all(this.#inFlight);
    this.#loops = [];
  }

  get running(): boolean {
    return this.#running;
  }

  /** Claims and runs one due reconcile; false when none was due. */
  async reconcileOnce(): Promise<boolean> {
    const job = await this.#o.queue.claim<ReconcilePayload>(RECONCILE_QUEUE, this.#leaseMs);
    if (!job) return false;
    await this.#process(job);
    return true;
  }

  /** Runs due reconciles until none is left (for tests and one-shot CLI use). */
  async drain(options: { maxJobs?: number } = {}): Promise<number> {
    let done = 0;
    while (done < (options.maxJobs ?? Infinity) && (await this.reconcileOnce())) done++;
    return done;
  }

  /**
   * One worker: claims a due reconcile and runs it until it is done or waits for its push (then the reconcile
   * ends on its own and the worker claims the next).
   */
  async #loop(): Promise<void> {
    while (this.#running) {
      let worked = false;
      try {
        if (this.#inFlight.size >= MAX_IN_FLIGHT) await Promise.race(this.#inFlight);
        const job = await this.#o.queue.claim<ReconcilePayload>(RECONCILE_QUEUE, this.#leaseMs);
        if (job) {
          worked = true;
          await new Promise<void>(free => {
            this.#freeWorker.set(job, free);
            const running: Promise<void> = this.#process(job)
              .catch(error => this.#o.logger?.error({ err: error }, 'reconcile failed'))
              .finally(() => {
                this.#inFlight.delete(running);
                free();
              });
            this.#inFlight.add(running);
          });
        }
      } catch (error) {
        this.#o.logger?.error({ err: error }, 'reconcile loop failed');
      }
      if (!worked && this.#running) await this.#sleep(this.#o.config.pollIntervalMs);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake.push(done);
    });
  }

  /** A render that failed because the reconciler is stopping (a module step killed) is not the request's failure. */
  #handBackIfStopped(outcome: { failure?: unknown }): void {
    if (outcome.failure && this.#stopping.signal.aborted) throw new HandedBack();
  }

  #signal(): void {
    const waiting = this.#wake;
    this.#wake = [];
    for (const wake of waiting) wake();
  }

  async #process(job: Job<ReconcilePayload>): Promise<void> {
    const renew = setInterval(() => void this.#o.queue.extendLease(job, this.#leaseMs).catch(() => undefined), Math.max(1000, this.#leaseMs / 3));
    try {
      const request = await this.#o.requests.byId(job.payload.requestId);
      // A generation waiting for approval (or rejected) is not rendered; its deletion is.
      if (!request || (!request.deletingSince && awaitsDecision(request))) {
        await this.#o.queue.finish(job);
        return;
      }
      await this.#abandonRunning(request);
      let outcome: Outcome;
      try {
        outcome = request.deletingSince ? await this.#delete(request, job) : await this.#configure(request, job);
      } catch (error) {
        if (error instanceof HandedBack) {
          await this.#o.queue.handBackJob(job);
          return;
        }
        this.#o.logger?.error({ err: error, request: `${request.namespace}/${request.name}` }, 'reconcile failed unexpectedly');
        const message = `reconcile failed: ${(error as Error).message}`;
        outcome = {
          decision: { type: 'backoff', error: message },
          status: this.#status(request, { phase: 'Failed', message }, [{ type: 'Ready', status: 'False', reason: 'ReconcileError', message }]),
        };
      }
      await this.#conclude(job, request, outcome);
    } finally {
      clearInterval(renew);
    }
  }

  /**
   * Stores what the reconcile changed, then hands the job back: the state first, so a crash in between only
   * repeats work. A reconcile that lost its lease writes nothing: its run is left Running, and the new holder
   * marks it Abandoned.
   */
  async #conclude(job: Job<ReconcilePayload>, request: StoredRequest, outcome: Outcome): Promise<void> {
    if (!(await this.#o.queue.extendLease(job, this.#leaseMs))) {
      this.#o.logger?.warn({ request: `${request.namespace}/${request.name}` }, 'lost the reconcile lease; leaving the result to the new holder');
      return;
    }
    const { decision } = outcome;
    let retryAt: Date | undefined;
    if (decision.type === 'backoff') {
      // The retry time the queue chose is the one the status shows. Should the process die before the status
      // is stored, the job still retries at that time and the next reconcile writes the status.
      retryAt = await this.#o.queue.fail(job, decision.error, { baseMs: this.#o.config.retryBaseSeconds * 1000, maxMs: this.#o.config.retryMaxSeconds * 1000 });
    }
    await this.#o.store.transaction(async trx => {
      const events: NewEvent[] = [];
      if (outcome.run) events.push(...(await this.#storeRun(trx, request, outcome.run)));
      if (outcome.removed) {
        await this.#o.requests.remove(trx, request.id);
        events.push(requestEvent('platform.request.deleted', request, outcome.run ? { runId: outcome.run.run.id } : {}));
      }
      if (outcome.status) {
        const status = { ...outcome.status };
        if (retryAt) status.nextRetryAt = retryAt.toISOString();
        else delete status.nextRetryAt;
        // The phase as shown before and after, from the row as it is now (an apply may have come meanwhile).
        const current = (await this.#o.requests.byId(request.id, trx)) ?? request;
        await this.#o.requests.updateStatus(trx, request.id, status);
        const phase = shownPhase({ ...current, status });
        if (phase !== shownPhase(current)) {
          const reason = conditionOf(status.conditions, 'Ready')?.reason;
          events.push(requestEvent('platform.request.phase-changed', current, { phase, ...(reason ? { reason } : {}), ...(outcome.run ? { runId: outcome.run.run.id } : {}) }));
        }
      }
      await this.#o.eventLog.append(trx, events);
    });
    if (decision.type === 'reschedule') await this.#o.queue.finish(job, { rescheduleAt: decision.at });
    else if (decision.type === 'done') await this.#o.queue.finish(job);
    // A change made while this reconcile ran is picked up at once.
    const now = await this.#o.requests.byId(request.id);
    if (now && (now.generation !== request.generation || Boolean(now.deletingSince) !== Boolean(request.deletingSince))) await this.enqueue(request.id, 'apply');
    for (const next of outcome.follow ?? []) await this.enqueue(next.id, next.trigger);
  }

  /** Stores an ended run; returns its events: it finished, and each commit it delivered. */
  async #storeRun(db: Db, request: StoredRequest, ended: NonNullable<Outcome['run']>): Promise<NewEvent[]> {
    const { run } = ended;
    if (ended.insert) await this.#o.runs.start({ ...run, phase: 'Running' }, db);
    await this.#o.runs.finish(db, run);
    const commits = run.commits.map(c => ({ destination: c.destination, commit: c.commit }));
    return [
      requestEvent('platform.run.finished', request, { runId: run.id, action: run.action, phase: run.phase, capabilityVersion: run.capabilityVersion, commits, ...runSeconds(run) }),
      ...run.commits.map(c => requestEvent('platform.delivery.committed', request, { runId: run.id, destination: c.destination, ...(c.path !== undefined ? { path: c.path } : {}), commit: c.commit })),
    ];
  }

  /** Ends the runs of a request that a dead process left Running (each a `platform.run.finished`, Abandoned). */
  async #abandonRunning(request: StoredRequest): Promise<void> {
    if (!(await this.#o.runs.hasRunning(request.id))) return;
    await this.#o.store.transaction(async trx => {
      const ids = await this.#o.runs.abandonRunning(trx, request.id, this.#now());
      await this.#o.eventLog.append(trx, ids.map(runId => requestEvent('platform.run.finished', request, { runId, phase: 'Abandoned', commits: [] })));
    });
  }

  async #configure(request: StoredRequest, job: Job<ReconcilePayload>): Promise<Outcome> {
    const config = this.#o.config;
    const revision = await this.#o.capabilities.resolve(request.capability, request.pinnedVersion);
    if (!revision) {
      const message = request.pinnedVersion
        ? `no published version of ${request.capability} satisfies the pin ${request.pinnedVersion}`
        : `capability ${request.capability} is not published`;
      return {
        decision: { type: 'reschedule', at: this.#after(config.dependencyRetrySeconds) },
        status: this.#status(request, { phase: 'Failed', message }, [
          { type: 'Accepted', status: 'False', reason: 'CapabilityNotFound', message },
          { type: 'Ready', status: 'False', reason: 'CapabilityNotFound', message },
        ]),
      };
    }
    const capability = revision.capability;
    const interval = intervalSeconds(capability, config);
    const versionInfo = { capability: request.capability, capabilityVersion: revision.version, ...(await this.#upgrade(request, revision)) };

    // Capabilities this one requires must still be published.
    for (const requirement of capability.spec.requires ?? []) {
      if (!(await this.#o.capabilities.resolve(requirement.name, requirement.version))) {
        const message = `capability ${capability.metadata.name} requires ${requirement.name} ${requirement.version}, which is not published`;
        return this.#waiting(request, versionInfo, 'MissingCapability', message);
      }
    }

    // Dependencies: only Ready requests lend their outputs.
    const dependencies: Record<string, Record<string, unknown> | undefined> = {};
    const notReady: string[] = [];
    for (const name of dependencyNames(request.entity.spec)) {
      const dependency = await this.#o.requests.byName(request.namespace, name);
      const ready = dependency && !dependency.deletingSince && dependency.status.phase === 'Ready' && dependency.status.observedGeneration === dependency.generation;
      if (ready) dependencies[name] = dependency.status.outputs ?? {};
      else notReady.push(`${name} (${dependency ? (dependency.deletingSince ? 'Deleting' : dependency.status.phase) : 'not found'})`);
    }

    const prepared = prepareRender({ capability, request: request.entity, dependencies, observedOutputs: request.status.outputs, action: 'configure', dryRun: false });
    if (prepared.stage === 'invalid') {
      const message = `the spec does not match ${request.kind}'s schema (${capability.metadata.name} ${revision.version}): ${prepared.errors.map(e => e.detail).join('; ')}`;
      return {
        decision: { type: 'reschedule', at: this.#after(interval) },
        status: this.#status(request, { phase: 'Failed', message, ...versionInfo }, [
          { type: 'Accepted', status: 'False', reason: 'InvalidSpec', message },
          { type: 'Ready', status: 'False', reason: 'InvalidSpec', message },
        ]),
      };
    }
    if (prepared.stage === 'waiting') {
      const missing = [...new Set(prepared.missing.map(m => `${m.request}.outputs.${m.key}`))];
      const message = notReady.length ? `waiting for ${notReady.join(', ')}` : `the outputs ${missing.join(', ')} do not exist`;
      return this.#waiting(request, versionInfo, notReady.length ? 'Waiting' : 'MissingOutput', message);
    }
    const accepted: ConditionUpdate[] = [
      { type: 'Accepted', status: 'True', reason: 'Valid', message: `valid against ${capability.metadata.name} ${revision.version}` },
      { type: 'DependenciesReady', status: 'True', reason: 'Ready', message: Object.keys(dependencies).length ? `using outputs of ${Object.keys(dependencies).join(', ')}` : 'no dependencies' },
    ];

    const status = request.status;
    const unchanged =
      status.phase === 'Ready' && status.observedGeneration === request.generation && status.inputHash === prepared.prepared.inputHash && status.capabilityVersion === revision.version;
    const lastChecked = status.lastReconciledAt ? Date.parse(status.lastReconciledAt) : 0;
    const resyncDue = this.#clock.now().getTime() >= lastChecked + interval * 1000 - 1000;
    if (unchanged && !resyncDue) {
      // Asked again with nothing new (e.g. a dependency's routine reconcile): nothing to render.
      const refreshed = { ...status, ...versionInfo };
      if (!versionInfo.upgradeAvailable) delete refreshed.upgradeAvailable;
      return { decision: { type: 'reschedule', at: new Date(lastChecked + interval * 1000) }, ...(stableEqual(refreshed, status) ? {} : { status: refreshed }) };
    }
    const action: RunAction = unchanged ? 'repair' : 'configure';
    const trigger = unchanged ? 'resync' : job.payload.trigger;
    const run = this.#newRun(request, revision, action, trigger, prepared.prepared.inputHash);
    if (action === 'configure') await this.#o.runs.start(run);

    const rendered = await executeRender(prepared.prepared, { timeoutSeconds: config.stepTimeoutSeconds, expressions: this.#o.expressions, moduleSandbox: this.#o.moduleSandbox, attempt: job.attempts, now: () => this.#now(), signal: this.#stopping.signal });
    const { outcome } = rendered;
    this.#handBackIfStopped(outcome);
    run.steps = outcome.steps;
    run.outputs = outcome.outputs;
    if (outcome.failure || outcome.retryAfterSeconds !== undefined) {
      const retry = outcome.failure === undefined;
      const message = outcome.failure?.message ?? `asked to run again in ${outcome.retryAfterSeconds} s${outcome.message ? `: ${outcome.message}` : ''}`;
      const ended = this.#ended(run, retry ? 'Succeeded' : 'Failed', retry ? undefined : message);
      const reason = outcome.failure?.reason ?? 'RetryRequested';
      return {
        run: ended,
        decision: retry ? { type: 'reschedule', at: this.#after(outcome.retryAfterSeconds!) } : { type: 'backoff', error: message },
        status: this.#status(request, { phase: retry ? 'Progressing' : 'Failed', message, ...versionInfo, lastRun: runSummary(run) }, [
          ...accepted,
          { type: 'Configured', status: 'False', reason, message },
          { type: 'Ready', status: 'False', reason, message },
        ]),
      };
    }

    // Placement: where the files go, and where they must no longer be.
    const all = await this.#o.destinations.list();
    const placed = choosePlacement(all, rendered.selector, capability, request);
    const configured: ConditionUpdate = { type: 'Configured', status: 'True', reason: 'StepsSucceeded', message: outcome.message ?? `${outcome.steps.length} step(s) succeeded` };
    if (!placed.length) {
      const message = `no destination matches the placement selector ${JSON.stringify(rendered.selector)}`;
      const ended = this.#ended(run, 'Failed', message);
      return {
        run: ended,
        decision: { type: 'backoff', error: message },
        status: this.#status(request, { phase: 'Failed', message, ...versionInfo, lastRun: runSummary(run) }, [
          ...accepted,
          configured,
          { type: 'Written', status: 'False', reason: 'NoDestination', message },
          { type: 'Ready', status: 'False', reason: 'NoDestination', message },
        ]),
      };
    }
    const stale = status.deliveries.filter(d => !placed.some(p => p.metadata.name === d.destination));
    const deliveries: Delivery[] = [];
    try {
      for (const destination of placed) {
        deliveries.push(await this.#write(job, destination, request, revision, run, outcome.files));
      }
      for (const old of stale) {
        const destination = all.find(d => d.metadata.name === old.destination);
        if (destination && destination.spec.cleanupPolicy !== 'retain') await this.#write(job, destination, request, revision, run, null);
      }
    } catch (error) {
      if (!(error instanceof PushFailedError)) throw error;
      const message = error.message;
      const ended = this.#ended(run, 'Failed', message, action === 'repair');
      return {
        run: ended,
        decision: { type: 'backoff', error: message },
        status: this.#status(request, { phase: 'Failed', message, ...versionInfo, lastRun: action === 'configure' ? runSummary(run) : status.lastRun }, [
          ...accepted,
          configured,
          { type: 'Written', status: 'False', reason: 'PushFailed', message },
          { type: 'Ready', status: 'False', reason: 'PushFailed', message },
        ]),
      };
    }

    run.drift = action === 'repair' && run.diff.length > 0;
    const recordRun = action === 'configure' || run.drift;
    const ended = recordRun ? this.#ended(run, 'Succeeded', undefined, action === 'repair') : undefined;
    const message = run.drift ? `repaired drift in ${run.diff.length} file(s)` : (outcome.message ?? 'ready');
    const wasReady = status.phase === 'Ready' && status.observedGeneration === request.generation;
    const outputsChanged = JSON.stringify(status.outputs ?? {}) !== JSON.stringify(outcome.outputs);
    const next = this.#status(
      request,
      {
        phase: 'Ready',
        message,
        ...versionInfo,
        outputs: outcome.outputs,
        deliveries,
        inputHash: prepared.prepared.inputHash,
        lastReconciledAt: this.#now(),
        ...(recordRun ? { lastRun: runSummary(run) } : {}),
      },
      [
        ...accepted,
        configured,
        { type: 'Written', status: 'True', reason: 'Committed', message: deliveries.map(d => `${d.destination}:${d.path}@${d.commit?.slice(0, 12) ?? 'none'}`).join(', ') },
        { type: 'Ready', status: 'True', reason: 'Ready', message },
      ],
    );
    const follow = !wasReady || outputsChanged ? (await this.#o.requests.dependents(request.namespace, request.name)).map(d => ({ id: d.id, trigger: 'dependency' })) : [];
    return { decision: { type: 'reschedule', at: this.#after(interval) }, status: next, follow, ...(ended ? { run: ended } : {}) };
  }

  async #delete(request: StoredRequest, job: Job<ReconcilePayload>): Promise<Outcome> {
    const config = this.#o.config;
    const dependents = (await this.#o.requests.dependents(request.namespace, request.name)).filter(d => d.id !== request.id);
    if (dependents.length) {
      const message = `deleting after the requests that depend on it: ${dependents.map(d => d.name).join(', ')}`;
      return {
        decision: { type: 'reschedule', at: this.#after(config.dependencyRetrySeconds) },
        status: this.#status(request, { phase: 'Deleting', message }, [{ type: 'Ready', status: 'False', reason: 'WaitingForDependents', message }]),
      };
    }
    const revision =
      (await this.#o.capabilities.get(request.capability, request.status.capabilityVersion)) ?? (await this.#o.capabilities.resolve(request.capability, request.pinnedVersion));
    const run = this.#newRun(request, revision, 'delete', job.payload.trigger, '');
    await this.#o.runs.start(run);

    // What the delete steps produce (say, a final backup Job) is what the request leaves behind.
    let leftBehind = new Map<string, string>();
    if (revision) {
      const dependencies: Record<string, Record<string, unknown> | undefined> = {};
      for (const name of dependencyNames(request.entity.spec)) dependencies[name] = (await this.#o.requests.byName(request.namespace, name))?.status.outputs;
      const prepared = prepareRender({
        capability: revision.capability,
        request: request.entity,
        dependencies,
        observedOutputs: request.status.outputs,
        action: 'delete',
        dryRun: false,
        allowUnresolved: true,
      });
      if (prepared.stage === 'prepared') {
        run.inputHash = prepared.prepared.inputHash;
        const { outcome } = await executeRender(prepared.prepared, { timeoutSeconds: config.stepTimeoutSeconds, expressions: this.#o.expressions, moduleSandbox: this.#o.moduleSandbox, attempt: job.attempts, now: () => this.#now(), signal: this.#stopping.signal });
        this.#handBackIfStopped(outcome);
        run.steps = outcome.steps;
        run.outputs = outcome.outputs;
        leftBehind = outcome.files;
        if (outcome.failure) {
          const message = outcome.failure.message;
          const ended = this.#ended(run, 'Failed', message);
          return {
            run: ended,
            decision: { type: 'backoff', error: message },
            status: this.#status(request, { phase: 'Deleting', message, lastRun: runSummary(run) }, [{ type: 'Ready', status: 'False', reason: 'DeleteStepFailed', message }]),
          };
        }
      }
    }

    // Prune every destination: the status lists where the files went, but a process killed between its
    // push and its status write may have left files the status does not know of. Where the request has
    // no folder this finds nothing to change and makes no commit. Where its files went, the delete steps'
    // files take their place in the same commit (with the ownership index, so a request of the same name
    // takes the folder over later) and stay once the request is gone.
    const targets = await this.#o.destinations.list();
    try {
      for (const destination of targets) {
        if (destination.spec.cleanupPolicy === 'retain') {
          if (request.status.deliveries.some(d => d.destination === destination.metadata.name)) {
            const log = [`kept the files in ${destination.metadata.name} (cleanupPolicy: retain)`];
            if (leftBehind.size) log.push(`did not write the delete steps' ${leftBehind.size} file(s) there: a retained folder stays as the request left it`);
            run.steps.push({ name: 'prune', type: 'template', phase: 'Skipped', attempts: 1, startedAt: this.#now(), finishedAt: this.#now(), log });
          }
          continue;
        }
        const delivered = request.status.deliveries.some(d => d.destination === destination.metadata.name);
        try {
          await this.#write(job, destination, request, revision, run, delivered && leftBehind.size ? leftBehind : null);
        } catch (error) {
          // Only a destination known to hold the files may hold up the deletion; elsewhere it is a precaution.
          if (delivered || !(error instanceof PushFailedError)) throw error;
          this.#o.logger?.warn({ err: error, destination: destination.metadata.name }, 'could not check a destination for leftover files');
        }
      }
    } catch (error) {
      if (!(error instanceof PushFailedError)) throw error;
      const ended = this.#ended(run, 'Failed', error.message);
      return {
        run: ended,
        decision: { type: 'backoff', error: error.message },
        status: this.#status(request, { phase: 'Deleting', message: error.message, lastRun: runSummary(run) }, [{ type: 'Ready', status: 'False', reason: 'PushFailed', message: error.message }]),
      };
    }
    const ended = this.#ended(run, 'Succeeded');
    const dependencies: Array<{ id: string; trigger: string }> = [];
    for (const name of dependencyNames(request.entity.spec)) {
      const dependency = await this.#o.requests.byName(request.namespace, name);
      if (dependency?.deletingSince) dependencies.push({ id: dependency.id, trigger: 'dependent-deleted' });
    }
    return { decision: { type: 'done' }, follow: dependencies, run: ended, removed: true };
  }

  /**
   * Writes (or, with null files, removes) a request's folder in one destination, in the commit of the next
   * push there; the job's worker is freed meanwhile.
   */
  async #write(job: Job<ReconcilePayload>, destination: Destination, request: StoredRequest, revision: CapabilityRevision | undefined, run: Run, files: ReadonlyMap<string, string> | null): Promise<Delivery> {
    const place = { namespace: request.namespace, kind: request.kind, name: request.name };
    const basePath = destination.spec.git.path ?? '';
    const folder = requestFolder(basePath, place);
    const index = files
      ? ownershipIndexText(
          { request: { uid: request.id, ...place }, generation: request.generation, capability: revision ? `${revision.name}@${revision.version}` : request.capability },
          files,
        )
      : null;
    const verb = !files || run.action === 'delete' ? 'delete' : run.action === 'repair' ? 'repair drift in' : 'configure';
    const message = [
      `pave: ${verb} ${request.namespace}/${request.name} (${request.kind})`,
      '',
      `Pave-Run: ${run.id}`,
      `Pave-Request: ${request.namespace}/${request.name}`,
      `Pave-Kind: ${request.kind}`,
      `Pave-Generation: ${request.generation}`,
      `Pave-Action: ${run.action}`,
      `Pave-Capability: ${revision ? `${revision.name}@${revision.version}` : request.capability}`,
      `Pave-Reconciler: ${RECONCILER_OWNER()}`,
    ].join('\n');
    const workspace = this.#o.workspaces.get(destination.spec.git.url, destination.spec.git.branch ?? 'main');
    const delivered = workspace.deliver({ folder, files, extra: new Map([[ownershipIndexPath(basePath, place), index]]) }, message);
    this.#freeWorker.get(job)?.();
    const result = await delivered;
    run.diff.push(...result.diff.map((change: FileChange) => ({ destination: destination.metadata.name, ...change })));
    if (result.commit) run.commits.push({ destination: destination.metadata.name, path: folder, commit: result.commit, url: destination.spec.git.url, branch: destination.spec.git.branch ?? 'main' });
    return { destination: destination.metadata.name, path: folder, ...(result.contentCommit ? { commit: result.contentCommit } : {}) };
  }

  #waiting(request: StoredRequest, versionInfo: Partial<RequestStatus>, reason: string, message: string): Outcome {
    return {
      decision: { type: 'reschedule', at: this.#after(this.#o.config.dependencyRetrySeconds) },
      status: this.#status(request, { phase: 'Waiting', message, ...versionInfo }, [
        { type: 'Accepted', status: 'True', reason: 'Valid', message: 'the spec is valid' },
        { type: 'DependenciesReady', status: 'False', reason, message },
        { type: 'Ready', status: 'False', reason, message },
      ]),
    };
  }

  /** The request's next status: the current one with `changes` and condition updates applied. */
  #status(request: StoredRequest, changes: Partial<RequestStatus>, updates: ConditionUpdate[]): RequestStatus {
    const now = this.#now();
    const conditions = setConditions(request.status.conditions, updates, request.generation, now);
    // A failure before a stage leaves that stage's condition unknown for this generation.
    const touched = new Set(updates.map(u => u.type));
    const settled = conditions.map(c =>
      touched.has(c.type) || c.observedGeneration === request.generation || c.status === 'Unknown'
        ? c
        : { ...c, status: 'Unknown' as const, reason: 'NotReached', message: 'not reached in the last reconcile', observedGeneration: request.generation },
    );
    return { ...request.status, ...changes, conditions: settled, observedGeneration: request.generation };
  }

  async #upgrade(request: StoredRequest, revision: CapabilityRevision): Promise<Pick<RequestStatus, 'upgradeAvailable'>> {
    if (!request.pinnedVersion) return {};
    const latest = (await this.#o.capabilities.versions(request.capability))[0];
    return latest && latest !== revision.version ? { upgradeAvailable: latest } : {};
  }

  #newRun(request: StoredRequest, revision: CapabilityRevision | undefined, action: RunAction, trigger: string, inputHash: string): Run {
    return {
      id: newId(),
      requestId: request.id,
      namespace: request.namespace,
      name: request.name,
      kind: request.kind,
      generation: request.generation,
      capability: request.capability,
      capabilityVersion: revision?.version ?? 'unknown',
      action,
      trigger,
      inputHash,
      phase: 'Running',
      steps: [],
      outputs: {},
      diff: [],
      commits: [],
      drift: false,
      startedAt: this.#now(),
    };
  }

  /** Ends a run (it is stored with the reconcile's outcome); `insert` for a run not stored when it started. */
  #ended(run: Run, phase: Run['phase'], error?: string, insert = false): NonNullable<Outcome['run']> {
    run.phase = phase;
    run.finishedAt = this.#now();
    if (error) run.error = error;
    return { run, insert };
  }

  #after(seconds: number): Date {
    return new Date(this.#clock.now().getTime() + seconds * 1000);
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }
}

/** The destinations a request goes to: every match (`all`), or one: the one it is on, the one it names, else the first by name. */
export function choosePlacement(all: readonly Destination[], selector: Record<string, string>, capability: Capability, request: StoredRequest): Destination[] {
  const matched = matchDestinations(all, selector);
  if (capability.spec.placement?.mode === 'all') return matched;
  const current = matched.find(d => request.status.deliveries.some(delivery => delivery.destination === d.metadata.name));
  const named = request.entity.metadata.annotations?.[ANNOTATION_DESTINATION];
  const chosen = (named ? matched.find(d => d.metadata.name === named) : undefined) ?? current ?? matched[0];
  return chosen ? [chosen] : [];
}

function intervalSeconds(capability: Capability, config: PlatformConfig): number {
  return parseDurationSeconds(capability.spec.reconcileInterval) ?? config.reconcileIntervalSeconds;
}

function runSummary(run: Run): NonNullable<RequestStatus['lastRun']> {
  return { id: run.id, phase: run.phase, action: run.action, ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}) };
}

function stableEqual(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b);
}

export const RECONCILER_OWNER = () => `${hostname()}:${process.pid}`;
export { conditionOf };

/** How long a run took, in seconds (metrics read it from `platform.run.finished`); nothing while unknown. */
function runSeconds(run: { startedAt: string; finishedAt?: string }): { seconds?: number } {
  const took = run.finishedAt ? (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000 : NaN;
  return Number.isFinite(took) && took >= 0 ? { seconds: took } : {};
}

/** Thrown out of a reconcile the reconciler's stop cut short: its job is handed back and nothing is written. */
class HandedBack extends Error {
  constructor() {
    super('the reconciler is stopping; the reconcile is handed back');
  }
}
