/**
 * GitOps health read back: what an Argo CD Application or a Flux Kustomization reports about the folder of
 * a repository it syncs, and how that shows on the requests whose files live under that folder (conditions
 * `Synced` and `Healthy`). Pure functions over plain data.
 */
import type { Condition, Delivery } from './types.js';

export const SYNC_STATUSES = ['Synced', 'OutOfSync', 'Unknown'] as const;
export const HEALTH_STATUSES = ['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

/** One report of a GitOps tool about what it syncs (a provider's receiver makes it from its webhook). */
export interface GitOpsObservation {
  tool: 'argocd' | 'flux';
  /** The Application's (or Kustomization's) name. */
  app: string;
  /** The repository it syncs, as a URL, or the name of the Pave destination it syncs: at least one. */
  repository?: string;
  destination?: string;
  /** The folder it syncs in that repository ('' or '.': the whole repository). */
  path: string;
  sync: SyncStatus;
  health: HealthStatus;
  /** The commit it synced. */
  revision?: string;
  message?: string;
  /** When the tool reported it (ISO-8601 UTC). */
  at: string;
}

/** A request's delivery as its GitOps tool last reported it: kept apart from the status the reconciler writes. */
export interface RequestGitOps {
  tool: GitOpsObservation['tool'];
  app: string;
  sync: SyncStatus;
  health: HealthStatus;
  revision?: string;
  message?: string;
  /** The report this is. */
  at: string;
  /** When the sync status and the health last changed. */
  syncSince: string;
  healthSince: string;
  /** Since when its health has not been Healthy (absent while Healthy). */
  unhealthySince?: string;
  /** Pave's last commit of the request's files reported synced (recorded as a deployment once). */
  deployedCommit?: string;
}

/**
 * A repository URL reduced to what names the repository: host and path, lower case, without scheme,
 * credentials, port, `.git` or trailing slash (`git@host:a/b.git` and `https://host/a/b` are the same).
 * @example repositoryKey('https://u:p@GitHub.com/acme/gitops.git/') // 'github.com/acme/gitops'
 */
export function repositoryKey(url: string): string {
  let text = url.trim();
  const scp = /^[\w.-]+@([^:/]+):(.*)$/.exec(text);
  if (scp) text = `${scp[1]}/${scp[2]}`;
  else text = text.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^[^@/]*@/, '').replace(/^([^/:]+):\d+\//, '$1/');
  return text.replace(/\/+$/, '').replace(/\.git$/i, '').replace(/\/+$/, '').toLowerCase();
}

/** A folder path without leading `./` or `/` and trailing `/`; the repository's root is ''. */
export function folderKey(path: string): string {
  const trimmed = path.trim().replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
  return trimmed === '.' ? '' : trimmed;
}

/** Whether a folder (a request's delivery) lies inside the folder a tool syncs. */
export function isUnderFolder(folder: string, synced: string): boolean {
  const [inner, outer] = [folderKey(folder), folderKey(synced)];
  return outer === '' || inner === outer || inner.startsWith(`${outer}/`);
}

/** The delivery of a request that an observation covers, if any: same repository (or destination), folder inside. */
export function coveredDelivery(deliveries: readonly Delivery[], observation: GitOpsObservation, destinationUrls: ReadonlyMap<string, string>): Delivery | undefined {
  const repository = observation.repository === undefined ? undefined : repositoryKey(observation.repository);
  return deliveries.find(delivery => {
    const url = destinationUrls.get(delivery.destination);
    const sameRepository = observation.destination !== undefined ? observation.destination === delivery.destination : url !== undefined && repositoryKey(url) === repository;
    return sameRepository && isUnderFolder(delivery.path, observation.path);
  });
}

/**
 * A request's GitOps state after an observation; undefined when the observation is older than what is
 * kept (reports may arrive out of order: the newest one wins).
 */
export function observe(previous: RequestGitOps | undefined, observation: GitOpsObservation): RequestGitOps | undefined {
  if (previous && previous.at > observation.at) return undefined;
  const healthy = observation.health === 'Healthy';
  const next: RequestGitOps = {
    tool: observation.tool,
    app: observation.app,
    sync: observation.sync,
    health: observation.health,
    ...(observation.revision ? { revision: observation.revision } : {}),
    ...(observation.message ? { message: observation.message } : {}),
    at: observation.at,
    syncSince: previous && previous.sync === observation.sync ? previous.syncSince : observation.at,
    healthSince: previous && previous.health === observation.health ? previous.healthSince : observation.at,
    ...(healthy ? {} : { unhealthySince: previous?.unhealthySince ?? observation.at }),
    ...(previous?.deployedCommit ? { deployedCommit: previous.deployedCommit } : {}),
  };
  return next;
}

/**
 * The conditions the GitOps state adds to a request's status: `Synced` (True when the tool says Synced) and
 * `Healthy` (True when Healthy, False when Degraded or Missing, Unknown while Progressing, Suspended or unknown),
 * each with the tool's message and the revision.
 */
export function gitOpsConditions(state: RequestGitOps, generation: number): Condition[] {
  const who = `${state.tool === 'argocd' ? 'Argo CD application' : 'Flux Kustomization'} ${state.app}`;
  const at = state.revision ? ` at ${state.revision.slice(0, 12)}` : '';
  const said = state.message ? `: ${state.message}` : '';
  const revision = state.revision ? { revision: state.revision } : {};
  return [
    {
      type: 'Synced',
      status: state.sync === 'Synced' ? 'True' : state.sync === 'OutOfSync' ? 'False' : 'Unknown',
      reason: state.sync,
      message: `${who} is ${state.sync}${at}${said}`,
      lastTransitionTime: state.syncSince,
      observedGeneration: generation,
      ...revision,
    },
    {
      type: 'Healthy',
      status: state.health === 'Healthy' ? 'True' : state.health === 'Degraded' || state.health === 'Missing' ? 'False' : 'Unknown',
      reason: state.health,
      message: `${who} is ${state.health}${at}${said}`,
      lastTransitionTime: state.healthSince,
      observedGeneration: generation,
      ...revision,
    },
  ];
}

/** Whether a request's delivery has been unhealthy for longer than `afterSeconds` at `now`. */
export function isFlaggedUnhealthy(state: RequestGitOps | undefined, now: Date, afterSeconds: number): boolean {
  return state?.unhealthySince !== undefined && now.getTime() - Date.parse(state.unhealthySince) >= afterSeconds * 1000;
}
