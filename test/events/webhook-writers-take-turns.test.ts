/**
 * Two changes of one webhook subscription at once, on PostgreSQL (two replicas, or two requests of one): each change
 * reads the subscription and writes it back whole, so the read must hold the row until the write commits, or the
 * second writes back what the first changed (a rotated secret, handed to its caller, silently replaced by the old one)
 * and a change or removal of a subscription just removed is recorded as if it happened.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { appBackends } from '../support/stores.js';
import { holdRows, waitersBehind } from '../support/held-rows.js';
import { startEventsPave, type EventsPave } from './support.js';

const postgres = (await appBackends('pave_hooks_turns')).find(backend => backend.name === 'postgres')!;

describe.skipIf(Boolean(postgres.skip))('webhook subscriptions changed at once: postgres', () => {
  let pave: EventsPave | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await pave?.close();
    await drop?.();
  });

  async function start() {
    const backend = await postgres.config();
    drop = backend.drop;
    pave = await startEventsPave({ config: backend.config, idle: true });
    return pave;
  }

  const call = (p: EventsPave, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> =>
    fetch(p.url + path, { method, ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) }).then(async response => ({ status: response.status, body: response.status === 204 ? undefined : await response.json() }));

  /** Holds the subscription's row, starts `first` and then `second` once each waits behind it, and lets them go. */
  async function atOnce<T>(p: EventsPave, id: string, first: () => Promise<T>, second: () => Promise<T>): Promise<[T, T]> {
    const held = await holdRows(p.app.store, trx => trx.selectFrom('event_webhooks').select('id').where('id', '=', id).forUpdate().execute());
    const a = first();
    await expect.poll(() => waitersBehind(p.app.store.db, held.pid)).toBe(1);
    const b = second();
    await expect.poll(() => waitersBehind(p.app.store.db, held.pid)).toBe(2);
    held.release();
    await held.done;
    return Promise.all([a, b]);
  }

  it('keeps a secret rotated while another change of the subscription was under way', async () => {
    const p = await start();
    const hook = (await call(p, 'POST', '/api/events/webhooks', { url: 'http://127.0.0.1:9/hook', types: ['catalog.*'] })).body;
    const [rotated, disabled] = await atOnce(
      p,
      hook.id,
      () => call(p, 'PATCH', `/api/events/webhooks/${hook.id}`, { rotateSecret: true }),
      () => call(p, 'PATCH', `/api/events/webhooks/${hook.id}`, { enabled: false }),
    );
    expect([rotated.status, disabled.status]).toEqual([200, 200]);
    expect(rotated.body.secret).not.toBe(hook.secret);
    const stored = await p.app.store.db.selectFrom('event_webhooks').select(['secret', 'enabled']).where('id', '=', hook.id).executeTakeFirstOrThrow();
    // Deliveries are signed with the secret its caller was given, and the other change is kept too.
    expect(stored).toEqual({ secret: rotated.body.secret, enabled: 0 });
  });

  it('removes a subscription once when it is removed twice at once, and records one removal', async () => {
    const p = await start();
    const hook = (await call(p, 'POST', '/api/events/webhooks', { url: 'http://127.0.0.1:9/hook', types: ['catalog.*'] })).body;
    const removals = await atOnce(
      p,
      hook.id,
      () => call(p, 'DELETE', `/api/events/webhooks/${hook.id}`),
      () => call(p, 'DELETE', `/api/events/webhooks/${hook.id}`),
    );
    expect(removals.map(r => r.status).sort()).toEqual([204, 404]);
    expect((await p.app.audit.query({ action: 'events.webhook.delete' })).items).toHaveLength(1);
    expect(await p.app.eventLog.read({ types: ['events.webhook.deleted'] })).toHaveLength(1);
  });
});
