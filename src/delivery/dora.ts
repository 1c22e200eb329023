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

/** The facts of some components up to the window's end, and the window. */
export interface DoraInput {
  deployments: readonly DoraDeployment[];
  changes: readonly DoraChange[];
  incidents: readonly DoraIncident[];
  /** Environments (lower-case) whose deployments count. */
  production: ReadonlySet<string>;
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
  leadTimes: number[];
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
 * which this follows to the letter). Pure: the same facts give the same figures, in whatever order they arrived.
 * @example const { components, total } = computeDora(['component:default/a'], input);
 */
export function computeDora(components: readonly string[], input: DoraInput): { components: ComponentDora[]; total: DoraFigures } {
  const byEntity = <T extends { entityRef: string }>(items: readonly T[]) => {
    const map = new Map<string, T[]>();
    for (const item of items) (map.get(item.entityRef) ?? map.set(item.entityRef, []).get(item.entityRef)!).push(item);
    return map;
  };
  const deployments = byEntity(input.deployments.filter(d => input.production.has(d.environment) && d.at < input.window.end));
  const changes = byEntity(input.changes.filter(c => c.at < input.window.end));
  const incidents = byEntity(input.incidents);
  const days = (input.window.end - input.window.start) / DAY;
  const results = components.map(ref => {
    const samples = componentSamples(deployments.get(ref) ?? [], changes.get(ref) ?? [], incidents.get(ref) ?? [], input.window);
    return { entityRef: ref, samples, figures: figuresOf(samples, days, samples.successes > 0 ? [samples.successes / days] : []) };
  });
  const pooled: Samples = { successes: 0, leadTimes: [], attempted: 0, failed: 0, failures: 0, recoveries: [], rework: 0, unattributed: 0 };
  for (const { samples } of results) {
    pooled.successes += samples.successes;
    // Loops, not push(...list): a list may hold more samples than a call may take arguments.
    for (const lead of samples.leadTimes) pooled.leadTimes.push(lead);
    pooled.attempted += samples.attempted;
    pooled.failed += samples.failed;
    pooled.failures += samples.failures;
    for (const recovery of samples.recoveries) pooled.recoveries.push(recovery);
    pooled.rework += samples.rework;
    pooled.unattributed += samples.unattributed;
  }
  const rates = results.filter(r => r.samples.successes > 0).map(r => r.samples.successes / days);
  return { components: results, total: figuresOf(pooled, days, rates) };
}

function componentSamples(deploymentsOf: DoraDeployment[], changesOf: DoraChange[], incidentsOf: DoraIncident[], window: { start: number; end: number }): Samples {
  const inWindow = (t: number) => t >= window.start && t < window.end;
  const ordered = [...deploymentsOf].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const successes = ordered.filter(d => d.status === 'success');
  // A deployment listing its commits changes which the others ship: then `shipments`, one by one.
  const leadTimes = successes.some(d => d.commits) ? listedLeadTimes(successes, changesOf, inWindow) : leadTimesByTime(successes, changesOf, d => inWindow(d.at));

  // Each incident is blamed on the latest successful deployment that finished at or before it opened.
  const blamed = new Map<string, DoraIncident[]>();
  let unattributed = 0;
  for (const incident of incidentsOf) {
    if (incident.openedAt === undefined) continue;
    const cause = successes[firstAfter(successes, incident.openedAt) - 1];
    if (cause) (blamed.get(cause.id) ?? blamed.set(cause.id, []).get(cause.id)!).push(incident);
    else if (inWindow(incident.openedAt)) unattributed++;
  }

  const attempted = ordered.filter(d => inWindow(d.at));
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
 * The lead times `shipments` gives when no deployment lists its commits, without sorting the changes (at a million
 * events, sorting them was a third of the computation) and with one map entry per commit: a commit (at its earliest
 * time when told twice) ships with the first success whose limit (`shipments`), or that of one before it, reached
 * its time — a binary search in the running maximum of the limits. Answers those shipped by successes `counts`.
 */
export function leadTimesByTime(successes: readonly DoraDeployment[], changesOf: readonly DoraChange[], counts: (deployment: DoraDeployment) => boolean): number[] {
  const slot = new Map<string, number>();
  const earliest: number[] = [];
  const latest: number[] = [];
  for (const { sha, at } of changesOf) {
    const i = slot.get(sha);
    if (i === undefined) {
      slot.set(sha, earliest.length);
      earliest.push(at);
      latest.push(at);
    } else if (at < earliest[i]!) earliest[i] = at;
    else if (at > latest[i]!) latest[i] = at;
  }
  const reach = new Float64Array(successes.length);
  let max = -Infinity;
  successes.forEach((deployment, i) => {
    const head = deployment.sha === undefined ? undefined : slot.get(deployment.sha);
    max = Math.max(max, Math.min(head === undefined ? deployment.at : latest[head]!, deployment.at));
    reach[i] = max;
  });
  const leadTimes: number[] = [];
  for (const at of earliest) {
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

/** The median (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  // A typed array sorts numbers natively, without a comparator called per pair (the pooled lists run to 100,000s).
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
