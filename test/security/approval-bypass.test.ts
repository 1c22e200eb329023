/**
 * Attacks on bindings and approvals over real HTTP: a team tries to request an offered capability without a
 * Bound binding (with a version pin of its own), to approve its own request, to slip a changed document under
 * an approved generation, and to bind for another team. Each is refused and nothing is rendered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startAuthPave, tokenFor, type AuthPave } from '../auth/support.js';
import { json } from '../api/support.js';
import type { RequestView } from '../../src/platform/platform-service.js';
import { OPERATOR } from '../platform/support/platform-harness.js';

const capability = {
  apiVersion: 'pave.dev/v1alpha1',
  kind: 'Capability',
  metadata: { name: 'guarded' },
  spec: {
    version: '1.0.0',
    owner: 'platform-team',
    api: { group: 'guarded.pave.dev', version: 'v1', kind: 'Guarded', schema: { type: 'object', properties: { environment: { type: 'string' } } } },
    workflows: { configure: [{ name: 'note', type: 'template', message: 'configured' }] },
    offer: { to: 'all', binding: 'approval' },
    approval: { group: 'platform-team', when: [{ pointer: '/spec/environment', equals: 'prod' }] },
  },
};
const guarded = (name: string, spec: Record<string, unknown>, annotations?: Record<string, string>) => ({
  apiVersion: 'guarded.pave.dev/v1',
  kind: 'Guarded',
  metadata: { name, namespace: 'checkout-team', ...(annotations ? { annotations } : {}) },
  spec,
});

describe('bindings and approvals cannot be bypassed', { timeout: 60_000 }, () => {
  let pave: AuthPave;
  const tokens: Record<string, string> = {};
  const send = (who: string, method: string, path: string, body?: unknown) =>
    fetch(pave.url + path, { method, headers: { ...bearer(tokens[who]!), 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  beforeAll(async () => {
    pave = await startAuthPave({ auth: { adminGroup: 'group:default/admins' } });
    for (const name of ['alice', 'bob']) tokens[name] = await tokenFor(pave.app, `user:default/${name}`);
    await pave.app.platform.publishCapability(capability, OPERATOR);
  });
  afterAll(async () => pave?.close());

  it('refuses an unbound (or not yet approved) capability, pin or no pin, and a binding for another team', async () => {
    for (const annotations of [undefined, { 'pave.dev/capability-version': '1.0.0' }]) {
      expect((await send('bob', 'POST', '/api/platform/requests', guarded('sneaky', {}, annotations))).status).toBe(422);
    }
    expect((await send('bob', 'POST', '/api/platform/bindings', { apiVersion: 'pave.dev/v1alpha1', kind: 'CapabilityBinding', metadata: { namespace: 'platform-team' }, spec: { capability: 'guarded' } })).status).toBe(403);
    await json(await send('bob', 'POST', '/api/platform/bindings', { apiVersion: 'pave.dev/v1alpha1', kind: 'CapabilityBinding', metadata: { namespace: 'checkout-team' }, spec: { capability: 'guarded' } }), 201);
    // The team cannot approve its own binding…
    expect((await send('bob', 'POST', '/api/platform/bindings/checkout-team/guarded/decision', { decision: 'approve', reason: 'trust me' })).status).toBe(403);
    expect((await send('bob', 'POST', '/api/platform/requests', guarded('sneaky', {}))).status).toBe(422);
    expect(await pave.app.platform.requests.byName('checkout-team', 'sneaky')).toBeUndefined();
  });

  it('holds a changed document after an approval, and never lets the requesting team approve', async () => {
    await json(await send('alice', 'POST', '/api/platform/bindings/checkout-team/guarded/decision', { decision: 'approve', reason: 'ok' }));
    await json(await send('bob', 'POST', '/api/platform/requests', guarded('db', { environment: 'dev' })), 201);
    // A dev request needs no approval; switching it to prod afterwards does.
    const switched = await json<{ request: RequestView }>(await send('bob', 'POST', '/api/platform/requests', guarded('db', { environment: 'prod' })));
    expect(switched.request.status.phase).toBe('PendingApproval');
    expect((await send('bob', 'POST', '/api/platform/requests/checkout-team/db/approval', { decision: 'approve', reason: 'mine' })).status).toBe(403);
    await json(await send('alice', 'POST', '/api/platform/requests/checkout-team/db/approval', { decision: 'approve', reason: 'prod ok' }));
    // An approved generation does not carry over to the next change.
    const changed = await json<{ request: RequestView }>(await send('bob', 'POST', '/api/platform/requests', guarded('db', { environment: 'prod', extra: 'x' })));
    expect(changed.request.status).toMatchObject({ phase: 'PendingApproval', approval: { generation: 3, state: 'Pending' } });
    await pave.app.platform.reconciler.drain();
    expect((await pave.app.platform.getRequest('checkout-team', 'db')).status.observedGeneration).toBeLessThan(3);
  });
});
