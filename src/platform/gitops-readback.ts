import type { Store } from '../store/store.js';
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
  /** Pave's commits reported synced for the first time. */
  synced: SyncedCommit[];
}

/**
 * Reads GitOps health back onto requests: an Argo CD Application or Flux Kustomization reporting on a folder
 * of a repository updates every request whose files live under it (same repository, or the destination it
 * names; folder inside). Each request keeps the newest report in its own column, with when its sync status and
 * health last changed and since when it has been unhealthy; a changed status appends
 * `platform.request.gitops-changed`. Pave's commit of a request's files counts as deployed once the tool
 * reports the folder Synced at that commit, or at a report made after the run that committed it ended (Pave
 * pushes to the destination's branch, which the tool follows).
 * @example await readBack.observe({ tool: 'argocd', app: 'dev', repository: 'https://git.example.com/gitops', path: 'clusters/dev', sync: 'Synced', health: 'Healthy', revision: 'ab12…', at })
 */
export class GitOpsReadBack {
  readonly #o: GitOpsReadBackOptions;

  constructor(options: GitOpsReadBackOptions) {
    this.#o = options;
  }

  async observe(observation: GitOpsObservation): Promise<ReadBackResult> {
    const destinations = await this.#o.destinations.list();
    const urls = new Map(destinations.map(d => [d.metadata.name, d.spec.git.url]));
    const environments = new Map(destinations.map(d => [d.metadata.name, d.metadata.labels?.env ?? 'production']));
    const covered = (await this.#o.requests.list()).filter(request => coveredDelivery(request.status.deliveries, observation, urls));
    const result: ReadBackResult = { requests: 0, synced: [] };
    for (const found of covered) {
      // Read before the transaction (the run store reads outside it): which run made which commit.
      const runs = await this.#o.runs.list(found.namespace, found.name, 50);
      await this.#o.store.transaction(async trx => {
        // Read again inside the transaction: two reports about one request never lose each other's state.
        const request = await this.#o.requests.byId(found.id, trx);
        const delivery = request && coveredDelivery(request.status.deliveries, observation, urls);
        const next = request && delivery ? observe(request.gitops, observation) : undefined;
        if (!request || !delivery || !next) return;
        const synced = newlySynced(request, delivery.commit, observation, runs);
        if (synced) {
          next.deployedCommit = synced.commit;
          result.synced.push({ request: requestRef(request.namespace, request.name), ...(request.owner ? { owner: request.owner } : {}), destination: delivery.destination, path: delivery.path, commit: synced.commit, ...(synced.committedAt ? { committedAt: synced.committedAt } : {}), environment: environments.get(delivery.destination) ?? 'production', at: observation.at });
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

/** The request's current commit, if this observation is the first to report it synced. */
function newlySynced(request: StoredRequest, commit: string | undefined, observation: GitOpsObservation, runs: readonly Run[]): { commit: string; committedAt?: string } | undefined {
  if (observation.sync !== 'Synced' || !commit || request.gitops?.deployedCommit === commit) return undefined;
  const run = runs.find(r => r.commits.some(c => c.commit === commit));
  const revision = observation.revision?.toLowerCase();
  const atCommit = revision !== undefined && revision.length >= 7 && (commit.startsWith(revision) || revision.startsWith(commit));
  const after = run?.finishedAt !== undefined && run.finishedAt <= observation.at;
  if (!atCommit && !after) return undefined;
  return { commit, ...(run?.finishedAt ? { committedAt: run.finishedAt } : {}) };
}

function changed(before: RequestGitOps | undefined, after: RequestGitOps): boolean {
  return !before || before.sync !== after.sync || before.health !== after.health || before.app !== after.app;
}
