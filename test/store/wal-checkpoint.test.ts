/**
 * The WAL checkpointed off the main thread after a large write (`wal-checkpoint.ts`, #18): SQLite's automatic
 * checkpoint would copy a first load's whole WAL into the database file inside its COMMIT, on the event loop's
 * thread. A large transaction commits with it off; a worker thread with its own connection copies the WAL next,
 * and the automatic checkpoint is back afterwards, also when the write rolled back. Real SQLite files.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { SqliteStoreDialect } from '../../src/store/sqlite-dialect.js';
import { WalCheckpointer } from '../../src/store/wal-checkpoint.js';

/** About 4 MiB of rows: far more pages than fit in a database file of a few pages. */
const ROWS = 2_000;
const filler = (i: number) => `${i}:${'x'.repeat(2_000)}`;

describe('WAL checkpoint off the main thread (SQLite)', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pave-wal-'));
    file = join(dir, 'pave.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('copies the WAL into the database file in a worker, as far as the open connections let it', async () => {
    const database = new SqliteDatabase(file);
    database.pragma('journal_mode = WAL');
    database.pragma('wal_autocheckpoint = 0');
    database.exec('CREATE TABLE t (v text)');
    const insert = database.prepare('INSERT INTO t (v) VALUES (?)');
    database.transaction(() => {
      for (let i = 0; i < ROWS; i++) insert.run(filler(i));
    })();
    const before = statSync(file).size;

    const result = await new WalCheckpointer(file).checkpoint();

    expect(result.log).toBeGreaterThan(ROWS / 2);
    expect(result.checkpointed).toBe(result.log);
    expect(statSync(file).size).toBeGreaterThan(before + ROWS * 2_000);
    // The rows read back from the database file alone once the WAL is gone.
    database.close();
    const reopened = new SqliteDatabase(file, { readonly: true });
    expect(reopened.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: ROWS });
    reopened.close();
  });

  it('commits a large write without checkpointing, checkpoints it next, and gives the automatic checkpoint back', async () => {
    const store = await Store.open(new SqliteStoreDialect({ file }));
    try {
      const autocheckpoint = async () => (await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(store.db)).rows[0]!.wal_autocheckpoint;
      const own = await autocheckpoint();
      expect(own).toBeGreaterThan(0);
      await sql`CREATE TABLE t (v text)`.execute(store.db);
      const sizeBefore = statSync(file).size;

      let during: number | undefined;
      await store.transaction(async trx => {
        for (let i = 0; i < ROWS; i++) await sql`INSERT INTO t (v) VALUES (${filler(i)})`.execute(trx);
        during = (await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(trx)).rows[0]!.wal_autocheckpoint;
      }, { large: true });
      expect(during).toBe(0);
      await store.checkpointed();

      expect(statSync(file).size).toBeGreaterThan(sizeBefore + ROWS * 2_000);
      expect(await autocheckpoint()).toBe(own);

      // A large write that rolls back gives it back too.
      await expect(store.transaction(async trx => {
        await sql`INSERT INTO t (v) VALUES ('lost')`.execute(trx);
        throw new Error('refused');
      }, { large: true })).rejects.toThrow('refused');
      await store.checkpointed();
      expect(await autocheckpoint()).toBe(own);
      expect((await sql<{ n: number }>`SELECT count(*) AS n FROM t`.execute(store.reads)).rows[0]!.n).toBe(ROWS);
    } finally {
      await store.close();
    }
  });

  it('a stream of large writes shares queued checkpoints: every row reaches the file, and the automatic checkpoint is back after the last', async () => {
    const store = await Store.open(new SqliteStoreDialect({ file }));
    try {
      const autocheckpoint = async () => (await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(store.db)).rows[0]!.wal_autocheckpoint;
      const own = await autocheckpoint();
      await sql`CREATE TABLE t (v text)`.execute(store.db);
      const sizeBefore = statSync(file).size;
      // Each write ends while the checkpoint of an earlier one runs or waits (a batch of delivery events after another).
      const writes = 20;
      for (let w = 0; w < writes; w++) {
        await store.transaction(async trx => {
          for (let i = 0; i < ROWS / writes; i++) await sql`INSERT INTO t (v) VALUES (${filler(w * 1_000 + i)})`.execute(trx);
        }, { large: true });
      }
      await store.checkpointed();
      expect(await autocheckpoint()).toBe(own);
      expect(statSync(file).size).toBeGreaterThan(sizeBefore + ROWS * 2_000);
      expect((await sql<{ n: number }>`SELECT count(*) AS n FROM t`.execute(store.reads)).rows[0]!.n).toBe(ROWS);
    } finally {
      await store.close();
    }
  });

  it('leaves a write that is not large to the automatic checkpoint', async () => {
    const store = await Store.open(new SqliteStoreDialect({ file }));
    try {
      let during: number | undefined;
      await store.transaction(async trx => {
        during = (await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(trx)).rows[0]!.wal_autocheckpoint;
      });
      expect(during).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  it('a large write still running when the store closes commits, and no worker opens the file after the close', async () => {
    const store = await Store.open(new SqliteStoreDialect({ file }));
    await sql`CREATE TABLE t (v text)`.execute(store.db);
    let release!: () => void;
    const gate = new Promise<void>(resolve => (release = resolve));
    let inside!: () => void;
    const started = new Promise<void>(resolve => (inside = resolve));
    const write = store.transaction(async trx => {
      await sql`INSERT INTO t (v) VALUES ('kept')`.execute(trx);
      inside();
      await gate;
    }, { large: true });
    await started;
    const closing = store.close();
    release();
    await write;
    await closing;
    // An unhandled rejection (a pragma on the destroyed connection) would fail this file; the row is on disk.
    const reopened = new SqliteDatabase(file, { readonly: true });
    expect(reopened.prepare('SELECT v FROM t').all()).toEqual([{ v: 'kept' }]);
    reopened.close();
    // Had a checkpoint been chained after the close, its worker would open (and so create) the file removed here.
    rmSync(file);
    await store.checkpointed();
    expect(existsSync(file)).toBe(false);
  });
});
