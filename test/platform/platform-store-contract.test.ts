import { afterEach, describe, expect, it } from 'vitest';
import { adminQuery, postgresFactory } from '../support/stores.js';
import { POSTGRES_URL } from '../support/require-all.js';
import { OPERATOR, isReady, repoCommits, startHarness, type Harness } from './support/platform-harness.js';

/** The platform's use of the store, the same on SQLite and PostgreSQL: reconciled one job at a time. */
const pg = await postgresFactory();
const stores = [
  { name: 'sqlite', skip: undefined as string | undefined, open: () => startHarness() },
  {
    name: 'postgres',
    skip: pg.unavailable,
    open: async () => {
      const schema = `pave_platform_${Date.now()}_${Math.random().toString(36).slice(2, 7)}`;
      await adminQuery(`CREATE SCHEMA ${schema}`);
      const h = await startHarness({ databaseUrl: POSTGRES_URL, databaseSchema: schema });
      const close = h.close.bind(h);
      h.close = async () => (await close(), await adminQuery(`DROP SCHEMA ${schema} CASCADE`));
      return h;
    },
  },
];

for (const store of stores) describe.skipIf(Boolean(store.skip))(`platform store contract: ${store.name}`, { timeout: 90_000 }, () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('publishes revisions, applies, reconciles, records runs and deletes', async () => {
    h = await store.open();
    const platform = h.app.platform;
    expect((await platform.listCapabilities()).map(c => c.name)).toEqual(['environment', 'postgresql', 'redis', 'team-namespace']);
    const redis = structuredClone((await platform.getCapability('redis')).capability);
    redis.spec.version = '1.10.0';
    await platform.publishCapability(redis, OPERATOR);
    redis.spec.version = '1.9.0';
    await platform.publishCapability(redis, OPERATOR);
    expect(await platform.capabilities.versions('redis')).toEqual(['1.10.0', '1.9.0', '1.1.0']);
    expect((await platform.capabilities.resolve('redis', '~1.9'))!.version).toBe('1.9.0');

    const { request } = await platform.applyRequest({ apiVersion: 'caches.pave.dev/v1alpha1', kind: 'Redis', metadata: { name: 'cache', namespace: 'team-a' }, spec: { memory: '1Gi' } }, OPERATOR);
    expect(request.metadata.generation).toBe(1);
    await platform.reconciler.drain();
    const ready = await platform.getRequest('team-a', 'cache');
    expect(isReady(ready)).toBe(true);
    expect(ready.status.capabilityVersion).toBe('1.10.0');
    expect((await platform.applyRequest({ ...request, spec: { memory: '2Gi' } }, OPERATOR)).request.metadata.generation).toBe(2);
    await platform.reconciler.drain();
    expect((await platform.getRequest('team-a', 'cache')).status.observedGeneration).toBe(2);
    const runs = await platform.listRuns('team-a', 'cache');
    expect(runs.map(r => [r.generation, r.phase])).toEqual([[2, 'Succeeded'], [1, 'Succeeded']]);
    expect(runs[0]!.steps[0]!.log).toEqual([expect.stringContaining('maxmemory 1717986918 bytes')]);

    await platform.deleteRequest('team-a', 'cache', OPERATOR);
    await platform.reconciler.drain();
    expect(await platform.listRequests()).toEqual([]);
    expect((await repoCommits(h.repos.dev)).map(c => `${c.trailers['Pave-Action']} ${c.trailers['Pave-Generation']}`).slice(1)).toEqual(['configure 1', 'configure 2', 'delete 2']);
  });
});
