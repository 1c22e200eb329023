import type { Db, Store } from '../store/store.js';
import type { EventLog } from '../store/event-log.js';
import type { DestinationRegistry } from './destination-registry.js';
import type { RequestStore } from './request-store.js';
import type { RunStore } from './run-store.js';
import { requestEvent, requestRef } from './change-events.js';
import { coveredDelivery, observe, type GitOpsObservation, type RequestGitOps } from './model/gitops-health.js';
import type { Run, StoredRequest } from './model/types.js';

/** Pave's commit of a request's files that its GitOps tool has now reported synced: a deployment. */
export interface SyncedCommit {
  /** The request's catalog entity (`resource:<namespace>/<name>`) and the team that owns it. */
  request: string;
  owner?: string;
  destination: string;
  path: string;
  commit: string;
  /** When Pave made the commit (its run's end), when known. */
  committedAt?: string;
  /** The destination's `env` label (else production): where it was deployed. */
  environment: string;
  /** When the tool reported it synced. */
  at: string;
}

/**
 * Records Pave's commits reported synced (the delivery module's deployments) in the transaction that records
 * the report, so neither is kept without the other: a failure undoes both, and the tool's next report records both.
 */
export interface SyncedCommitRecorder {
  /**
   * Called before the transaction, for each request a Synced report covers, with the reads recording needs;
   * answers the writer, which takes whichever commit the transaction finds deployed (the reconciler may have
   * committed a newer one since the request was first read).
   */
  prepare(request: { ref: string; owner?: string }): Promise<(trx: Db, synced: SyncedCommit) => Promise<void>>;
}

/** The platform's stores it reads and writes, and the log its events go to. */
export interface GitOpsReadBackOptions {
  store: Store;
  requests: RequestStore;
  runs: RunStore;
  destinations: DestinationRegistry;
  eventLog: EventLog;
}

export interface ReadBackResult {
  /** Requests whose GitOps state this observation updated. */
  requests: number;
}

/**
 * Reads GitOps health back onto requests: an Argo CD Application or Flux Kustomization reporting on a folder
 * of a repository updates every request whose files live under it (same repository, or the destination it
 * names; folder inside). Only the destinations of that repository and the requests delivered to them are read.
 * Each request keeps the newest report in its own column, with when its sync status and health last changed
 * and since when it has been unhealthy; a changed status appends `platform.request.gitops-changed`. Pave's
 * commit of a request's files counts as deployed once the tool reports the folder Synced at that commit, or,
 * when the report names no revision, at a report made after the run that committed it ended (Pave pushes to
 * the destination's branch, which the tool follows).
 * @example await readBack.observe({ tool: 'argocd', app: 'dev', repository: 'https://git.example.com/gitops', path: 'clusters/dev', sync: 'Synced', health: 'Healthy', revision: 'ab12…', at })
 */
export class GitOpsReadBack {
  readonly #o: GitOpsReadBackOptions;

  constructor(options: GitOpsReadBackOptions) {
    this.#o = options;
  }

  async observe(observation: GitOpsObservation, recorder?: SyncedCommitRecorder): Promise<ReadBackResult> {
    const named = observation.destination !== undefined ? [await this.#o.destinations.get(observation.destination)] : observation.repository !== undefined ? await this.#o.destinations.byRepository(observation.repository) : [];
    const destinations = named.filter(d => d !== undefined);
    const urls = new Map(destinations.map(d => [d.metadata.name, d.spec.git.url]));
    const environments = new Map(destinations.map(d => [d.metadata.name, d.metadata.labels?.env ?? 'production']));
    const covered = (await this.#o.requests.deliveredTo([...urls.keys()])).filter(request => coveredDelivery(request.status.deliveries, observation, urls));
    const result: ReadBackResult = { requests: 0 };
    for (const found of covered) {
      // Read before the transaction (the run store reads outside it): which run made which commit.
      const runs = await this.#o.runs.list(found.namespace, found.name, 50);
      // For any Synced report, not only one this read says deploys: the row read inside may hold a newer commit.
      const record = observation.sync === 'Synced' && recorder ? await recorder.prepare({ ref: requestRef(found.namespace, found.name), ...(found.owner ? { owner: found.owner } : {}) }) : undefined;
      await this.#o.store.transaction(async trx => {
        // Read again inside the transaction, holding the row: two reports about one request never lose each other's state.
        const request = await this.#o.requests.lockedById(trx, found.id);
        const delivery = request && coveredDelivery(request.status.deliveries, observation, urls);
        const next = request && delivery ? observe(request.gitops, observation) : undefined;
        if (!request || !delivery || !next) return;
        const synced = newlySynced(request, delivery.commit, observation, runs);
        if (synced) {
          next.deployedCommit = synced.commit;
          const commit: SyncedCommit = { request: requestRef(request.namespace, request.name), ...(request.owner ? { owner: request.owner } : {}), destination: delivery.destination, path: delivery.path, commit: synced.commit, ...(synced.committedAt ? { committedAt: synced.committedAt } : {}), environment: environments.get(delivery.destination) ?? 'production', at: observation.at };
          await record?.(trx, commit);
        }
        await this.#o.requests.setGitOps(trx, request.id, next);
        if (changed(request.gitops, next)) {
          await this.#o.eventLog.append(trx, requestEvent('platform.request.gitops-changed', request, { tool: next.tool, app: next.app, sync: next.sync, health: next.health, ...(next.revision ? { revision: next.revision } : {}) }, `webhook:${observation.tool}`));
        }
        result.requests++;
      });
    }
    return result;
  }
}

/**
 * The request's current commit, if this observation is the first to report it synced: the report names that
 * commit, or names none and was made after the run that committed it ended. A report naming another revision
 * never deploys it (the tool synced something else: an older commit, or a newer one Pave has not seen).
 */
function newlySynced(request: StoredRequest, commit: string | undefined, observation: GitOpsObservation, runs: readonly Run[]): { commit: string; committedAt?: string } | undefined {
  if (observation.sync !== 'Synced' || !commit || request.gitops?.deployedCommit === commit) return undefined;
  const run = runs.find(r => r.commits.some(c => c.commit === commit));
  const revision = observation.revision?.toLowerCase();
  const deployed = revision !== undefined ? revision.length >= 7 && (commit.startsWith(revision) || revision.startsWith(commit)) : run?.finishedAt !== undefined && run.finishedAt <= observation.at;
  if (!deployed) return undefined;
  return { commit, ...(run?.finishedAt ? { committedAt: run.finishedAt } : {}) };
}

function changed(before: RequestGitOps | undefined, after: RequestGitOps): boolean {
  return !before || before.sync !== after.sync || before.health !== after.health || before.app !== after.app;
}
