import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runInOrder, StatementInOrderError } from '../../src/store/statements-in-order.js';
import { postgresFactory, sqliteFactory, type StoreFactory, type TestStore } from '../support/stores.js';

const factories: StoreFactory[] = [sqliteFactory, await postgresFactory()];

for (const factory of factories) describe.skipIf(Boolean(factory.unavailable))(`statements run in order: ${factory.name}`, () => {
  let handle: TestStore;
  const raw = (text: string, ...parameters: unknown[]) => CompiledQuery.raw(factory.name === 'postgres' ? text.replaceAll(/\?/g, (_, i: number) => `$${text.slice(0, i).split('?').length}`) : text, parameters);

  beforeAll(async () => {
    handle = await factory.open();
    await sql`CREATE TABLE in_order (k integer PRIMARY KEY, v text)`.execute(handle.store.db);
  });
  afterAll(async () => handle?.dispose());
  beforeEach(async () => void (await sql`DELETE FROM in_order`.execute(handle.store.db)));

  it('runs them one after another and answers each one\'s rows or changes', async () => {
    const { store } = handle;
    const results = await runInOrder(store.db, store.dialect, [
      raw('INSERT INTO in_order (k, v) VALUES (?, ?), (?, ?)', 1, 'a', 2, 'b'),
      raw('UPDATE in_order SET v = ? WHERE k = ?', 'c', 2),
      raw('DELETE FROM in_order WHERE k = ? RETURNING v', 1),
      raw('SELECT k, v FROM in_order ORDER BY k'),
    ]);
    expect(results.slice(0, 2).map(result => result.numAffectedRows)).toEqual([2n, 1n]);
    expect(results[2]!.rows).toEqual([{ v: 'a' }]);
    expect(results[3]!.rows).toEqual([{ k: 2, v: 'c' }]);
  });

  it('stops at the first that fails, with its database error, and a transaction around them rolls back', async () => {
    const { store } = handle;
    await runInOrder(store.db, store.dialect, [raw('INSERT INTO in_order (k, v) VALUES (?, ?)', 1, 'kept'), raw('INSERT INTO in_order (k, v) VALUES (?, ?)', 9, 'kept')]);
    const failed = await store.transaction(trx => runInOrder(trx, store.dialect, [
      raw('INSERT INTO in_order (k, v) VALUES (?, ?)', 2, 'rolled back'),
      raw('INSERT INTO in_order (k, v) VALUES (?, ?)', 1, 'duplicate'),
      raw('DELETE FROM in_order WHERE k = ?', 9),
    ])).catch((error: unknown) => error);
    expect(failed).toMatchObject({ code: factory.name === 'postgres' ? '23505' : 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect((await sql<{ k: number; v: string }>`SELECT k, v FROM in_order ORDER BY k`.execute(store.db)).rows).toEqual([{ k: 1, v: 'kept' }, { k: 9, v: 'kept' }]);
    // The connection goes on with the next statement's own answer.
    expect((await runInOrder(store.db, store.dialect, [raw('SELECT count(*) AS n FROM in_order')]))[0]!.rows).toEqual([{ n: factory.name === 'postgres' ? '2' : 2 }]);
  });

  it('names the failing statement by its place and SQL, its database error the cause and its code kept', async () => {
    const { store } = handle;
    const code = factory.name === 'postgres' ? '23505' : 'SQLITE_CONSTRAINT_PRIMARYKEY';
    const failing = `INSERT INTO in_order (k, v) VALUES (${factory.name === 'postgres' ? '$1, $2' : '?, ?'}) ${'/* long */ '.repeat(10)}`;
    for (const before of [[], [raw('INSERT INTO in_order (k, v) VALUES (?, ?)', 2, 'ran')]]) {
      await sql`DELETE FROM in_order`.execute(store.db);
      await runInOrder(store.db, store.dialect, [raw('INSERT INTO in_order (k, v) VALUES (?, ?)', 1, 'kept')]);
      // Alone it is one statement on both databases; after another, on SQLite it is the write worker's batch.
      const failed = await runInOrder(store.db, store.dialect, [...before, CompiledQuery.raw(failing, [1, 'duplicate'])]).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(StatementInOrderError);
      const error = failed as StatementInOrderError;
      expect(error).toMatchObject({ index: before.length, code });
      expect((error.cause as { code?: unknown }).code).toBe(code);
      expect(error.message).toContain(`statement ${before.length} (from 0) of ${before.length + 1} in order failed: ${(error.cause as Error).message}`);
      expect(error.message).toContain(`${failing.slice(0, 80)}…`);
      expect(error.message).not.toContain(failing.slice(0, 81));
    }
  });

  it('runs none of those after the one that fails (seen without a transaction to roll them back)', async () => {
    const { store } = handle;
    await runInOrder(store.db, store.dialect, [raw('INSERT INTO in_order (k, v) VALUES (?, ?)', 9, 'kept')]);
    const failed = await runInOrder(store.db, store.dialect, [
      raw('INSERT INTO in_order (k, v) VALUES (?, ?)', 1, 'ran'),
      raw('INSERT INTO in_order (k, v) VALUES (?, ?)', 1, 'duplicate'),
      raw('DELETE FROM in_order WHERE k = ?', 9),
    ]).catch((error: unknown) => error);
    expect(failed).toMatchObject({ code: factory.name === 'postgres' ? '23505' : 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect((await sql<{ k: number; v: string }>`SELECT k, v FROM in_order ORDER BY k`.execute(store.db)).rows).toEqual([{ k: 1, v: 'ran' }, { k: 9, v: 'kept' }]);
  });
});
