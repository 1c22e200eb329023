import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { defaultConfig } from '../../src/pave-config.js';
import { defaultDeliveryConfig } from '../../src/delivery/delivery-config.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { FAST_PLATFORM, waitForRequest, isReady } from '../platform/support/platform-harness.js';
import { SECRETS, get, hmac, post } from './support.js';
import { DemoArgoCd } from '../../src/delivery/demo-argocd.js';

const orders = {
  apiVersion: 'databases.pave.dev/v1alpha1',
  kind: 'PostgreSQL',
  metadata: { name: 'orders-db', namespace: 'checkout-team' },
  spec: { instances: 2, storage: '10Gi', database: 'orders' },
};
const FOLDER = 'clusters/dev/checkout-team/postgresql/orders-db';
const HOUR = 3_600_000;

/**
 * GitOps health read back onto platform requests: the demo's `dev` destination (a local bare repository) holds
 * a request's files; Argo CD and Flux report on the folder they sync, over their real webhooks, and the request
 * shows Synced and Healthy, is flagged once unhealthy for longer than platform.unhealthyAfterSeconds, and Pave's
 * commit becomes a deployment of the request's Resource and of the team's component depending on it.
 */
describe('GitOps health read back onto platform requests', { timeout: 120_000 }, () => {
  let pave: RunningPave;
  let repoUrl: string;
  let commit: string;
  const hook = (provider: string) => `${pave.url}/api/delivery/webhooks/${provider}`;
  const argocd = (body: Record<string, unknown>) => post(hook('argocd'), body, { authorization: `Bearer ${SECRETS.argocd}` });
  const request = async () => (await get(`${pave.url}/api/platform/requests/checkout-team/orders-db`)).body;
  const condition = (view: any, type: string) => view.status.conditions.find((c: any) => c.type === type);
  const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

  beforeAll(async () => {
    pave = await startPave({
      demo: true,
      config: {
        platform: { ...defaultConfig().platform, ...FAST_PLATFORM, unhealthyAfterSeconds: 600 },
        delivery: { ...defaultDeliveryConfig(), webhooks: { ...SECRETS } },
      },
    });
    await pave.app.catalog.saveEntity({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'orders-api' },
      spec: { type: 'service', lifecycle: 'production', owner: 'group:default/checkout-team', dependsOn: ['resource:checkout-team/orders-db'] },
    });
    await pave.app.workers.start(['store.event-consumers', 'platform.reconciler']);
    repoUrl = `file://${join(pave.dataDir, 'destinations', 'dev.git')}`;
    expect((await post(`${pave.url}/api/platform/requests`, orders)).status).toBe(201);
    const ready = await waitForRequest(pave.app, 'checkout-team', 'orders-db', isReady);
    expect(ready.status.deliveries).toEqual([{ destination: 'dev', path: FOLDER, commit: expect.stringMatching(/^[0-9a-f]{40}$/) }]);
    commit = ready.status.deliveries[0]!.commit!;
    // The request's Resource is in the catalog (the mirror follows the event log): its deployments are attributed.
    for (let i = 0; i < 400 && !(await pave.app.catalog.entities.byRef('resource:checkout-team/orders-db')); i++) await new Promise(resolve => setTimeout(resolve, 25));
  });
  afterAll(async () => pave?.close());

  it('Argo CD: Synced and Healthy on the request with the revision; Pave\'s commit is a deployment of the Resource and the dependent component, once', async () => {
    expect(condition(await request(), 'Synced')).toBeUndefined();
    const report = {
      app: 'dev-cluster',
      revision: commit,
      phase: 'Succeeded',
      finishedAt: ago(3 * HOUR),
      reportedAt: ago(3 * HOUR),
      message: 'successfully synced (all tasks run)',
      syncStatus: 'Synced',
      healthStatus: 'Healthy',
      repoURL: repoUrl,
      path: 'clusters/dev',
    };
    const answer = await argocd(report);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ requests: 1 });
    const view = await request();
    expect(condition(view, 'Synced')).toMatchObject({ status: 'True', reason: 'Synced', revision: commit, message: expect.stringContaining('Argo CD application dev-cluster is Synced at ' + commit.slice(0, 12)) });
    expect(condition(view, 'Healthy')).toMatchObject({ status: 'True', reason: 'Healthy', revision: commit });
    expect(view.status.conditions.map((c: any) => c.type)).toEqual(['Accepted', 'DependenciesReady', 'Configured', 'Written', 'Ready', 'Synced', 'Healthy']);
    expect(view.status.unhealthy).toBeUndefined();

    for (const entity of ['resource:checkout-team/orders-db', 'component:default/orders-api']) {
      const deployments = (await get(`${pave.url}/api/delivery/deployments?entity=${encodeURIComponent(entity)}`)).body.items;
      expect(deployments, entity).toEqual([expect.objectContaining({ source: 'pave', environment: 'dev', status: 'success', sha: commit, commits: [commit] })]);
    }
    // Reported again: nothing new is stored.
    expect((await argocd(report)).body).toMatchObject({ stored: 0, requests: 1 });
    const rows = await pave.app.store.db.selectFrom('delivery_events').select(['type', 'entity_ref']).where('source', '=', 'pave').orderBy('entity_ref').orderBy('type').execute();
    expect(rows).toEqual([
      { type: 'change', entity_ref: 'component:default/orders-api' },
      { type: 'deployment', entity_ref: 'component:default/orders-api' },
      { type: 'change', entity_ref: 'resource:checkout-team/orders-db' },
      { type: 'deployment', entity_ref: 'resource:checkout-team/orders-db' },
    ]);
  });

  it('Argo CD health degraded: Healthy False, flagged once unhealthy beyond the configured time; a late older report changes nothing; Healthy again clears it', async () => {
    const degraded = { app: 'dev-cluster', revision: commit, syncStatus: 'Synced', healthStatus: 'Degraded', repoURL: repoUrl, path: 'clusters/dev/', reportedAt: ago(HOUR), message: 'Deployment orders-db has timed out progressing' };
    expect((await argocd(degraded)).body).toMatchObject({ received: 0, requests: 1 });
    let view = await request();
    expect(condition(view, 'Healthy')).toMatchObject({ status: 'False', reason: 'Degraded', message: expect.stringContaining('timed out progressing') });
    expect(condition(view, 'Synced')).toMatchObject({ status: 'True' });
    // Unhealthy for an hour, more than the 600 s allowed.
    expect(view.status).toMatchObject({ unhealthy: true, unhealthySince: new Date(Date.parse(degraded.reportedAt)).toISOString() });

    // A report made before the degraded one, arriving late, does not undo it.
    await argocd({ ...degraded, healthStatus: 'Healthy', reportedAt: ago(2 * HOUR) });
    expect(condition(await request(), 'Healthy')).toMatchObject({ status: 'False' });

    // Degraded only just now: not flagged yet.
    await argocd({ ...degraded, healthStatus: 'Healthy', reportedAt: ago(HOUR - 60_000) });
    await argocd({ ...degraded, healthStatus: 'Progressing', reportedAt: ago(1000) });
    view = await request();
    expect(condition(view, 'Healthy')).toMatchObject({ status: 'Unknown', reason: 'Progressing' });
    expect(view.status.unhealthy).toBeUndefined();

    await argocd({ ...degraded, healthStatus: 'Healthy', reportedAt: new Date().toISOString() });
    view = await request();
    expect(condition(view, 'Healthy')).toMatchObject({ status: 'True' });
    expect(view.status.unhealthy).toBeUndefined();
    const events = await pave.app.eventLog.read({ after: 0, types: ['platform.request.gitops-changed'], limit: 100 });
    expect(events.map(e => `${e.payload.sync}/${e.payload.health}`)).toEqual(['Synced/Healthy', 'Synced/Degraded', 'Synced/Healthy', 'Synced/Progressing', 'Synced/Healthy']);
    expect(events.every(e => e.subject === 'resource:checkout-team/orders-db' && e.actor === 'webhook:argocd')).toBe(true);
  });

  it('Flux: a Kustomization naming the destination and its folder (Alert eventMetadata) is read back; HealthCheckFailed is Synced but Degraded', async () => {
    const event = (reason: string, severity: string, timestamp: string) =>
      JSON.stringify({
        involvedObject: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps-dev', uid: 'u-1', apiVersion: 'kustomize.toolkit.fluxcd.io/v1', resourceVersion: '1' },
        severity,
        timestamp,
        message: `${reason}: orders-db`,
        reason,
        metadata: { revision: `main@sha1:${commit}`, path: './clusters/dev/checkout-team', destination: 'dev' },
        reportingController: 'kustomize-controller',
        reportingInstance: 'kustomize-controller-7f5d7b8c4d-abcde',
      });
    const send = (body: string) => post(hook('flux'), body, { 'x-signature': `sha256=${hmac(SECRETS.flux, body)}` });
    expect((await send(event('HealthCheckFailed', 'error', new Date().toISOString()))).body).toMatchObject({ requests: 1 });
    const view = await request();
    expect(condition(view, 'Synced')).toMatchObject({ status: 'True', message: expect.stringContaining('Flux Kustomization apps-dev is Synced') });
    expect(condition(view, 'Healthy')).toMatchObject({ status: 'False', reason: 'Degraded', revision: commit });
  });

  it('covers only requests under the folder synced, and a report with a wrong token changes nothing', async () => {
    const before = await request();
    expect((await argocd({ app: 'prod-cluster', syncStatus: 'OutOfSync', healthStatus: 'Missing', repoURL: repoUrl, path: 'clusters/prod' })).body).toMatchObject({ requests: 0 });
    const forged = await post(hook('argocd'), { app: 'dev-cluster', syncStatus: 'OutOfSync', healthStatus: 'Missing', repoURL: repoUrl, path: 'clusters/dev' }, { authorization: 'Bearer wrong-token-0123456789' });
    expect(forged.status).toBe(401);
    expect((await request()).status.conditions).toEqual(before.status.conditions);
  });

  it("the demo's stand-in Argo CD reports Pave's commits to the demo destinations Synced and Healthy", async () => {
    pave.app.eventConsumers.register(new DemoArgoCd(pave.app.platform, pave.app.delivery));
    expect((await post(`${pave.url}/api/platform/requests`, { ...orders, metadata: { name: 'billing-db', namespace: 'checkout-team' } })).status).toBe(201);
    const ready = await waitForRequest(pave.app, 'checkout-team', 'billing-db', isReady);
    await pave.app.eventConsumers.drain();
    const view = (await get(`${pave.url}/api/platform/requests/checkout-team/billing-db`)).body;
    expect(condition(view, 'Synced')).toMatchObject({ status: 'True', revision: ready.status.deliveries[0]!.commit, message: expect.stringContaining('Argo CD application demo-dev is Synced') });
    expect(condition(view, 'Healthy')).toMatchObject({ status: 'True' });
    const deployments = (await get(`${pave.url}/api/delivery/deployments?entity=${encodeURIComponent('resource:checkout-team/billing-db')}`)).body.items;
    expect(deployments).toEqual([expect.objectContaining({ source: 'pave', environment: 'dev', sha: ready.status.deliveries[0]!.commit })]);
  });

  it('adoption: platform requests from apply to Ready, and the teams onboarded each week', async () => {
    const { body } = await get(`${pave.url}/api/delivery/adoption?window=14d`);
    // orders-db and billing-db were applied and became Ready within this suite's minutes.
    expect(body.platformRequests).toMatchObject({ applied: 2, ready: 2 });
    expect(body.platformRequests.medianHoursToReady).toBeGreaterThanOrEqual(0);
    expect(body.platformRequests.medianHoursToReady).toBeLessThan(0.5);
    expect(body.teamsOnboardedByWeek.map((w: { week: string }) => new Date(w.week + 'T00:00:00Z').getUTCDay())).toEqual(body.teamsOnboardedByWeek.map(() => 1));
    const last = body.teamsOnboardedByWeek.at(-1);
    // The demo organisation's teams came on board this week (their components appeared), checkout-team among them.
    expect(last.total).toBeGreaterThan(1);
    expect(last.total).toBe(body.teamsOnboardedByWeek.reduce((sum: number, w: { onboarded: number }) => sum + w.onboarded, 0));
  });
});
