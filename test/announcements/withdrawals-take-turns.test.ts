/**
 * One announcement withdrawn twice at once, on PostgreSQL (two replicas, or a double click): each read it and then
 * deleted it, so both succeeded and both were audited and evented, the second for nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { appBackends } from '../support/stores.js';
import { holdRows, waitersBehind } from '../support/held-rows.js';
import { bearer, startAuthPave, tokenFor, type AuthPave } from '../auth/support.js';

const postgres = (await appBackends('pave_withdraw_turns')).find(backend => backend.name === 'postgres')!;

describe.skipIf(Boolean(postgres.skip))('announcements withdrawn at once: postgres', () => {
  let pave: AuthPave | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await pave?.close();
    await drop?.();
  });

  it('withdraws an announcement once when two withdraw it at once, and audits one withdrawal', async () => {
    const backend = await postgres.config();
    drop = backend.drop;
    const p = (pave = await startAuthPave({ config: backend.config }));
    const alice = bearer(await tokenFor(p.app, 'user:default/alice'));
    const published = await fetch(`${p.url}/api/announcements`, { method: 'POST', headers: { ...alice, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Freeze', text: 'No deploys on Friday.' }) });
    expect(published.status).toBe(201);
    const { id } = (await published.json()) as { id: string };
    const held = await holdRows(p.app.store, trx => trx.selectFrom('announcements').select('id').where('id', '=', id).forUpdate().execute());
    const withdraw = () => fetch(`${p.url}/api/announcements/${id}`, { method: 'DELETE', headers: alice }).then(response => response.status);
    const first = withdraw();
    await expect.poll(() => waitersBehind(p.app.store.db, held.pid)).toBe(1);
    const second = withdraw();
    await expect.poll(() => waitersBehind(p.app.store.db, held.pid)).toBe(2);
    held.release();
    await held.done;
    expect((await Promise.all([first, second])).sort()).toEqual([200, 404]);
    expect((await p.app.audit.query({ action: 'announcements.announcement.withdraw' })).items).toHaveLength(1);
    expect(await p.app.eventLog.read({ types: ['announcements.announcement.withdrawn'] })).toHaveLength(1);
  });
});
