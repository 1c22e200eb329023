import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresFactory, sqliteFactory, type TestStore } from '../support/stores.js';

/**
 * `Store.snapshot`: a long read of several statements sees one state of the database even when a write commits
 * between them, and holds no connection the other reads need (on SQLite, `Store.reads` has one).
 */
const pg = await postgresFactory();

for (const factory of [sqliteFactory, pg]) {
  describe.skipIf(Boolean(factory.unavailable))(`snapshot reads: ${factory.name}`, () => {
    let handle: TestStore;
    beforeAll(async () => {
      handle = await factory.open();
      await sql`CREATE TABLE snapshot_probe (n integer)`.execute(handle.store.db);
      await sql`INSERT INTO snapshot_probe (n) VALUES (1)`.execute(handle.store.db);
    });
    afterAll(() => handle?.dispose());

    const count = async (db: Parameters<Parameters<TestStore['store']['snapshot']>[0]>[0] | TestStore['store']['reads']) =>
      Number((await sql<{ n: number | string }>`SELECT count(*) AS n FROM snapshot_probe`.execute(db)).rows[0]!.n);

    it('sees one state across its statements while a write commits and other reads go on', async () => {
      const { store } = handle;
      const seen = await store.snapshot(async db => {
        const first = await count(db);
        await store.transaction(async trx => {
          await sql`INSERT INTO snapshot_probe (n) VALUES (2)`.execute(trx);
        });
        // Another read meanwhile is not held up by the snapshot, and sees the write.
        const outside = await count(store.reads);
        return { first, outside, second: await count(db) };
      });
      expect(seen).toEqual({ first: 1, outside: 2, second: 1 });
      expect(await count(store.reads)).toBe(2);
    });
  });
}
