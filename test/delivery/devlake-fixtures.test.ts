import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_ENTITIES } from '../../src/catalog/query/entity-scope.js';
import { get, post, startDeliveryPave, type DeliveryPave } from './support.js';

const DAY = 86_400_000;

/**
 * Pave against the worked examples of Apache DevLake's end-to-end fixtures: lead time per pull request against its
 * change lead time fixture, and which deployment an incident is blamed on against its incident → deployment
 * fixture (`fixtures/devlake-*.json` say where each fact comes from and how it was written as Pave events). DevLake's project `project1` is one component here. The figures DevLake expects are
 * in minutes, rounded up; Pave's are hours to two decimals (36 s), so each is compared to within a minute and a half. Where Pave
 * differs on purpose (docs/delivery-metrics.md, "Compared with Apache DevLake") the test says so.
 */
interface Fixture {
  events: unknown[];
  expected: Array<{ pullRequest: string; codingMinutes: number | null; deployMinutes: number | null; cycleMinutes: number; deployedAt: string | null }>;
}

interface IncidentFixture {
  events: Array<{ id: string; type: string; at: string; environment?: string; status?: string; title?: string }>;
  expected: Array<{ incident: string; deployment: string }>;
}

let pave: DeliveryPave;
let fixture: Fixture;
let incidents: IncidentFixture;
let report: { summary: Record<string, number | null>; items: Array<{ key: string; state: string; openedAt?: string; firstCommitAt?: string; deployedAt?: string; hours: { toMerge: number | null; toDeploy: number | null; leadTime: number | null } }> };

beforeAll(async () => {
  fixture = JSON.parse(await readFile(new URL('./fixtures/devlake-change-lead-time.json', import.meta.url), 'utf8')) as Fixture;
  incidents = JSON.parse(await readFile(new URL('./fixtures/devlake-incidents.json', import.meta.url), 'utf8')) as IncidentFixture;
  // DevLake's project1 once per fixture: each fixture's history is its own.
  const project = (name: string) => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name }, spec: { type: 'service', lifecycle: 'production', owner: 'devlake' } });
  pave = await startDeliveryPave({ entities: [project('project1'), project('project1-incidents')] });
  for (const events of [fixture.events, incidents.events]) {
    const sent = await post(`${pave.url}/api/delivery/events`, { events });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  }
  const answer = await get(`${pave.url}/api/delivery/components/${encodeURIComponent('component:default/project1')}/pull-requests?window=480d&end=2023-05-01T00:00:00Z`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  report = answer.body;
});
afterAll(async () => pave?.close());

const minutes = (hours: number | null | undefined) => (hours === null || hours === undefined ? null : hours * 60);
const near = (pave: number | null, devlake: number) => expect(Math.abs(pave! - devlake), `${pave} against ${devlake}`).toBeLessThanOrEqual(1.5);

describe("Apache DevLake's change lead time fixture", () => {
  it('gives the same cycle time per pull request: first commit (or opening, when later commits came first) → deployed, else → merged', () => {
    // pr0 differs on purpose (below).
    for (const expected of fixture.expected.filter(e => e.pullRequest !== 'pr0')) {
      const pr = report.items.find(i => i.key === expected.pullRequest)!;
      expect(pr.state, expected.pullRequest).toBe('merged');
      // DevLake's cycle time ends at the deployment when there is one after the merge, else at the merge.
      near(minutes(pr.hours.leadTime ?? pr.hours.toMerge), expected.cycleMinutes);
    }
  });

  it('gives the same merge → production time, and finds the same deployment, for the pull requests DevLake counts as deployed', () => {
    for (const expected of fixture.expected.filter(e => e.deployMinutes !== null)) {
      const pr = report.items.find(i => i.key === expected.pullRequest)!;
      near(minutes(pr.hours.toDeploy), expected.deployMinutes!);
      expect(pr.deployedAt).toBe(new Date(expected.deployedAt!).toISOString());
    }
  });

  it('gives the same coding time (first commit → opened) where the first commit came before the opening', () => {
    for (const expected of fixture.expected.filter(e => e.codingMinutes !== null)) {
      const pr = report.items.find(i => i.key === expected.pullRequest)!;
      near((Date.parse(pr.openedAt!) - Date.parse(pr.firstCommitAt!)) / 60_000, expected.codingMinutes!);
    }
    // pr2's first commit came a day after its opening: no coding time in DevLake, and its cycle starts at the opening.
    const pr2 = report.items.find(i => i.key === 'pr2')!;
    expect(pr2.firstCommitAt! > pr2.openedAt!).toBe(true);
  });

  it('leaves undeployed what DevLake leaves undeployed: shipped only to staging (pr4), by a failed deployment (pr5), or before it merged (pr3)', () => {
    for (const key of ['pr3', 'pr4', 'pr5']) expect(report.items.find(i => i.key === key)!.deployedAt, key).toBeUndefined();
  });

  it('differs on purpose: the first deployment ships what its sender says it shipped (pr0), and a pull request not merged is listed as open (pr6)', () => {
    // DevLake links a pull request to a deployment only through a diff from a previous successful deployment, so
    // deployment 1 (the scope's first) ships nothing there; Pave takes the commits the deployment names.
    const pr0 = report.items.find(i => i.key === 'pr0')!;
    expect(pr0.deployedAt).toBe('2023-04-10T06:52:47.000Z');
    const devlake = fixture.expected.find(e => e.pullRequest === 'pr0')!;
    expect(devlake.deployedAt).toBeNull();
    // Up to its merge, the two agree: DevLake's cycle time of an undeployed pull request ends there.
    near(minutes(pr0.hours.toMerge), devlake.cycleMinutes);
    expect(report.items.find(i => i.key === 'pr6')!.state).toBe('open');
    expect(report.summary).toMatchObject({ merged: 6, deployed: 3, open: 1 });
  });
});

describe("Apache DevLake's incident → deployment fixture", () => {
  it('blames each incident on the same deployment: the latest successful production deployment finished before it opened', async () => {
    // Figures are as of a window's end: with the end after every incident, a window starting just before a
    // production deployment counts the failures (failed deployments and incidents blamed) of it and those after
    // it, so the difference from the next window's is what was blamed on that deployment.
    const end = '2022-12-01T00:00:00Z';
    const failuresFrom = async (at: string) => (await pave.app.delivery.dora({ entity: 'component:default/project1-incidents', windowDays: (Date.parse(end) - Date.parse(at) + 1000) / DAY, end, scope: ALL_ENTITIES })).metrics.recoveryTime.failures;
    const production = incidents.events.filter(e => e.type === 'deployment' && e.environment === 'production');
    const blamed = new Map<string, number>();
    for (const [i, deployment] of production.entries()) {
      const next = production[i + 1];
      const incidentsBlamed = (await failuresFrom(deployment.at)) - (next ? await failuresFrom(next.at) : 0) - (deployment.status === 'failure' ? 1 : 0);
      if (incidentsBlamed) blamed.set(/of (\S+)$/.exec(deployment.title!)![1]!, incidentsBlamed);
    }
    const expected = new Map<string, number>();
    for (const link of incidents.expected) expected.set(link.deployment, (expected.get(link.deployment) ?? 0) + 1);
    expect(blamed).toEqual(expected);
  });

  it('keeps the incident of a repository mapped to no project out of the figures (DevLake links it to nothing), listed as unmapped', async () => {
    const dora = (await get(`${pave.url}/api/delivery/dora?entity=component:default/project1-incidents&window=120d&end=2022-12-01T00:00:00Z`)).body;
    expect(dora.metrics.unattributedIncidents).toBe(0);
    expect(dora.metrics.changeFailureRate).toMatchObject({ deployments: 11, failed: 3 });
    expect((await get(`${pave.url}/api/delivery/unmapped`)).body.items).toEqual([expect.objectContaining({ key: 'devlake/scope', value: 'repo3', events: 1 })]);
  });
});
