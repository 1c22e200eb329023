import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import pg from 'pg';
import { defaultConfig } from '../../src/pave-config.js';
import { defaultDeliveryConfig } from '../../src/delivery/delivery-config.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { adminQuery, postgresFactory } from '../support/stores.js';
import { POSTGRES_URL, requireAll } from '../support/require-all.js';
import { refuseInserts } from '../support/refuse-inserts.js';
import { FAST_PLATFORM, waitForRequest, isReady } from '../platform/support/platform-harness.js';
import { SECRETS, get, post } from './support.js';

const postgres = await postgresFactory();
const orders = {
  apiVersion: 'databases.pave.dev/v1alpha1',
  kind: 'PostgreSQL',
  metadata: { name: 'orders-db', namespace: 'checkout-team' },
  spec: { instances: 2, storage: '10Gi', database: 'orders' },
};
const OTHER_COMMIT = 'f'.repeat(40);

/**
 * What the read-back must never lose or get wrong, on each database: a deployment it records is written in the
 * transaction that records the report (a failure leaves both undone, so the tool's next report records it); a
 * report from the future is refused or held to Pave's clock; a report naming another revision deploys nothing;
 * a commit the reconciler made between the report's two reads of the request is recorded, not only marked;
 * and on PostgreSQL, a report that waited for another replica's write does not overwrite a newer state.
 */
for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && Boolean(postgres.unavailable) && !requireAll)(`GitOps read-back integrity (${database})`, { timeout: 120_000 }, () => {
    const schema = `pave_readback_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
    let pave: RunningPave;
    let repoUrl: string;
    let commit: string;
    const argocd = (body: Record<string, unknown>) => post(`${pave.url}/api/delivery/webhooks/argocd`, body, { authorization: `Bearer ${SECRETS.argocd}` });
    const report = (at: Date, extra: Record<string, unknown> = {}) => ({ app: 'dev-cluster', syncStatus: 'Synced', healthStatus: 'Healthy', repoURL: repoUrl, path: 'clusters/dev', reportedAt: at.toISOString(), ...extra });
    const request = async () => (await get(`${pave.url}/api/platform/requests/checkout-team/orders-db`)).body;
    const condition = (view: any, type: string) => view.status.conditions.find((c: any) => c.type === type);
    const deployments = async () => (await get(`${pave.url}/api/delivery/deployments?entity=${encodeURIComponent('resource:checkout-team/orders-db')}`)).body.items;

    beforeAll(async () => {
      if (database === 'postgres') await adminQuery(`CREATE SCHEMA ${schema}`);
      pave = await startPave({
        demo: true,
        config: {
          ...(database === 'postgres' ? { databaseUrl: POSTGRES_URL, databaseSchema: schema } : {}),
          platform: { ...defaultConfig().platform, ...FAST_PLATFORM },
          delivery: { ...defaultDeliveryConfig(), webhooks: { ...SECRETS } },
        },
      });
      await pave.app.workers.start(['store.event-consumers', 'platform.reconciler']);
      repoUrl = `file://${join(pave.dataDir, 'destinations', 'dev.git')}`;
      expect((await post(`${pave.url}/api/platform/requests`, orders)).status).toBe(201);
      commit = (await waitForRequest(pave.app, 'checkout-team', 'orders-db', isReady)).status.deliveries[0]!.commit!;
    });
    afterAll(async () => {
      await pave?.close();
      if (database === 'postgres') await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    });

    it("a report reads only its repository's destinations and the requests delivered to them", async () => {
      const { destinations, requests } = pave.app.platform;
      expect((await destinations.byRepository(`${repoUrl}/`)).map(d => d.metadata.name)).toEqual(['dev']);
      expect((await requests.deliveredTo(['dev'])).map(r => r.name)).toEqual(['orders-db']);
      expect(await requests.deliveredTo(['prod'])).toEqual([]);
    });

    it('a report Synced at another revision records no deployment, even when made after the run that committed', async () => {
      expect((await argocd(report(new Date(), { revision: OTHER_COMMIT }))).status).toBe(200);
      expect(condition(await request(), 'Synced')).toMatchObject({ status: 'True', revision: OTHER_COMMIT });
      expect(await deployments()).toEqual([]);
    });

    it('a deployment that cannot be stored leaves the report unrecorded too, so the next report records both', async () => {
      const restore = await refuseInserts(pave.app.store, 'delivery_events', 'source', 'pave');
      try {
        expect((await argocd(report(new Date(), { revision: commit }))).status).toBe(500);
      } finally {
        await restore();
      }
      expect(condition(await request(), 'Synced')).toMatchObject({ revision: OTHER_COMMIT });
      expect(await deployments()).toEqual([]);
      expect((await argocd(report(new Date(), { revision: commit }))).status).toBe(200);
      expect(condition(await request(), 'Synced')).toMatchObject({ revision: commit });
      expect(await deployments()).toEqual([expect.objectContaining({ source: 'pave', sha: commit })]);
    });

    it('a report from beyond the allowed clock skew is refused naming its field; one within it counts as made now', async () => {
      const before = await request();
      const future = await argocd(report(new Date(Date.now() + 86_400_000), { healthStatus: 'Degraded' }));
      expect(future.status).toBe(422);
      expect(future.body.errors).toEqual([expect.objectContaining({ pointer: '/reportedAt', rule: 'future' })]);
      expect((await request()).status.conditions).toEqual(before.status.conditions);

      // Two minutes ahead (the default skew allows five): kept as made when received, so reports made after it still count.
      const sent = Date.now();
      expect((await argocd(report(new Date(sent + 120_000), { healthStatus: 'Degraded' }))).status).toBe(200);
      const degraded = condition(await request(), 'Healthy');
      expect(degraded).toMatchObject({ status: 'False', reason: 'Degraded' });
      expect(Date.parse(degraded.lastTransitionTime)).toBeLessThanOrEqual(Date.now());
      expect((await argocd(report(new Date()))).status).toBe(200);
      expect(condition(await request(), 'Healthy')).toMatchObject({ status: 'True', reason: 'Healthy' });
    });

    it('a commit Pave made while a report was being read is recorded as deployed when the report names it', async () => {
      expect((await post(`${pave.url}/api/platform/requests`, { ...orders, spec: { ...orders.spec, instances: 3 } })).status).toBe(200);
      const newer = (await waitForRequest(pave.app, 'checkout-team', 'orders-db', view => isReady(view) && view.status.deliveries[0]!.commit !== commit)).status.deliveries[0]!.commit!;
      await pave.app.workers.stop();
      const { db } = pave.app.store;
      const row = await db.selectFrom('platform_requests').select(['id', 'status']).where('namespace', '=', 'checkout-team').where('name', '=', 'orders-db').executeTakeFirstOrThrow();
      const status = JSON.parse(row.status) as { deliveries: Array<{ commit: string }> };
      // The state before the reconciler's write: its commit already deployed (the earlier report recorded it).
      await db.updateTable('platform_requests').set({ status: JSON.stringify({ ...status, deliveries: status.deliveries.map(d => ({ ...d, commit })) }) }).where('id', '=', row.id).execute();
      // The seam between the read-back's first read of the request and its transaction (it reads the runs in
      // between): the reconciler's write of the new commit lands there, so only the transaction sees it.
      const { runs } = pave.app.platform;
      const list = runs.list;
      let interleaved = false;
      runs.list = async (...args) => {
        runs.list = list;
        interleaved = true;
        await db.updateTable('platform_requests').set({ status: row.status }).where('id', '=', row.id).execute();
        return list.apply(runs, args);
      };
      try {
        expect((await argocd(report(new Date(), { revision: newer }))).status).toBe(200);
      } finally {
        runs.list = list;
      }
      expect(interleaved).toBe(true);
      expect(await deployments()).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'pave', sha: newer })]));
    });

    it.skipIf(database !== 'postgres')('a report that waited for another replica\'s newer state does not overwrite it', async () => {
      const row = await pave.app.store.db.selectFrom('platform_requests').select(['id', 'gitops']).where('namespace', '=', 'checkout-team').where('name', '=', 'orders-db').executeTakeFirstOrThrow();
      const current = JSON.parse(row.gitops!) as { at: string };
      const base = Date.parse(current.at);
      const newer = { ...current, health: 'Degraded', healthSince: new Date(base + 2000).toISOString(), unhealthySince: new Date(base + 2000).toISOString(), at: new Date(base + 2000).toISOString() };
      // Another replica holds the row, writing a state newer than the report about to arrive.
      const replica = new pg.Client({ connectionString: POSTGRES_URL });
      await replica.connect();
      try {
        await replica.query(`SET search_path TO ${schema}`);
        await replica.query('BEGIN');
        await replica.query('UPDATE platform_requests SET gitops = $1 WHERE id = $2', [JSON.stringify(newer), row.id]);
        const { rows } = await replica.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        const answer = argocd(report(new Date(base + 1000), { healthStatus: 'Progressing' }));
        // Wait until the report's transaction waits on the replica's lock, then let the replica commit.
        for (let waiting = 0; waiting === 0; ) {
          const blocked = await replica.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [rows[0]!.pid]);
          waiting = blocked.rows[0].n;
          if (!waiting) await new Promise(resolve => setTimeout(resolve, 20));
        }
        await replica.query('COMMIT');
        expect((await answer).status).toBe(200);
      } finally {
        await replica.end();
      }
      expect(condition(await request(), 'Healthy')).toMatchObject({ status: 'False', reason: 'Degraded' });
    });
  });
}
