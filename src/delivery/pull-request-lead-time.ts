import { median, shipments, type DoraChange, type DoraDeployment } from './dora.js';

/** One pull or merge request, put together from its events (any of them may be missing yet); times in ms. */
export interface PullRequestFact {
  key: string;
  entityRef: string;
  openedAt?: number;
  mergedAt?: number;
  closedAt?: number;
  /** The commit that merged it (the merge or squash commit on the target branch). */
  mergeSha?: string;
  /** Its own commits, when told (a provider's webhook tells its head). */
  commits: string[];
  title?: string;
  url?: string;
}

/** A pull request's way from its first commit (or its opening) through its merge to production. */
export interface PullRequestLeadTime {
  key: string;
  entityRef: string;
  state: 'open' | 'merged' | 'closed';
  title?: string;
  url?: string;
  openedAt?: string;
  /** The earliest of its own commits Pave knows as a change. */
  firstCommitAt?: string;
  mergedAt?: string;
  mergeSha?: string;
  /** The successful production deployment that shipped its merge commit, at or after the merge. */
  deployedAt?: string;
  deployment?: string;
  /** Start (the earlier of the first commit and the opening) → merged, merged → deployed, start → deployed. */
  hours: { toMerge: number | null; toDeploy: number | null; leadTime: number | null };
}

export interface PullRequestSummary {
  /** Pull requests merged in the window, of those how many are deployed, and their medians (hours). */
  merged: number;
  deployed: number;
  medianToMergeHours: number | null;
  medianToDeployHours: number | null;
  medianLeadTimeHours: number | null;
  /** Opened in the window and neither merged nor closed yet. */
  open: number;
}

/** The facts of some components up to the window's end, and the window. */
export interface PullRequestInput {
  pullRequests: readonly PullRequestFact[];
  changes: readonly DoraChange[];
  deployments: readonly DoraDeployment[];
  /** Environments (lower-case) whose deployments count. */
  production: ReadonlySet<string>;
  /** [start, end) in ms. */
  window: { start: number; end: number };
}

const HOUR = 3_600_000;

/**
 * Lead time per pull request of some components (docs/delivery-metrics.md, "Lead time per pull request"): the pull
 * requests merged in the window, and those opened in it and not merged, newest first. Which deployment shipped a
 * merge commit is decided as DORA's change lead time decides it for any commit (`shipments`); a merge commit no push
 * told of counts as a change made when the pull request merged. Pure: the same facts give the same answer in any order.
 * @example const { items, summary } = pullRequestLeadTimes({ pullRequests, changes, deployments, production: new Set(['production']), window });
 */
export function pullRequestLeadTimes(input: PullRequestInput): { items: PullRequestLeadTime[]; summary: PullRequestSummary } {
  const { start, end } = input.window;
  const successes = input.deployments.filter(d => d.status === 'success' && input.production.has(d.environment) && d.at < end).sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const changes = input.changes.filter(c => c.at < end);
  const known = new Map(changes.map(c => [`${c.entityRef}\u0000${c.sha}`, c]));
  const merges = input.pullRequests.flatMap(pr => (pr.mergeSha && pr.mergedAt !== undefined && pr.mergedAt < end && !known.has(`${pr.entityRef}\u0000${pr.mergeSha}`) ? [{ entityRef: pr.entityRef, sha: pr.mergeSha, at: pr.mergedAt }] : []));
  // Per component, as DORA ships changes: the deployment that shipped each commit first.
  const shippedBy = new Map<string, DoraDeployment>();
  for (const entityRef of new Set(input.pullRequests.map(pr => pr.entityRef))) {
    const own = <T extends { entityRef: string }>(items: readonly T[]) => items.filter(i => i.entityRef === entityRef);
    for (const [deployment, shipped] of shipments(own(successes), [...own(changes), ...own(merges)])) for (const change of shipped) if (!shippedBy.has(`${entityRef}\u0000${change.sha}`)) shippedBy.set(`${entityRef}\u0000${change.sha}`, deployment);
  }

  const items: PullRequestLeadTime[] = [];
  for (const pr of input.pullRequests) {
    const merged = pr.mergedAt !== undefined && pr.mergedAt < end ? pr.mergedAt : undefined;
    const closed = merged === undefined && pr.closedAt !== undefined && pr.closedAt < end;
    if (merged !== undefined ? merged < start : pr.openedAt === undefined || pr.openedAt < start || pr.openedAt >= end) continue;
    // A loop, not Math.min(...times): a pull request may name more commits than a call may take arguments.
    let firstCommitAt: number | undefined;
    for (const sha of pr.commits) {
      const time = known.get(`${pr.entityRef}\u0000${sha}`)?.at;
      if (time !== undefined && (firstCommitAt === undefined || time < firstCommitAt)) firstCommitAt = time;
    }
    const began = [pr.openedAt, firstCommitAt].filter((t): t is number => t !== undefined);
    const from = began.length ? Math.min(...began) : undefined;
    // Shipped before it merged is no delivery of it (a wrong link, or a clock that lies): it waits for the next.
    const shipping = pr.mergeSha ? shippedBy.get(`${pr.entityRef}\u0000${pr.mergeSha}`) : undefined;
    const deployment = merged !== undefined && shipping && shipping.at >= merged ? shipping : undefined;
    items.push({
      key: pr.key,
      entityRef: pr.entityRef,
      state: merged !== undefined ? 'merged' : closed ? 'closed' : 'open',
      ...(pr.title ? { title: pr.title } : {}),
      ...(pr.url ? { url: pr.url } : {}),
      ...(pr.openedAt !== undefined ? { openedAt: iso(pr.openedAt) } : {}),
      ...(firstCommitAt !== undefined ? { firstCommitAt: iso(firstCommitAt) } : {}),
      ...(merged !== undefined ? { mergedAt: iso(merged) } : {}),
      ...(pr.mergeSha ? { mergeSha: pr.mergeSha } : {}),
      ...(deployment ? { deployedAt: iso(deployment.at), deployment: deployment.id } : {}),
      hours: {
        toMerge: hours(from, merged),
        toDeploy: hours(merged, deployment?.at),
        leadTime: hours(from, deployment?.at),
      },
    });
  }
  const when = (i: PullRequestLeadTime) => i.mergedAt ?? i.openedAt ?? '';
  items.sort((a, b) => (when(a) !== when(b) ? (when(a) > when(b) ? -1 : 1) : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const mergedItems = items.filter(i => i.state === 'merged');
  const middle = (values: Array<number | null>) => {
    const m = median(values.filter((v): v is number => v !== null));
    return m === null ? null : Math.round(m * 100) / 100;
  };
  return {
    items,
    summary: {
      merged: mergedItems.length,
      deployed: mergedItems.filter(i => i.deployedAt).length,
      medianToMergeHours: middle(mergedItems.map(i => i.hours.toMerge)),
      medianToDeployHours: middle(mergedItems.map(i => i.hours.toDeploy)),
      medianLeadTimeHours: middle(mergedItems.map(i => i.hours.leadTime)),
      open: items.filter(i => i.state === 'open').length,
    },
  };
}

function hours(from: number | undefined, to: number | undefined): number | null {
  return from === undefined || to === undefined ? null : Math.round(((to - from) / HOUR) * 100) / 100;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
