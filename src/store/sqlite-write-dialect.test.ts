import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStoreDialect } from './sqlite-dialect.js';
import { Store } from './store.js';

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

  it('leaves the event loop free while a write waits in the worker: timers fire and reads answer meanwhile', async () => {
    // Another connection holds SQLite's write lock, so the worker's statement waits (busy_timeout) until the test lets
    // it go: the order below is of states, not of how long anything takes.
    const other = new SqliteDatabase(join(dir, 'pave.db'));
    other.exec('BEGIN IMMEDIATE');
    const seen: string[] = [];
    const write = sql`INSERT INTO t (k) VALUES (1)`.execute(store.db).then(() => seen.push('write done'));
    await nextTurn();
    seen.push('timer fired');
    await store.ping();
    seen.push('read answered');
    other.exec('COMMIT');
    other.close();
    await write;
    expect(seen).toEqual(['timer fired', 'read answered', 'write done']);
    expect((await sql<{ n: number }>`SELECT count(*) AS n FROM t`.execute(store.reads)).rows).toEqual([{ n: 1 }]);
  });

  it('refuses parameters that cannot reach the worker, and the next statement gets its own answer', async () => {
    const refused = await sql`SELECT ${Symbol('not cloneable') as never} AS a`.execute(store.db).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Error);
    expect((await sql<{ a: number }>`SELECT 1 AS a`.execute(store.db)).rows).toEqual([{ a: 1 }]);
  });

  it('keeps better-sqlite3\'s binding errors as the classes they were', async () => {
    const failure = await sql`INSERT INTO t (k, v) VALUES (${1}, ?)`.execute(store.db).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RangeError);
    expect(failure).toMatchObject({ message: 'Too few parameter values were provided' });
  });
});

it('says why a file cannot be opened as the store', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pave-write-worker-'));
  try {
    await writeFile(join(dir, 'pave.db'), 'this is a text file, not a database\n'.repeat(200));
    await expect(Store.open(new SqliteStoreDialect({ file: join(dir, 'pave.db') }))).rejects.toThrow(/file is not a database/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
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

it('answers a result of thousands of rows whole, though the worker sends it in parts', async () => {
  const store = await Store.open(new SqliteStoreDialect({ file: ':memory:' }));
  try {
    const rows = (await sql<{ n: number }>`WITH RECURSIVE n(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM n WHERE n < 2345) SELECT n FROM n`.execute(store.db)).rows;
    expect(rows.map(row => row.n)).toEqual(Array.from({ length: 2345 }, (_, i) => i + 1));
    // The answers after it are still each statement's own.
    expect((await sql<{ a: number }>`SELECT 1 AS a`.execute(store.db)).rows).toEqual([{ a: 1 }]);
  } finally {
    await store.close();
  }
});
