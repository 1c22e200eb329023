/**
 * Auth writers that decide from what is stored, at once on PostgreSQL (two replicas, or two requests of one): the
 * decision must come from the row as the write finds it. Two revocations of one token both passed the "not revoked
 * yet" read and both were audited and evented; two deletions of one rule likewise; a rule another writer had just
 * created was inserted again (a raw unique-constraint 500); a sign-in under way was taken by two callbacks; a
 * session signed out twice at once (two tabs) was audited and evented twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { appBackends } from '../support/stores.js';
import { holdRows, waitersBehind, type HeldRows } from '../support/held-rows.js';
import { bearer, startAuthPave, tokenFor, type AuthPave } from './support.js';

const postgres = (await appBackends('pave_auth_turns')).find(backend => backend.name === 'postgres')!;

const rule = (id: string, description: string) => ({ id, description, effect: 'allow', actions: ['catalog.entity.read'], subjects: ['user:default/dave'] });

describe.skipIf(Boolean(postgres.skip))('auth writers at once: postgres', () => {
  let pave: AuthPave | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await pave?.close();
    await drop?.();
  });

  async function start(): Promise<AuthPave> {
    const backend = await postgres.config();
    drop = backend.drop;
    pave = await startAuthPave({ config: backend.config });
    return pave;
  }

  /** Starts `first`, then `second` once the first waits behind `held`, then lets both go on. */
  async function behind<T>(p: AuthPave, held: HeldRows, first: () => Promise<T>, second: () => Promise<T>): Promise<[T, T]> {
    const a = first();
    await expect.poll(() => waitersBehind(p.app.store.db, held.pid)).toBe(1);
    const b = second();
    await expect.poll(() => waitersBehind(p.app.store.db, held.pid)).toBe(2);
    held.release();
    await held.done;
    return Promise.all([a, b]);
  }

  const send = (p: AuthPave, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> =>
    fetch(p.url + path, { method, headers: { ...bearer(token), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }).then(async response => ({ status: response.status, body: response.status === 204 ? undefined : await response.json() }));

  it('revokes a token once when two revoke it at once, and audits one revocation', async () => {
    const p = await start();
    const bob = await tokenFor(p.app, 'user:default/bob');
    const doomed = (await send(p, bob, 'POST', '/api/auth/tokens', { name: 'ci' })).body;
    const held = await holdRows(p.app.store, trx => trx.selectFrom('auth_tokens').select('id').where('id', '=', doomed.id).forUpdate().execute());
    const revoke = () => send(p, bob, 'DELETE', `/api/auth/tokens/${doomed.id}`);
    const outcomes = await behind(p, held, revoke, revoke);
    expect(outcomes.map(outcome => [outcome.status, outcome.body.state])).toEqual([[200, 'revoked'], [200, 'revoked']]);
    const stored = await p.app.store.db.selectFrom('auth_tokens').select('revoked_at').where('id', '=', doomed.id).executeTakeFirstOrThrow();
    // Both answer the revocation that happened, once.
    expect(outcomes.map(outcome => outcome.body.revokedAt)).toEqual([stored.revoked_at, stored.revoked_at]);
    expect((await p.app.audit.query({ action: 'auth.token.revoke' })).items).toHaveLength(1);
    expect(await p.app.eventLog.read({ types: ['auth.token.revoked'] })).toHaveLength(1);
  });

  it('deletes a rule once when two delete it at once, and audits one deletion', async () => {
    const p = await start();
    const alice = await tokenFor(p.app, 'user:default/alice');
    expect((await send(p, alice, 'PUT', '/api/permissions/rules/dave-reads', rule('dave-reads', 'first'))).status).toBe(201);
    const held = await holdRows(p.app.store, trx => trx.selectFrom('auth_rules').select('id').where('id', '=', 'dave-reads').forUpdate().execute());
    const remove = () => send(p, alice, 'DELETE', '/api/permissions/rules/dave-reads');
    const outcomes = await behind(p, held, remove, remove);
    expect(outcomes.map(outcome => outcome.status).sort()).toEqual([204, 404]);
    expect((await p.app.audit.query({ action: 'auth.rule.delete' })).items).toHaveLength(1);
    expect(await p.app.eventLog.read({ types: ['auth.rule.deleted'] })).toHaveLength(1);
  });

  it('saves over a rule another writer created meanwhile instead of failing on its id', async () => {
    const p = await start();
    const alice = await tokenFor(p.app, 'user:default/alice');
    // Another replica has inserted the rule and not committed yet: both saves find no rule and then meet its row.
    const held = await holdRows(p.app.store, trx => trx.insertInto('auth_rules').values({ id: 'dave-reads', body: JSON.stringify(rule('dave-reads', 'meanwhile')), created_by: 'user:default/carol', created_at: new Date().toISOString(), updated_at: new Date().toISOString() }).execute());
    const outcomes = await behind(
      p,
      held,
      () => send(p, alice, 'PUT', '/api/permissions/rules/dave-reads', rule('dave-reads', 'one')),
      () => send(p, alice, 'PUT', '/api/permissions/rules/dave-reads', rule('dave-reads', 'two')),
    );
    expect(outcomes.map(outcome => outcome.status)).toEqual([200, 200]);
    // Each replaced the rule as it found it: neither is recorded as its creation.
    expect((await p.app.audit.query({ action: 'auth.rule.write' })).items.map(entry => entry.beforeHash !== undefined)).toEqual([true, true]);
    expect((await p.app.eventLog.read({ types: ['auth.rule.written'] })).map(event => event.payload.created)).toEqual([false, false]);
    const stored = await p.app.store.db.selectFrom('auth_rules').select('body').where('id', '=', 'dave-reads').executeTakeFirstOrThrow();
    expect(['one', 'two']).toContain(JSON.parse(stored.body).description);
  });

  it('lets one of two callbacks at once take a sign-in under way', async () => {
    const p = await start();
    const sessions = p.app.auth.sessions;
    const secret = await sessions.beginLogin({ state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/' });
    const held = await holdRows(p.app.store, trx => trx.selectFrom('auth_pending_logins').select('id_hash').forUpdate().execute());
    const taken = await behind(p, held, () => sessions.takeLogin(secret), () => sessions.takeLogin(secret));
    expect(taken.filter(Boolean)).toEqual([{ state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/' }]);
  });

  it('ends a session once when it is signed out twice at once, and audits one sign-out', async () => {
    const p = await start();
    const { secret } = await p.app.auth.sessions.create('user:default/bob', 'guest');
    const held = await holdRows(p.app.store, trx => trx.selectFrom('auth_sessions').select('id_hash').forUpdate().execute());
    await behind(p, held, () => p.app.auth.signOut(secret), () => p.app.auth.signOut(secret));
    expect(await p.app.auth.sessions.resolve(secret)).toBeUndefined();
    expect((await p.app.audit.query({ action: 'auth.session.delete' })).items).toHaveLength(1);
    expect(await p.app.eventLog.read({ types: ['auth.session.ended'] })).toHaveLength(1);
  });
});
