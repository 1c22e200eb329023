import { loopYielder } from '../core/event-loop-yield.js';
import type { CommitColumns, ComponentFacts, DoraFacts } from './dora-facts.js';
import { changeFailureRateBand, deploymentFrequencyBand, leadTimeBand, recoveryTimeBand, type DoraBand } from './dora-bands.js';

/** A deployment as the computation reads it (times in ms since the epoch). */
export interface DoraDeployment {
  id: string;
  entityRef: string;
  environment: string;
  status: 'success' | 'failure';
  at: number;
  sha?: string;
  commits?: string[];
  rework: boolean;
}

export interface DoraChange {
  entityRef: string;
  sha: string;
  at: number;
}

/** One incident, put together from its events (either may be missing yet). */
export interface DoraIncident {
  key: string;
  entityRef: string;
  openedAt?: number;
  resolvedAt?: number;
}

/** The facts of some components up to the window's end (arranged once for every window of a request), and the window. */
export interface DoraInput {
  facts: DoraFacts;
  /** [start, end) in ms. */
  window: { start: number; end: number };
}

export interface DoraFigures {
  deploymentFrequency: { deployments: number; perDay: number; perWeek: number; band: DoraBand | null };
  leadTime: { changes: number; medianHours: number | null; band: DoraBand | null };
  changeFailureRate: { deployments: number; failed: number; rate: number | null; band: DoraBand | null };
  recoveryTime: { failures: number; recovered: number; medianHours: number | null; band: DoraBand | null };
  /** No published levels: band is always null. */
  reworkRate: { deployments: number; rework: number; rate: number | null; band: null };
  /** Incidents opened in the window that no deployment could be blamed for (none before them). */
  unattributedIncidents: number;
}

/** What one component contributes: its own counts and the samples its group pools. */
export interface ComponentDora {
  entityRef: string;
  figures: DoraFigures;
  samples: Samples;
}

interface Samples {
  successes: number;
  leadTimes: ArrayLike<number>;
  attempted: number;
  failed: number;
  failures: number;
  recoveries: number[];
  rework: number;
  unattributed: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * DORA's five metrics for each component of `components` over the window (see docs/delivery-metrics.md,
 * which this follows to the letter). The same facts give the same figures, in whatever order they arrived. Lets the
 * event loop run between components once `yieldEveryMs` of work has passed (`event-loop-yield.ts`; the tests make it
 * 0): at a million events the computation took a second.
 * @example const { components, total } = await computeDora(['component:default/a'], { facts, window });
 */
export async function computeDora(components: readonly string[], input: DoraInput, yieldEveryMs?: number): Promise<{ components: ComponentDora[]; total: DoraFigures }> {
  const pause = loopYielder(yieldEveryMs);
  const days = (input.window.end - input.window.start) / DAY;
  const results: ComponentDora[] = [];
  for (const ref of components) {
    const facts = input.facts.of(ref);
    const samples = facts ? componentSamples(facts, input.window) : noSamples();
    results.push({ entityRef: ref, samples, figures: figuresOf(samples, days, samples.successes > 0 ? [samples.successes / days] : []) });
    await pause();
  }
  const pooled = noSamples();
  let leadTimes = 0;
  for (const { samples } of results) leadTimes += samples.leadTimes.length;
  // One typed array for every lead time: pooled, they run to 100,000s.
  const pooledLeadTimes = new Float64Array(leadTimes);
  leadTimes = 0;
  for (const { samples } of results) {
    pooled.successes += samples.successes;
    pooledLeadTimes.set(samples.leadTimes, leadTimes);
    leadTimes += samples.leadTimes.length;
    pooled.attempted += samples.attempted;
    pooled.failed += samples.failed;
    pooled.failures += samples.failures;
    // A loop, not push(...list): a list may hold more samples than a call may take arguments.
    for (const recovery of samples.recoveries) pooled.recoveries.push(recovery);
    pooled.rework += samples.rework;
    pooled.unattributed += samples.unattributed;
  }
  const rates = results.filter(r => r.samples.successes > 0).map(r => r.samples.successes / days);
  return { components: results, total: figuresOf({ ...pooled, leadTimes: pooledLeadTimes }, days, rates) };
}

function noSamples(): Samples {
  return { successes: 0, leadTimes: [], attempted: 0, failed: 0, failures: 0, recoveries: [], rework: 0, unattributed: 0 };
}

/** One component's samples in the window: only what happened before the window's end is seen. */
function componentSamples(facts: ComponentFacts, window: { start: number; end: number }): Samples {
  const inWindow = (t: number) => t >= window.start && t < window.end;
  // In time order (ties by id); those before the window's end.
  const allSuccesses = facts.successes;
  const ordered = facts.deployments.slice(0, firstFrom(facts.deployments, window.end));
  const successes = allSuccesses.slice(0, firstFrom(allSuccesses, window.end));
  // A deployment listing its commits changes which the others ship: then `shipments`, one by one.
  const leadTimes = successes.some(d => d.commits) ? listedLeadTimes(successes, facts.commits.changes(facts.entityRef, window.end), inWindow) : leadTimesByTime(successes, facts.commits, window.end, d => inWindow(d.at));
  const incidentsOf = facts.incidents;

  // Each incident is blamed on the latest successful deployment that finished at or before it opened.
  const blamed = new Map<string, DoraIncident[]>();
  let unattributed = 0;
  for (const incident of incidentsOf) {
    if (incident.openedAt === undefined) continue;
    const cause = successes[firstAfter(successes, incident.openedAt) - 1];
    if (cause) (blamed.get(cause.id) ?? blamed.set(cause.id, []).get(cause.id)!).push(incident);
    else if (inWindow(incident.openedAt)) unattributed++;
  }

  const attempted = ordered.slice(firstFrom(ordered, window.start));
  let failed = 0;
  let failures = 0;
  let rework = 0;
  const recoveries: number[] = [];
  for (const deployment of attempted) {
    const causes = blamed.get(deployment.id) ?? [];
    if (deployment.status === 'failure' || causes.length) failed++;
    if (deployment.status === 'failure') {
      failures++;
      const next = successes[firstAfter(successes, deployment.at)];
      if (next) recoveries.push(next.at - deployment.at);
    }
    for (const incident of causes) {
      failures++;
      if (incident.resolvedAt !== undefined && incident.resolvedAt >= incident.openedAt!) recoveries.push(incident.resolvedAt - incident.openedAt!);
    }
    const duringIncident = incidentsOf.some(i => i.openedAt !== undefined && i.openedAt <= deployment.at && (i.resolvedAt === undefined || deployment.at <= i.resolvedAt));
    if (deployment.rework || duringIncident) rework++;
  }
  return { successes: attempted.filter(d => d.status === 'success').length, leadTimes, attempted: attempted.length, failed, failures, recoveries, rework, unattributed };
}

/** The lead times of the changes `shipments` says the successes shipped, for those that finished in the window. */
function listedLeadTimes(successes: readonly DoraDeployment[], changesOf: readonly DoraChange[], inWindow: (t: number) => boolean): number[] {
  const leadTimes: number[] = [];
  for (const [deployment, changes] of shipments(successes, changesOf)) {
    for (const change of changes) {
      const lead = deployment.at - change.at;
      if (inWindow(deployment.at) && Number.isFinite(lead) && lead > 0) leadTimes.push(lead);
    }
  }
  return leadTimes;
}

/**
 * Which changes each successful deployment (of one component, in time order) shipped: its own list when
 * given, else every change not shipped before, made no later than the deployed commit (or the deployment,
 * when that commit is unknown). A listed commit no change tells of has no time (NaN).
 * One pass over the changes in time order: a deployment by time looks only at the changes past the latest
 * limit seen so far, since every change up to it was shipped then or had its commit shipped already.
 * `leadTimesByTime` answers the same by another route for components whose deployments list no commits: a change to
 * what ships when is made in both (dora.test.ts compares them on random histories).
 */
export function shipments(successes: readonly DoraDeployment[], changesOf: readonly DoraChange[]): Array<[DoraDeployment, DoraChange[]]> {
  const changes = [...changesOf].sort((a, b) => a.at - b.at || (a.sha < b.sha ? -1 : 1));
  const changeBySha = new Map(changes.map(c => [c.sha, c]));
  const shipped = new Set<string>();
  let considered = 0;
  return successes.map(deployment => {
    let now: DoraChange[];
    if (deployment.commits) now = [...new Set(deployment.commits)].flatMap(sha => (shipped.has(sha) ? [] : [changeBySha.get(sha) ?? { entityRef: deployment.entityRef, sha, at: Number.NaN }]));
    else {
      const head = deployment.sha ? changeBySha.get(deployment.sha)?.at : undefined;
      const limit = Math.min(head ?? deployment.at, deployment.at);
      now = [];
      // A commit told twice (two events, one sha) is one change: shipped once, even when both lie in this range.
      for (; considered < changes.length && changes[considered]!.at <= limit; considered++) {
        const change = changes[considered]!;
        if (!shipped.has(change.sha)) now.push(change);
        shipped.add(change.sha);
      }
    }
    for (const change of now) shipped.add(change.sha);
    return [deployment, now];
  });
}

/**
 * The lead times `shipments` gives when no deployment lists its commits, seeing only what was told before `end`,
 * without sorting the commits (at a million events, sorting them was a third of the computation): a commit (at its
 * earliest time when told twice) ships with the first success whose limit (`shipments`: the deployed commit's latest
 * time, or the deployment's), or that of one before it, reached its time — a binary search in the running maximum of
 * the limits. Answers those shipped by successes `counts`.
 */
export function leadTimesByTime(successes: readonly DoraDeployment[], commits: CommitColumns, end: number, counts: (deployment: DoraDeployment) => boolean): number[] {
  const reach = new Float64Array(successes.length);
  let max = -Infinity;
  successes.forEach((deployment, i) => {
    const head = deployment.sha === undefined ? -1 : commits.slotOf(deployment.sha);
    const headAt = head < 0 || commits.earliest(head) >= end ? deployment.at : commits.latestBefore(head, end);
    max = Math.max(max, Math.min(headAt, deployment.at));
    reach[i] = max;
  });
  const leadTimes: number[] = [];
  for (let slot = 0; slot < commits.count; slot++) {
    const at = commits.earliest(slot);
    if (at >= end) continue;
    let [low, high] = [0, reach.length];
    while (low < high) {
      const mid = (low + high) >> 1;
      if (reach[mid]! < at) low = mid + 1;
      else high = mid;
    }
    const deployment = successes[low];
    if (deployment && deployment.at > at && counts(deployment)) leadTimes.push(deployment.at - at);
  }
  return leadTimes;
}

function figuresOf(s: Samples, days: number, rates: number[]): DoraFigures {
  const perDay = rates.length ? median(rates)! : 0;
  const lead = median(s.leadTimes);
  const recovery = median(s.recoveries);
  const cfr = s.attempted ? s.failed / s.attempted : null;
  return {
    deploymentFrequency: { deployments: s.successes, perDay: round(perDay, 4), perWeek: round(perDay * 7, 3), band: days > 0 ? deploymentFrequencyBand(perDay) : null },
    leadTime: { changes: s.leadTimes.length, medianHours: lead === null ? null : round(lead / HOUR, 2), band: lead === null ? null : leadTimeBand(lead) },
    changeFailureRate: { deployments: s.attempted, failed: s.failed, rate: cfr === null ? null : round(cfr, 4), band: cfr === null ? null : changeFailureRateBand(cfr) },
    recoveryTime: { failures: s.failures, recovered: s.recoveries.length, medianHours: recovery === null ? null : round(recovery / HOUR, 2), band: recovery === null ? null : recoveryTimeBand(recovery) },
    reworkRate: { deployments: s.attempted, rework: s.rework, rate: s.attempted ? round(s.rework / s.attempted, 4) : null, band: null },
    unattributedIncidents: s.unattributed,
  };
}

/** The index of the first of `sorted` (in time order) that happened after `time` (its length when none did). */
function firstAfter(sorted: readonly DoraDeployment[], time: number): number {
  let [low, high] = [0, sorted.length];
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]!.at <= time) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The index of the first of `sorted` (in time order) that happened at or after `time` (its length when none did). */
function firstFrom(sorted: readonly DoraDeployment[], time: number): number {
  let [low, high] = [0, sorted.length];
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]!.at < time) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The median of finite values (the mean of the middle two for an even count); null for none. */
export function median(values: ArrayLike<number>): number | null {
  if (!values.length) return null;
  // Selected, not sorted: the pooled lists run to 100,000s (a typed array: no objects, no comparator).
  const copy = Float64Array.from(values);
  const mid = copy.length >> 1;
  const upper = select(copy, mid);
  if (copy.length % 2) return upper;
  // After selecting, the lower half holds the smaller values: the middle one of an even count is its largest.
  let lower = -Infinity;
  for (let i = 0; i < mid; i++) if (copy[i]! > lower) lower = copy[i]!;
  return (lower + upper) / 2;
}

/**
 * The value that would stand at index `k` of `values` sorted, moving values so that those before `k` are no larger
 * and those after no smaller (Hoare's selection, random pivots; a sort of the rest when it takes too many rounds).
 */
function select(values: Float64Array, k: number): number {
  let [low, high] = [0, values.length - 1];
  for (let rounds = 0; low < high; rounds++) {
    if (rounds > 64) {
      values.subarray(low, high + 1).sort();
      break;
    }
    const pivot = values[low + Math.floor(Math.random() * (high - low + 1))]!;
    let [i, j] = [low, high];
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i++] = values[j]!;
        values[j--] = swap;
      }
    }
    if (k <= j) high = j;
    else if (k >= i) low = i;
    else break;
  }
  return values[k]!;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
