import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStoreDialect } from './sqlite-dialect.js';
import { Store } from './store.js';

/** Inserts `rows` rows in one statement: long enough (hundreds of ms) for the event loop to turn many times meanwhile. */
const BIG_INSERT = (rows: number) => sql`WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ${rows}) INSERT INTO t (k) SELECT x FROM n`;

describe('the SQLite write connection in a worker thread', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pave-write-worker-'));
    store = await Store.open(new SqliteStoreDialect({ file: join(dir, 'pave.db') }));
    await sql`CREATE TABLE t (k integer PRIMARY KEY, v text)`.execute(store.db);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('hands a statement its SQLite error with its code, and the connection goes on', async () => {
    await sql`INSERT INTO t (k, v) VALUES (1, 'a')`.execute(store.db);
    const failure = await sql`INSERT INTO t (k, v) VALUES (1, 'b')`.execute(store.db).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SqliteDatabase.SqliteError);
    expect(failure).toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY', message: 'UNIQUE constraint failed: t.k' });
    const failed = await store.transaction(async trx => {
      await sql`INSERT INTO t (k, v) VALUES (2, 'b')`.execute(trx);
      await sql`INSERT INTO t (k, v) VALUES (1, 'c')`.execute(trx);
    }).catch((error: unknown) => error);
    expect(failed).toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    // The transaction rolled back: the row before the failing one is gone.
    expect((await sql<{ k: number; v: string }>`SELECT k, v FROM t`.execute(store.db)).rows).toEqual([{ k: 1, v: 'a' }]);
  });

  it('answers changes and the inserted row id as the in-thread driver did', async () => {
    const result = await store.db.insertInto('t' as never).values({ k: 7, v: 'x' } as never).executeTakeFirstOrThrow();
    expect(result.insertId).toBe(7n);
    const updated = await sql`UPDATE t SET v = 'y'`.execute(store.db);
    expect(updated.numAffectedRows).toBe(1n);
  });

  it('leaves the event loop free while a long write runs: timers fire and reads answer meanwhile', async () => {
    const seen: string[] = [];
    await store.transaction(async trx => {
      const write = BIG_INSERT(1_000_000).execute(trx).then(() => seen.push('write done'));
      await nextTurn();
      seen.push('timer fired');
      await store.ping();
      seen.push('read answered');
      await write;
    });
    expect(seen).toEqual(['timer fired', 'read answered', 'write done']);
    expect((await sql<{ n: number }>`SELECT count(*) AS n FROM t`.execute(store.reads)).rows).toEqual([{ n: 1_000_000 }]);
  });
});

it('keeps a :memory: database in the worker: the write connection is its only one', async () => {
  const store = await Store.open(new SqliteStoreDialect({ file: ':memory:' }));
  try {
    await sql`CREATE TABLE t (v text)`.execute(store.db);
    await sql`INSERT INTO t (v) VALUES ('kept')`.execute(store.db);
    expect((await sql`SELECT v FROM t`.execute(store.reads)).rows).toEqual([{ v: 'kept' }]);
  } finally {
    await store.close();
  }
});
