import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHistory, type DemoComponent } from '../../src/delivery/demo-history.js';
import { loadDeliveryDemo } from '../../src/delivery/demo-loader.js';
import { packageRoot } from '../../src/core/package-root.js';
import { get, startDeliveryPave, type DeliveryPave } from './support.js';

/** The demo organisation's delivery history: deterministic, growing by day, and spread over the bands. */
const COMPONENTS: DemoComponent[] = [
  { name: 'a', owner: 'team-1', slug: 'acme/a' },
  { name: 'b', owner: 'team-2', slug: 'acme/b' },
  { name: 'c', owner: 'team-3', slug: 'acme/c' },
];

describe('demo delivery history', () => {
  it('is the same for the same day, and a later day keeps every earlier event as it was', () => {
    const now = new Date('2026-03-10T12:00:00Z');
    const first = demoHistory(COMPONENTS, now);
    expect(demoHistory(COMPONENTS, now)).toEqual(first);
    expect(first.every(e => Date.parse(e.at) <= now.getTime())).toBe(true);
    const later = new Map(demoHistory(COMPONENTS, new Date('2026-03-11T12:00:00Z'), 91).map(e => [e.id, e]));
    for (const event of first) expect(later.get(event.id)).toEqual(event);
  });

  describe('loaded into the demo organisation', () => {
    let pave: DeliveryPave;
    beforeAll(async () => {
      pave = await startDeliveryPave({ entities: [] });
      await pave.app.catalog.locations.register({ type: 'file', target: join(packageRoot(), 'demo', 'all.yaml') });
    }, 120_000);
    afterAll(async () => pave?.close());

    it('puts the teams in different bands, keeps a repository nobody owns unmapped, gives pull requests lead times, and adds nothing when loaded again', async () => {
      const operator = pave.app.auth.localOperator();
      const { stored } = await loadDeliveryDemo(pave.app.delivery, pave.app.catalog.entities, { operator });
      expect(stored).toBeGreaterThan(1000);
      expect((await loadDeliveryDemo(pave.app.delivery, pave.app.catalog.entities, { operator })).stored).toBe(0);
      const { body } = await get(`${pave.url}/api/delivery/dora?window=90d`);
      const bands = new Set((body.byComponent as Array<{ metrics: { deploymentFrequency: { band: string } } }>).map(c => c.metrics.deploymentFrequency.band));
      // Four manners of delivering; a team's random draw may put one component a band off, never all of them.
      expect(bands.size).toBeGreaterThanOrEqual(3);
      expect(bands.has('elite')).toBe(true);
      expect(body.metrics.changeFailureRate.failed).toBeGreaterThan(0);
      expect(body.metrics.reworkRate.rework).toBeGreaterThan(0);
      const unmapped = await get(`${pave.url}/api/delivery/unmapped`);
      expect(unmapped.body.items.map((u: { value: string }) => u.value)).toEqual(['larkspur/legacy-monolith']);
      // Each component's pull requests: merged, and deployed to production with a lead time no shorter than their way to the merge.
      const busiest = (body.byComponent as Array<{ entityRef: string; metrics: { deploymentFrequency: { deployments: number } } }>).sort((a, b) => b.metrics.deploymentFrequency.deployments - a.metrics.deploymentFrequency.deployments)[0]!;
      const prs = (await get(`${pave.url}/api/delivery/components/${encodeURIComponent(busiest.entityRef)}/pull-requests?window=90d`)).body;
      expect(prs.summary.merged).toBeGreaterThan(0);
      expect(prs.summary.deployed).toBeGreaterThan(0);
      for (const pr of prs.items.filter((i: { deployedAt?: string }) => i.deployedAt)) expect(pr.hours.leadTime).toBeGreaterThanOrEqual(pr.hours.toMerge);
    }, 120_000);
  });
});
