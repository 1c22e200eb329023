/**
 * Expiry with a controllable clock: a capability's ttl (default and maximum), a request's own ttl, the
 * warning a configurable time before, deletion through the delete workflow once the time is up (files pruned
 * in a commit), and extension by the owners within the maximum.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestExpiry } from '../../src/platform/request-expiry.js';
import type { Clock } from '../../src/core/clock.js';
import { isPaveError } from '../../src/core/problem.js';
import { OPERATOR, isReady, repoFiles, startHarness, waitForGone, waitForRequest, type Harness } from './support/platform-harness.js';

const preview = {
  apiVersion: 'pave.dev/v1alpha1',
  kind: 'Capability',
  metadata: { name: 'preview' },
  spec: {
    version: '1.0.0',
    api: { group: 'previews.pave.dev', version: 'v1', kind: 'Preview', schema: { type: 'object', properties: { branch: { type: 'string' } } } },
    workflows: { configure: [{ name: 'manifest', type: 'template', files: [{ path: 'preview.yaml', content: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${{ metadata.name }}\ndata:\n  branch: ${{ spec.branch }}\n' }] }] },
    placement: { selector: { env: 'dev' } },
    ttl: { default: '2h', maximum: '1d' },
  },
};
const request = (name: string, ttl?: string) => ({
  apiVersion: 'previews.pave.dev/v1',
  kind: 'Preview',
  metadata: { name, namespace: 'checkout-team', ...(ttl ? { annotations: { 'pave.dev/ttl': ttl } } : {}) },
  spec: { branch: name },
});
const HOUR = 3_600_000;

describe('expiry of requests', { timeout: 60_000 }, () => {
  let h: Harness;
  let now = new Date();
  const clock: Clock = { now: () => now };
  let expiry: RequestExpiry;
  const problemOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => (isPaveError(error) ? error.problem : Promise.reject(error)));

  beforeAll(async () => {
    h = await startHarness({ publish: true, platform: { expiryWarningSeconds: 1800 } });
    await h.app.platform.publishCapability(preview, OPERATOR);
    await h.app.workers.start(['platform.reconciler']);
    // The same sweep as the platform.expiry worker, on a clock the test moves.
    expiry = new RequestExpiry({ store: h.app.store, requests: h.app.platform.requests, eventLog: h.app.eventLog, deleteRequest: (...args) => h.app.platform.deleteRequest(...args), warningSeconds: 1800, intervalSeconds: 60, clock });
  });
  afterAll(async () => h?.close());

  it('expires at the capability default, warns before, and deletes through the delete workflow', async () => {
    const { request: created } = await h.app.platform.applyRequest(request('pr-1'), OPERATOR);
    const createdAt = new Date(created.metadata.creationTimestamp);
    expect(new Date(created.status.expiresAt!).getTime() - createdAt.getTime()).toBe(2 * HOUR);
    await waitForRequest(h.app, 'checkout-team', 'pr-1', isReady);
    expect([...(await repoFiles(h.repos.dev, 'clusters/dev/checkout-team/preview/pr-1')).keys()]).toEqual(['clusters/dev/checkout-team/preview/pr-1/preview.yaml']);

    now = new Date(createdAt.getTime() + HOUR);
    expect(await expiry.sweep()).toEqual({ warned: 0, expired: 0 });
    now = new Date(createdAt.getTime() + 1.6 * HOUR);
    expect(await expiry.sweep()).toEqual({ warned: 1, expired: 0 });
    expect(await expiry.sweep()).toEqual({ warned: 0, expired: 0 });
    const warnings = await h.app.store.db.selectFrom('events').select(['payload']).where('type', '=', 'platform.request.expiring').execute();
    expect(warnings.map(w => JSON.parse(w.payload as string))).toEqual([expect.objectContaining({ name: 'pr-1', expiresAt: created.status.expiresAt })]);

    now = new Date(createdAt.getTime() + 2 * HOUR + 1);
    expect(await expiry.sweep()).toEqual({ warned: 0, expired: 1 });
    await waitForGone(h.app, 'checkout-team', 'pr-1');
    expect((await repoFiles(h.repos.dev, 'clusters/dev/checkout-team/preview/pr-1')).size).toBe(0);
    const audit = await h.app.store.db.selectFrom('audit_log').select(['actor', 'action']).where('entity_ref', '=', 'resource:checkout-team/pr-1').orderBy('at').execute();
    expect(audit).toEqual([
      { actor: OPERATOR.actor, action: 'platform.request.create' },
      { actor: 'pave:expiry', action: 'platform.request.delete' },
    ]);
    const deleting = await h.app.store.db.selectFrom('events').select(['payload']).where('subject', '=', 'resource:checkout-team/pr-1').where('type', '=', 'platform.request.phase-changed').execute();
    expect(deleting.map(e => JSON.parse(e.payload as string))).toContainEqual(expect.objectContaining({ phase: 'Deleting', reason: 'Expired' }));
  });

  it('takes a request’s own ttl within the maximum, and extends it only within the maximum', async () => {
    const beyond = await problemOf(h.app.platform.applyRequest(request('pr-2', '2d'), OPERATOR));
    expect(beyond?.errors).toEqual([expect.objectContaining({ pointer: '/metadata/annotations/pave.dev~1ttl', rule: 'ttl-maximum' })]);
    expect(await h.app.platform.requests.byName('checkout-team', 'pr-2')).toBeUndefined();
    expect((await problemOf(h.app.platform.applyRequest(request('pr-2', 'soon'), OPERATOR)))?.errors).toEqual([expect.objectContaining({ rule: 'duration' })]);

    const { request: created } = await h.app.platform.applyRequest(request('pr-2', '30m'), OPERATOR);
    const createdAt = new Date(created.metadata.creationTimestamp).getTime();
    expect(new Date(created.status.expiresAt!).getTime() - createdAt).toBe(HOUR / 2);
    // Warned at once (within the warning time); extending moves the expiry and warns again later.
    now = new Date(createdAt);
    expect(await expiry.sweep()).toEqual({ warned: 1, expired: 0 });
    const extended = await h.app.platform.extendRequest('checkout-team', 'pr-2', '20h', OPERATOR);
    expect(new Date(extended.status.expiresAt!).getTime()).toBeGreaterThanOrEqual(createdAt + 20 * HOUR);
    expect(await expiry.sweep()).toEqual({ warned: 0, expired: 0 });
    const tooLong = await problemOf(h.app.platform.extendRequest('checkout-team', 'pr-2', '25h', OPERATOR));
    expect(tooLong?.errors).toEqual([expect.objectContaining({ pointer: '/ttl', rule: 'ttl-maximum' })]);
    expect((await h.app.platform.getRequest('checkout-team', 'pr-2')).status.expiresAt).toBe(extended.status.expiresAt);
    const audit = await h.app.store.db.selectFrom('audit_log').select(['action']).where('entity_ref', '=', 'resource:checkout-team/pr-2').where('action', '=', 'platform.request.extend').execute();
    expect(audit).toHaveLength(1);
  });
});
