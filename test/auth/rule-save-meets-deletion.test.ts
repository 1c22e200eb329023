/**
 * A rule save that meets a deletion between its insert (which found the rule, so inserted nothing) and its locked
 * read (which finds it gone) stores the rule, as the creation it answers and audits (it used to store nothing).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { appBackends } from '../support/stores.js';
import { holdRows, waitersBehind } from '../support/held-rows.js';
import { bearer, startAuthPave, tokenFor, type AuthPave } from '../auth/support.js';

const postgres = (await appBackends('pave_review2_rules')).find(backend => backend.name === 'postgres')!;

const rule = (id: string, description: string) => ({ id, description, effect: 'allow', actions: ['catalog.entity.read'], subjects: ['user:default/dave'] });

describe.skipIf(Boolean(postgres.skip))('a rule saved while it is deleted: postgres', () => {
  let pave: AuthPave | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await pave?.close();
    await drop?.();
  });

  const put = (p: AuthPave, token: string, body: unknown) =>
    fetch(`${p.url}/api/permissions/rules/dave-reads`, { method: 'PUT', headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async response => ({ status: response.status, body: await response.json() }));

  it('stores the rule it answers as saved, or refuses it', async () => {
    const backend = await postgres.config();
    drop = backend.drop;
    const p = (pave = await startAuthPave({ config: backend.config }));
    const alice = await tokenFor(p.app, 'user:default/alice');
    expect((await put(p, alice, rule('dave-reads', 'first'))).status).toBe(201);
    // A deletion that has the rule's row and commits once the save has found the rule there (its insert did nothing)
    // and waits for the row: as another replica's DELETE … RETURNING between the save's two statements.
    const held = await holdRows(
      p.app.store,
      trx => trx.selectFrom('auth_rules').select('id').where('id', '=', 'dave-reads').forUpdate().execute(),
      trx => trx.deleteFrom('auth_rules').where('id', '=', 'dave-reads').execute(),
    );
    let saved: Promise<{ status: number; body: any }>;
    try {
      saved = put(p, alice, rule('dave-reads', 'second'));
      await expect.poll(() => waitersBehind(p.app.store.db, held.pid)).toBe(1);
    } finally {
      held.release();
      await held.done;
    }
    const answer = await saved;
    const stored = await p.app.store.db.selectFrom('auth_rules').select('body').where('id', '=', 'dave-reads').executeTakeFirst();
    if (answer.status < 300) expect(stored && JSON.parse(stored.body).description).toBe('second');
    else expect(answer.status).toBe(409);
  });
});
