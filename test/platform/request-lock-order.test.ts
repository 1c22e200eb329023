/**
 * Platform writers at once on PostgreSQL: every writer takes its locks in one order (capability revisions, the
 * team's binding, the request's row, its reconcile job's row, the event counter last), and an apply checks its
 * team's binding in its write. Before: a deletion took the job's row before the request's and deadlocked with an
 * apply at once; an apply read the binding before its transaction only, so a removal of the binding at once left a
 * request without one; an apply of several requests (a Score file) held the event counter while it waited for a
 * capability whose deletion waited for the counter.
 */
import { describe, expect, it } from 'vitest';
import { postgresFactory } from '../support/stores.js';
import { holdRows, waitersBehind } from '../support/held-rows.js';
import type { Harness } from './support/platform-harness.js';
import { harnessPerTest } from './support/harness-per-test.js';

const pg = await postgresFactory();

const ALICE = { actor: 'user:default/alice' };
const BEN = { actor: 'user:default/ben' };

const queue = {
  apiVersion: 'pave.dev/v1alpha1',
  kind: 'Capability',
  metadata: { name: 'queue' },
  spec: {
    version: '1.0.0',
    owner: 'platform-team',
    api: { group: 'turns.pave.dev', version: 'v1', kind: 'Queue', schema: { type: 'object', properties: { environment: { type: 'string' } } } },
    workflows: { configure: [{ name: 'manifest', type: 'template', files: [{ path: 'queue.yaml', content: 'name: ${{ metadata.name }}\n' }] }] },
    offer: { to: 'all', binding: 'self-service' },
  },
};
const binding = { apiVersion: 'pave.dev/v1alpha1', kind: 'CapabilityBinding', metadata: { namespace: 'checkout-team' }, spec: { capability: 'queue' } };
const cache = {
  ...queue,
  metadata: { name: 'cache' },
  spec: { ...queue.spec, api: { ...queue.spec.api, kind: 'Cache' }, offer: undefined },
};
const sessions = { apiVersion: 'turns.pave.dev/v1', kind: 'Cache', metadata: { name: 'sessions', namespace: 'checkout-team' }, spec: { environment: 'dev' } };
/** Why a writer was refused (undefined when it was not). */
const refusal = (outcome: PromiseSettledResult<unknown>): unknown => (outcome.status === 'rejected' ? outcome.reason : undefined);
const orders = (environment: string) => ({ apiVersion: 'turns.pave.dev/v1', kind: 'Queue', metadata: { name: 'orders', namespace: 'checkout-team' }, spec: { environment } });

describe.skipIf(Boolean(pg.unavailable))('platform writers at once: one lock order, and the binding checked in the write: postgres', { timeout: 60_000 }, () => {
  const start = harnessPerTest('pave_lock_order');

  async function open(): Promise<Harness> {
    const h = await start();
    await h.app.platform.publishCapability(queue, ALICE);
    await h.app.platform.bindings.apply(binding, BEN);
    return h;
  }

  it('applies and deletes one request at once (apply first) without a deadlock', async () => {
    const { app } = await open();
    const platform = app.platform;
    await platform.applyRequest(orders('dev'), BEN);
    const held = await holdRows(app.store, trx => trx.selectFrom('platform_requests').select('id').where('name', '=', 'orders').forUpdate().execute());
    let outcomes: Promise<[PromiseSettledResult<unknown>, PromiseSettledResult<unknown>]>;
    try {
      const applied = platform.applyRequest(orders('staging'), BEN);
      await expect.poll(() => waitersBehind(app.store.db, held.pid)).toBe(1);
      // The deletion enqueues the request's reconcile (its job row) and then waits for the request's row.
      const deleted = platform.deleteRequest('checkout-team', 'orders', ALICE);
      await expect.poll(() => waitersBehind(app.store.db, held.pid)).toBe(2);
      outcomes = Promise.allSettled([applied, deleted]);
    } finally {
      held.release();
      await held.done;
    }
    const [apply, deletion] = await outcomes;
    // Either order is a fine outcome; a deadlock (40P01, a raw 500 to the caller) is not.
    expect(String(refusal(deletion))).toBe('undefined');
    if (apply.status === 'rejected') expect(refusal(apply)).toMatchObject({ status: 409 });
  });

  it('leaves no request without its binding when the binding is removed while the request is being made', async () => {
    const { app } = await open();
    const platform = app.platform;
    // Holds the capability's revisions, as a writer between its statements would: the apply has checked the binding
    // (Bound) and waits in its transaction, before it inserts the request.
    const held = await holdRows(app.store, trx => trx.selectFrom('platform_capability_revisions').select('id').where('name', '=', 'queue').forUpdate().execute());
    let outcomes: Promise<[PromiseSettledResult<unknown>, PromiseSettledResult<unknown>]>;
    try {
      const applied = platform.applyRequest(orders('dev'), BEN);
      await expect.poll(() => waitersBehind(app.store.db, held.pid)).toBe(1);
      // The removal looks for the team's requests now: the apply has inserted none yet.
      let settled = false;
      const removed = platform.bindings.remove('checkout-team', 'queue', ALICE).finally(() => (settled = true));
      outcomes = Promise.allSettled([applied, removed]);
      // It goes through at once (it holds no lock the apply holds), or, were it fixed to wait for the apply, queues.
      await expect.poll(async () => settled || (await waitersBehind(app.store.db, held.pid)) === 2).toBe(true);
    } finally {
      held.release();
      await held.done;
    }
    const [apply, removal] = await outcomes;
    const requests = await platform.listRequests();
    const bindings = await platform.bindings.list({ capability: 'queue' });
    // One of the two must lose: a request whose team has no binding of its offered capability is what requireBound forbids.
    expect({ apply: apply.status, removal: removal.status, requests: requests.length, bindings: bindings.length }).not.toEqual({ apply: 'fulfilled', removal: 'fulfilled', requests: 1, bindings: 0 });
    expect(requests.length === 0 || bindings.length === 1).toBe(true);
  });

  it('applies several requests while one of their capabilities is deleted without a deadlock', async () => {
    const { app } = await open();
    const platform = app.platform;
    await platform.publishCapability(JSON.parse(JSON.stringify(cache)), ALICE);
    // Holds the cache capability's revisions: the deletion queues first, then the apply, which by then has appended
    // the first request's events (the event counter's row is its until it commits).
    const held = await holdRows(app.store, trx => trx.selectFrom('platform_capability_revisions').select('id').where('name', '=', 'cache').forUpdate().execute());
    let outcomes: Promise<[PromiseSettledResult<unknown>, PromiseSettledResult<unknown>]>;
    try {
      const deleted = platform.deleteCapability('cache', ALICE);
      await expect.poll(() => waitersBehind(app.store.db, held.pid)).toBe(1);
      const applied = platform.applyRequests([orders('dev'), sessions], BEN);
      await expect.poll(() => waitersBehind(app.store.db, held.pid)).toBe(2);
      outcomes = Promise.allSettled([deleted, applied]);
    } finally {
      held.release();
      await held.done;
    }
    const [deletion, apply] = await outcomes;
    // The deletion went first: it stands and the apply is refused (409 naming /kind). A deadlock is a raw error instead.
    expect(deletion.status).toBe('fulfilled');
    expect(apply).toMatchObject({ status: 'rejected', reason: { status: 409 } });
  });
});
