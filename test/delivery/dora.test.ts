import { describe, expect, it } from 'vitest';
import { computeDora, leadTimesByTime, median, shipments, type DoraChange, type DoraDeployment, type DoraIncident, type DoraInput } from '../../src/delivery/dora.js';
import { DoraFacts } from '../../src/delivery/dora-facts.js';

/**
 * DORA's five metrics on hand-built scenarios whose figures were worked out by hand (the arithmetic is in
 * the comments), following docs/delivery-metrics.md. The window is March 2026: [Mar 1, Mar 31).
 */
const t = (text: string) => Date.parse(`2026-${text}:00Z`);
const H = 3_600_000;
const WINDOW = { start: t('03-01T00:00'), end: t('03-31T00:00') };
const PRODUCTION = new Set(['production']);

const dep = (id: string, entityRef: string, at: string, status: 'success' | 'failure', extra: Partial<DoraDeployment> = {}): DoraDeployment => ({ id, entityRef, environment: 'production', status, at: t(at), rework: false, ...extra });
const chg = (entityRef: string, sha: string, at: string): DoraChange => ({ entityRef, sha, at: t(at) });

// Component a: four successes, one failure, a staging deployment, one incident, one rework deployment.
const A = 'component:default/a';
const aChanges = [chg(A, 'c1', '03-02T10:00'), chg(A, 'c2', '03-02T12:00'), chg(A, 'c3', '03-05T09:00'), chg(A, 'c4', '03-10T08:00')];
const aDeployments = [
  dep('d1', A, '03-03T10:00', 'success', { sha: 'c2' }), // ships c1 (24 h) and c2 (22 h)
  dep('d2', A, '03-06T09:00', 'success', { sha: 'c3' }), // ships c3 (24 h); the incident below is blamed on it
  dep('s1', A, '03-04T00:00', 'success', { environment: 'staging' }), // not production: counts nowhere
  dep('d5', A, '03-07T11:00', 'success'), // during the incident: rework; ships nothing (c4 is later)
  dep('d3', A, '03-11T08:00', 'failure', { sha: 'c4' }), // failed; recovered by d4 two hours later
  dep('d4', A, '03-11T10:00', 'success', { sha: 'c4' }), // ships c4 (26 h)
];
const aIncidents: DoraIncident[] = [{ key: 'i1', entityRef: A, openedAt: t('03-07T09:00'), resolvedAt: t('03-07T13:00') }];

const input = (deployments: DoraDeployment[], changes: DoraChange[] = [], incidents: DoraIncident[] = []): DoraInput => ({ facts: DoraFacts.from({ deployments, changes, incidents }, PRODUCTION), window: WINDOW });

describe('DORA on hand-built scenarios', () => {
  it('computes the five metrics and their bands for one component', async () => {
    const { total } = await computeDora([A], input(aDeployments, aChanges, aIncidents));
    // 4 successful production deployments in 30 days: 0.1333/day, 0.9333/week → under once a week: medium.
    expect(total.deploymentFrequency).toEqual({ deployments: 4, perDay: 0.1333, perWeek: 0.933, band: 'medium' });
    // Lead times 22, 24, 24, 26 h → median 24 h, not under a day: high.
    expect(total.leadTime).toEqual({ changes: 4, medianHours: 24, band: 'high' });
    // 5 attempts (d1 d2 d5 d3 d4); failed: d3 (failure) and d2 (blamed for i1) → 40 %: low.
    expect(total.changeFailureRate).toEqual({ deployments: 5, failed: 2, rate: 0.4, band: 'low' });
    // Recoveries: d3 → d4 = 2 h, i1 opened → resolved = 4 h → median 3 h: high.
    expect(total.recoveryTime).toEqual({ failures: 2, recovered: 2, medianHours: 3, band: 'high' });
    // d5 was made while i1 was open: 1 of 5.
    expect(total.reworkRate).toEqual({ deployments: 5, rework: 1, rate: 0.2, band: null });
    expect(total.unattributedIncidents).toBe(0);
  });

  it('gives the same figures whatever order the facts arrived in (a deployment before its commits, a resolution before its opening)', async () => {
    const forward = (await computeDora([A], input(aDeployments, aChanges, aIncidents))).total;
    const backward = (await computeDora([A], input([...aDeployments].reverse(), [...aChanges].reverse(), [...aIncidents].reverse()))).total;
    expect(backward).toEqual(forward);
  });

  it('has no figures but a zero frequency when nothing was deployed in the window', async () => {
    const B = 'component:default/b';
    const { total } = await computeDora([B], input([dep('old', B, '02-20T00:00', 'success')], [chg(B, 'x1', '02-19T00:00')]));
    expect(total.deploymentFrequency).toEqual({ deployments: 0, perDay: 0, perWeek: 0, band: 'low' });
    expect(total.leadTime).toEqual({ changes: 0, medianHours: null, band: null });
    expect(total.changeFailureRate.rate).toBeNull();
    expect(total.recoveryTime.medianHours).toBeNull();
    expect(total.reworkRate.rate).toBeNull();
  });

  it('counts an incident with no deployment before it as unattributed, not as a failed deployment', async () => {
    const C = 'component:default/c';
    const { total } = await computeDora([C], input([], [], [{ key: 'lonely', entityRef: C, openedAt: t('03-10T00:00'), resolvedAt: t('03-10T05:00') }]));
    expect(total.unattributedIncidents).toBe(1);
    expect(total.changeFailureRate).toEqual({ deployments: 0, failed: 0, rate: null, band: null });
    expect(total.recoveryTime).toEqual({ failures: 0, recovered: 0, medianHours: null, band: null });
  });

  it('counts a deployment that shipped no change in the frequency and not in the lead time', async () => {
    const D = 'component:default/d';
    const { total } = await computeDora([D], input([dep('only', D, '03-10T00:00', 'success')]));
    expect(total.deploymentFrequency.deployments).toBe(1);
    expect(total.leadTime).toEqual({ changes: 0, medianHours: null, band: null });
    expect(total.changeFailureRate.rate).toBe(0);
  });

  it('counts a lead time whose commit lies before the window when its deployment lies inside; the previous deployment bounds what it shipped', async () => {
    const E = 'component:default/e';
    const facts = input([dep('before', E, '02-27T00:00', 'success'), dep('inside', E, '03-02T00:00', 'success')], [chg(E, 'e0', '02-26T00:00'), chg(E, 'e1', '02-28T00:00')]);
    const { total } = await computeDora([E], facts);
    // e0 went out with 'before' (outside the window: not counted); e1 with 'inside': Feb 28 → Mar 2 = 48 h.
    expect(total.leadTime).toEqual({ changes: 1, medianHours: 48, band: 'high' });
  });

  it('takes the commits a deployment names over the ones worked out, and drops non-positive lead times', async () => {
    const F = 'component:default/f';
    const changes = [chg(F, 'f1', '03-10T00:00'), chg(F, 'f2', '03-10T06:00'), chg(F, 'f3', '03-12T00:00')];
    // Names f1 and f3 (f3 made after the deployment: a clock that lies; dropped). f2 is left for the next one.
    const deployments = [dep('named', F, '03-11T00:00', 'success', { commits: ['f1', 'f3'] }), dep('next', F, '03-12T12:00', 'success')];
    const { total } = await computeDora([F], input(deployments, changes));
    // f1: 24 h; f2 with 'next': Mar 10 06:00 → Mar 12 12:00 = 54 h; median 39 h.
    expect(total.leadTime).toEqual({ changes: 2, medianHours: 39, band: 'high' });
  });

  it('marks a deployment flagged as rework, and bands elite figures', async () => {
    const G = 'component:default/g';
    const deployments = Array.from({ length: 40 }, (_, i) => dep(`g${i}`, G, `03-${String(1 + Math.floor(i / 2)).padStart(2, '0')}T${i % 2 ? '15' : '09'}:00`, 'success', { rework: i === 7 }));
    const changes = deployments.map((d, i) => ({ entityRef: G, sha: `s${i}`, at: d.at - 2 * H }));
    const { total } = await computeDora([G], input(deployments.map((d, i) => ({ ...d, sha: `s${i}` })), changes));
    expect(total.deploymentFrequency.band).toBe('elite'); // 40 in 30 days
    expect(total.leadTime).toEqual({ changes: 40, medianHours: 2, band: 'elite' });
    expect(total.changeFailureRate).toMatchObject({ rate: 0, band: 'elite' });
    expect(total.reworkRate).toMatchObject({ rework: 1, rate: 0.025 });
  });

  it('pools a group: the frequency is the median of its deploying components, the others pool their samples', async () => {
    const D = 'component:default/d';
    const { total, components } = await computeDora([A, D, 'component:default/silent'], input([...aDeployments, dep('only', D, '03-10T00:00', 'success')], aChanges, aIncidents));
    expect(components.map(c => c.figures.deploymentFrequency.deployments)).toEqual([4, 1, 0]);
    // Rates 4/30 and 1/30 (the silent component is not deploying) → median 2.5/30 = 0.0833/day.
    expect(total.deploymentFrequency).toEqual({ deployments: 5, perDay: 0.0833, perWeek: 0.583, band: 'medium' });
    expect(total.changeFailureRate).toEqual({ deployments: 6, failed: 2, rate: 0.3333, band: 'medium' });
    expect(total.leadTime.medianHours).toBe(24);
  });

  it('lets the event loop turn between components, with the same figures', async () => {
    const D = 'component:default/d';
    const facts = input([...aDeployments, dep('only', D, '03-10T00:00', 'success')], aChanges, aIncidents);
    const unbroken = await computeDora([A, D], facts);
    let turned = false;
    setImmediate(() => (turned = true));
    const yielding = await computeDora([A, D], facts, 0).then(result => ({ result, turned }));
    expect(yielding.turned).toBe(true);
    expect(yielding.result).toEqual(unbroken);
  });

  it('orders deployments by time, ties by id, whatever order they came in (times of whole ms, and others)', () => {
    const D = 'component:default/d';
    const at = t('03-10T00:00');
    const deployments = [dep('b', D, '03-10T00:00', 'success'), dep('a', D, '03-10T00:00', 'success'), dep('c', D, '03-09T00:00', 'success'), dep('e', D, '03-11T00:00', 'failure'), dep('a2', D, '03-10T00:00', 'success')];
    const ids = (list: DoraDeployment[]) => DoraFacts.from({ deployments: list, changes: [], incidents: [] }, PRODUCTION).of(D)!.successes.map(d => d.id);
    expect(ids(deployments)).toEqual(['c', 'a', 'a2', 'b']);
    expect(ids([...deployments].reverse())).toEqual(['c', 'a', 'a2', 'b']);
    expect(ids([...deployments, { ...deployments[0]!, id: 'half', at: at - 0.5 }])).toEqual(['c', 'half', 'a', 'a2', 'b']);
  });

  it('takes the median of an even count as the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe('which changes a deployment shipped', () => {
  it('a rollback to an older commit ships nothing, the next deployment ships what was left; a listed commit is shipped once', () => {
    const B = 'component:default/b';
    const changes = [chg(B, 'c1', '03-02T01:00'), chg(B, 'c2', '03-02T02:00'), chg(B, 'c3', '03-02T03:00'), chg(B, 'c4', '03-02T04:00'), chg(B, 'c5', '03-02T05:00')];
    const successes = [
      dep('d1', B, '03-03T00:00', 'success', { sha: 'c3' }), // c1, c2, c3: made no later than c3
      dep('d2', B, '03-03T01:00', 'success', { sha: 'c2' }), // a rollback: nothing new
      dep('d3', B, '03-03T02:00', 'success', { commits: ['c5', 'c1'] }), // its list: c5 (c1 was shipped)
      dep('d4', B, '03-03T03:00', 'success'), // by time: c4 (c5 is shipped already)
      dep('d5', B, '03-03T04:00', 'success'), // nothing left
    ];
    expect(shipments(successes, [...changes].reverse()).map(([d, shipped]) => [d.id, shipped.map(c => c.sha)])).toEqual([
      ['d1', ['c1', 'c2', 'c3']],
      ['d2', []],
      ['d3', ['c5']],
      ['d4', ['c4']],
      ['d5', []],
    ]);
  });

  it('ships a commit told twice (two events, one sha, one time) once', () => {
    const B = 'component:default/b';
    const changes = [chg(B, 'c1', '03-02T01:00'), chg(B, 'c1', '03-02T01:00'), chg(B, 'c2', '03-02T02:00')];
    expect(shipments([dep('d1', B, '03-03T00:00', 'success')], changes).map(([d, shipped]) => [d.id, shipped.map(c => c.sha)])).toEqual([['d1', ['c1', 'c2']]]);
  });

  it('gives by time the lead times shipments gives: ties in time, commits told twice at two times, rollbacks, windows and what came after them', () => {
    // Times on a coarse grid so that ties abound; shas from a small set so that commits are told twice and
    // deployments name commits told before, after and not at all.
    let seed = 7;
    const next = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648), seed % n);
    const B = 'component:default/b';
    for (let round = 0; round < 300; round++) {
      const at = () => WINDOW.start - 5 * H + next(40) * H;
      const changes = Array.from({ length: next(30) }, () => chg(B, `c${next(20)}`, '03-01T00:00')).map(c => ({ ...c, at: at() }));
      const successes = Array.from({ length: next(12) }, (_, i) => dep(`d${i}`, B, '03-01T00:00', 'success', next(3) ? { sha: `c${next(25)}` } : {}))
        .map(d => ({ ...d, at: at() }))
        .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
      const window = { start: WINDOW.start + next(10) * H, end: WINDOW.start + 10 * H + next(30) * H };
      const counts = (d: DoraDeployment) => d.at >= window.start && d.at < window.end;
      const before = successes.filter(d => d.at < window.end);
      const expected = shipments(before, changes.filter(c => c.at < window.end)).flatMap(([d, shipped]) => shipped.map(c => d.at - c.at).filter(lead => counts(d) && lead > 0));
      // The columns hold every commit, those told after the window's end too (a sha told on both sides of it as well).
      const commits = DoraFacts.from({ deployments: successes, changes, incidents: [] }, PRODUCTION).of(B)?.commits;
      if (!commits) continue; // neither a success nor a change: nothing to compare

      expect(leadTimesByTime(before, commits, window.end, counts).sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
    }
  });
});

