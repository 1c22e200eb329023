/**
 * Stopping the reconciler while a platform team's `module` step runs: the step's process is killed at once
 * rather than left to its time limit, the reconcile writes nothing (the request is not Failed, its run is left
 * Running), and its job is handed back ready; a reconciler started later (any replica's) takes the request
 * and completes it, marking the cut run Abandoned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isReady, OPERATOR, startHarness, waitForRequest, type Harness } from './support/platform-harness.js';

describe('stopping the reconciler during a module step', { timeout: 90_000 }, () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('ends the step at once, hands the request back, and a later reconciler completes it', async () => {
    const redis = (await h.app.platform.getCapability('redis')).capability;
    const slow = structuredClone(redis);
    slow.spec.version = '2.0.0';
    // Waits far longer than the test may run: only the stop can end it in time.
    slow.spec.workflows.configure = [{ name: 'provision', type: 'module', timeoutSeconds: 300, source: 'export default () => new Promise(done => setTimeout(() => done({}), 300_000))' }, ...redis.spec.workflows.configure];
    await h.app.platform.publishCapability(slow, OPERATOR);
    h.app.platform.reconciler.start();
    await h.app.platform.applyRequest({ apiVersion: 'caches.pave.dev/v1alpha1', kind: 'Redis', metadata: { name: 'slow-cache', namespace: 'checkout-team' }, spec: {} }, OPERATOR);
    const running = async () => (await h.app.platform.listRuns('checkout-team', 'slow-cache')).find(run => run.phase === 'Running');
    await expect.poll(running, { timeout: 30_000, interval: 50 }).toBeDefined();
    const cut = (await running())!;

    await h.app.platform.reconciler.stop();

    // Nothing of the cut reconcile was written: not Failed, no backoff; its job is ready again, held by nobody.
    const request = await h.app.platform.getRequest('checkout-team', 'slow-cache');
    expect(request.status.phase).not.toBe('Failed');
    expect(request.status.nextRetryAt).toBeUndefined();
    const [run] = await h.app.platform.listRuns('checkout-team', 'slow-cache');
    expect(run).toMatchObject({ id: cut.id, phase: 'Running' });
    const { id } = (await h.app.platform.requests.byName('checkout-team', 'slow-cache'))!;
    const jobs = (await h.app.queue.list('platform.reconcile')).filter(job => job.key === `request:${id}`);
    expect(jobs).toEqual([expect.objectContaining({ state: 'ready', lease_owner: null })]);

    // The platform team fixes the step; the next reconciler takes the request over and completes it.
    const fixed = structuredClone(redis);
    fixed.spec.version = '2.0.1';
    await h.app.platform.publishCapability(fixed, OPERATOR);
    h.app.platform.reconciler.start();
    const ready = await waitForRequest(h.app, 'checkout-team', 'slow-cache', isReady);
    expect(ready.status.capabilityVersion).toBe('2.0.1');
    const runs = await h.app.platform.listRuns('checkout-team', 'slow-cache');
    expect(runs.find(r => r.id === cut.id)?.phase).toBe('Abandoned');
    expect(runs[0]).toMatchObject({ phase: 'Succeeded', capabilityVersion: '2.0.1' });
    await h.app.platform.reconciler.stop();
  });
});
