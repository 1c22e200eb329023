/**
 * Platform writers that decide from a row, at once on PostgreSQL (two replicas, or two requests of one): the row
 * they decide from must be read under its lock in the transaction that writes it, or both pass the check and the
 * second writes over the first. Each test holds the rows' locks (or an uncommitted insert) in another transaction,
 * queues both writers behind it (seen in pg_stat_activity, no sleeps) and lets them go.
 */
import { describe, expect, it } from 'vitest';
import { postgresFactory } from '../support/stores.js';
import { holdRows, waitersBehind, type HeldRows } from '../support/held-rows.js';
import type { Harness } from './support/platform-harness.js';
import { harnessPerTest } from './support/harness-per-test.js';
import type { Db } from '../../src/store/store.js';

const pg = await postgresFactory();

const ALICE = { actor: 'user:default/alice' };
const BEN = { actor: 'user:default/ben' };

/** A capability whose production requests wait for the platform team, and whose bindings wait for its owner. */
const queue = {
  apiVersion: 'pave.dev/v1alpha1',
  kind: 'Capability',
  metadata: { name: 'queue' },
  spec: {
    version: '1.0.0',
    owner: 'platform-team',
    api: { group: 'turns.pave.dev', version: 'v1', kind: 'Queue', schema: { type: 'object', properties: { environment: { type: 'string' } } } },
    workflows: { configure: [{ name: 'manifest', type: 'template', files: [{ path: 'queue.yaml', content: 'name: ${{ metadata.name }}\n' }] }] },
    offer: { to: 'all', binding: 'approval' },
    approval: { group: 'platform-team', when: [{ pointer: '/spec/environment', equals: 'prod' }] },
  },
};
const binding = (version?: string) => ({ apiVersion: 'pave.dev/v1alpha1', kind: 'CapabilityBinding', metadata: { namespace: 'checkout-team' }, spec: { capability: 'queue', ...(version ? { version } : {}) } });

describe.skipIf(Boolean(pg.unavailable))('platform decisions taken at once: postgres', { timeout: 60_000 }, () => {
  const start = harnessPerTest('pave_turns');
  let h: Harness | undefined;

  async function open(): Promise<Harness> {
    h = await start();
    await h.app.platform.publishCapability(queue, ALICE);
    return h;
  }

  /** Starts each writer in turn once the one before waits behind `held`, then lets them all go. */
  async function queueBehind<T>(held: HeldRows, db: Db, writers: Array<() => Promise<T>>): Promise<Array<PromiseSettledResult<T>>> {
    const started: Array<Promise<T>> = [];
    let outcomes: Promise<Array<PromiseSettledResult<T>>>;
    try {
      for (const writer of writers) {
        started.push(writer());
        await expect.poll(() => waitersBehind(db, held.pid)).toBe(started.length);
      }
      // Watched before they go on, so that a refused writer is never an unhandled rejection.
      outcomes = Promise.allSettled(started);
    } finally {
      held.release();
      await held.done;
    }
    return outcomes;
  }

  /** The platform once checkout-team's binding of the queue capability is approved. */
  async function bound(app: Harness['app']): Promise<Harness['app']['platform']> {
    await app.platform.bindings.apply(binding(), BEN);
    await app.platform.bindings.decide('checkout-team', 'queue', { decision: 'approve', reason: 'fine' }, ALICE);
    return app.platform;
  }
  const orders = (environment: string) => ({ apiVersion: 'turns.pave.dev/v1', kind: 'Queue', metadata: { name: 'orders', namespace: 'checkout-team' }, spec: { environment } });
  const holdRequest = (h: Harness) => holdRows(h.app.store, trx => trx.selectFrom('platform_requests').select('id').where('name', '=', 'orders').forUpdate().execute());

  const holdBinding = (db: Harness) => holdRows(db.app.store, trx => trx.selectFrom('platform_bindings').select('id').where('capability', '=', 'queue').forUpdate().execute());

  it('records one decision when two approvers decide on a request at once, and refuses the other', async () => {
    const { app } = await open();
    const platform = await bound(app);
    const { request } = await platform.applyRequest(orders('prod'), BEN);
    expect(request.status.approval?.state).toBe('Pending');

    const held = await holdRequest(h!);
    const outcomes = await queueBehind(held, app.store.db, [
      () => platform.decideRequest('checkout-team', 'orders', { decision: 'approve', reason: 'capacity reviewed' }, ALICE),
      () => platform.decideRequest('checkout-team', 'orders', { decision: 'reject', reason: 'too big' }, { actor: 'user:default/carol' }),
    ]);

    expect(outcomes.map(outcome => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find(outcome => outcome.status === 'rejected')).toMatchObject({ reason: { status: 409 } });
    const decided = outcomes.find(outcome => outcome.status === 'fulfilled') as PromiseFulfilledResult<Awaited<ReturnType<typeof platform.decideRequest>>>;
    // What the winner was told is what is stored, and only its decision is audited.
    expect((await platform.getRequest('checkout-team', 'orders')).status.approval).toEqual(decided.value.status.approval);
    const audit = await app.store.db.selectFrom('audit_log').select('actor').where('action', '=', 'platform.approval.decide').execute();
    expect(audit).toEqual([{ actor: decided.value.status.approval!.decision!.by }]);
  });

  it('asks for approval of the generation two applies at once store, and renders nothing unapproved', async () => {
    const { app } = await open();
    const platform = await bound(app);
    await platform.applyRequest(orders('dev'), BEN);
    const held = await holdRequest(h!);
    // Both were checked against generation 1, and both need an approval (production).
    const outcomes = await queueBehind(held, app.store.db, [() => platform.applyRequest(orders('prod'), BEN), () => platform.applyRequest({ ...orders('prod'), metadata: { ...orders('prod').metadata, labels: { tier: 'gold' } } }, BEN)]);

    expect(outcomes.map(outcome => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
    const stored = await platform.getRequest('checkout-team', 'orders');
    expect(stored.metadata.generation).toBe(3);
    // The newest generation waits for its approval: one asked for an older generation would let it render unapproved.
    expect(stored.status.approval).toMatchObject({ generation: 3, state: 'Pending' });
    expect(stored.status.phase).toBe('PendingApproval');
  });

  it('refuses an apply checked before a deletion that landed first, rather than updating a request being deleted', async () => {
    const { app } = await open();
    const platform = await bound(app);
    await platform.applyRequest(orders('dev'), BEN);
    const held = await holdRequest(h!);
    const outcomes = await queueBehind<unknown>(held, app.store.db, [() => platform.deleteRequest('checkout-team', 'orders', BEN), () => platform.applyRequest(orders('staging'), BEN)]);

    expect(outcomes[0]!.status).toBe('fulfilled');
    expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: { status: 409 } });
    expect((await platform.getRequest('checkout-team', 'orders')).metadata.generation).toBe(1);
  });

  it('refuses to extend a request a deletion marked after the extension checked it, and audits no extension', async () => {
    const { app } = await open();
    const platform = await bound(app);
    await platform.applyRequest(orders('dev'), BEN);
    const held = await holdRequest(h!);
    const outcomes = await queueBehind<unknown>(held, app.store.db, [() => platform.deleteRequest('checkout-team', 'orders', BEN), () => platform.extendRequest('checkout-team', 'orders', '2d', BEN)]);

    expect(outcomes[0]!.status).toBe('fulfilled');
    expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: { status: 409 } });
    expect(await app.store.db.selectFrom('audit_log').select('actor').where('action', '=', 'platform.request.extend').execute()).toEqual([]);
  });

  it('records one decision when two decide on a binding at once, and refuses the other', async () => {
    const h = await open();
    const bindings = h.app.platform.bindings;
    await bindings.apply(binding(), BEN);
    const held = await holdBinding(h);
    const outcomes = await queueBehind(held, h.app.store.db, [
      () => bindings.decide('checkout-team', 'queue', { decision: 'approve', reason: 'fine' }, ALICE),
      () => bindings.decide('checkout-team', 'queue', { decision: 'reject', reason: 'not yet' }, { actor: 'user:default/carol' }),
    ]);

    expect(outcomes.map(outcome => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find(outcome => outcome.status === 'rejected')).toMatchObject({ reason: { status: 409 } });
    const decided = outcomes.find(outcome => outcome.status === 'fulfilled') as PromiseFulfilledResult<Awaited<ReturnType<typeof bindings.decide>>>;
    expect((await bindings.get('checkout-team', 'queue')).status).toEqual(decided.value.status);
    expect(await h.app.store.db.selectFrom('audit_log').select('actor').where('action', '=', 'platform.binding.approve').execute()).toHaveLength(1);
  });

  it('keeps both an approval of a binding and a new channel applied at once', async () => {
    const h = await open();
    const bindings = h.app.platform.bindings;
    await bindings.apply(binding(), BEN);
    const held = await holdBinding(h);
    const outcomes = await queueBehind<unknown>(held, h.app.store.db, [
      () => bindings.decide('checkout-team', 'queue', { decision: 'approve', reason: 'fine' }, ALICE),
      () => bindings.apply(binding('^1.0'), BEN),
    ]);

    expect(outcomes.map(outcome => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
    // Neither wrote over the other: the approval stands (the channel changed, not who may request) with the new channel.
    const stored = await bindings.get('checkout-team', 'queue');
    expect(stored.status.phase).toBe('Bound');
    expect(stored.spec.version).toBe('^1.0');
  });

  it('removes a binding once when two remove it at once, and audits one removal', async () => {
    const h = await open();
    const bindings = h.app.platform.bindings;
    await bindings.apply(binding(), BEN);
    const held = await holdBinding(h);
    const outcomes = await queueBehind(held, h.app.store.db, [
      () => bindings.remove('checkout-team', 'queue', BEN),
      () => bindings.remove('checkout-team', 'queue', ALICE),
    ]);

    expect(outcomes.map(outcome => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find(outcome => outcome.status === 'rejected')).toMatchObject({ reason: { status: 404 } });
    expect(await h.app.store.db.selectFrom('audit_log').select('actor').where('action', '=', 'platform.binding.delete').execute()).toHaveLength(1);
    expect(await h.app.store.db.selectFrom('events').select('seq').where('type', '=', 'platform.binding.deleted').execute()).toHaveLength(1);
  });

  it('leaves no request of a capability deleted at the moment the request was made', async () => {
    const { app } = await open();
    const platform = await bound(app);
    // Holds the capability's revisions, as a writer between its statements would: the deletion waits behind it.
    const held = await holdRows(app.store, trx => trx.selectFrom('platform_capability_revisions').select('id').where('name', '=', 'queue').forUpdate().execute());
    let outcomes: Promise<[PromiseSettledResult<void>, PromiseSettledResult<unknown>]>;
    let settled = false;
    try {
      const deleted = platform.deleteCapability('queue', ALICE);
      await expect.poll(() => waitersBehind(app.store.db, held.pid)).toBe(1);
      // The deletion found no request of the capability; one is made now, before it removes the capability.
      const applied = platform.applyRequest(orders('dev'), BEN).finally(() => (settled = true));
      await expect.poll(async () => settled || (await waitersBehind(app.store.db, held.pid)) === 2).toBe(true);
      outcomes = Promise.allSettled([deleted, applied]);
    } finally {
      held.release();
      await held.done;
    }
    const [deletion, apply] = await outcomes;
    // Whichever came first, no request is left of a capability that is gone.
    expect([deletion.status, apply.status].sort()).toEqual(['fulfilled', 'rejected']);
    expect(await platform.listRequests()).toEqual(deletion.status === 'fulfilled' ? [] : [expect.objectContaining({ kind: 'Queue' })]);
    expect((apply.status === 'rejected' ? apply : deletion) as PromiseRejectedResult).toMatchObject({ reason: { status: 409 } });
  });

  it('answers a binding made at the same time by another replica with a 409, not a 500', async () => {
    const { app } = await open();
    const bindings = app.platform.bindings;
    const now = new Date().toISOString();
    // Another replica's apply has inserted the team's binding and not committed yet: both applies here wait for it.
    const held = await holdRows(app.store, trx =>
      trx.insertInto('platform_bindings').values({ id: 'other-replica', team: 'group:default/checkout-team', capability: 'queue', phase: 'Bound', namespace: 'checkout-team', body: JSON.stringify({ ...binding('^1'), status: { phase: 'Bound', team: 'group:default/checkout-team' } }), created_at: now, updated_at: now }).execute(),
    );
    const outcomes = await queueBehind(held, app.store.db, [() => bindings.apply(binding(), BEN), () => bindings.apply(binding(), ALICE)]);

    expect(outcomes).toMatchObject([{ status: 'rejected', reason: { status: 409 } }, { status: 'rejected', reason: { status: 409 } }]);
    expect((await bindings.get('checkout-team', 'queue')).spec.version).toBe('^1');
  });
});
