import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, startDeliveryPave, type DeliveryPave } from './support.js';

/**
 * Pave's lead time per pull request against the worked example of Apache DevLake's end-to-end fixture for its
 * change lead time (`fixtures/devlake-change-lead-time.json` says where each fact comes from and how it was
 * written as Pave events). DevLake's project `project1` is one component here. The figures DevLake expects are
 * in minutes, rounded up; Pave's are hours to two decimals (36 s), so each is compared to within a minute and a half. Where Pave
 * differs on purpose (docs/delivery-metrics.md, "Compared with Apache DevLake") the test says so.
 */
interface Fixture {
  events: unknown[];
  expected: Array<{ pullRequest: string; codingMinutes: number | null; deployMinutes: number | null; cycleMinutes: number; deployedAt: string | null }>;
}

let pave: DeliveryPave;
let fixture: Fixture;
let report: { summary: Record<string, number | null>; items: Array<{ key: string; state: string; openedAt?: string; firstCommitAt?: string; deployedAt?: string; hours: { toMerge: number | null; toDeploy: number | null; leadTime: number | null } }> };

beforeAll(async () => {
  fixture = JSON.parse(await readFile(new URL('./fixtures/devlake-change-lead-time.json', import.meta.url), 'utf8')) as Fixture;
  pave = await startDeliveryPave({ entities: [{ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'project1' }, spec: { type: 'service', lifecycle: 'production', owner: 'devlake' } }] });
  const sent = await post(`${pave.url}/api/delivery/events`, { events: fixture.events });
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
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
