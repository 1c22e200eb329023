import { sql } from 'kysely';
import { expect } from 'vitest';
import { lockCatalogWrites } from '../../src/catalog/catalog-write-lock.js';
import type { Db, Store } from '../../src/store/store.js';

/**
 * How many PostgreSQL sessions wait for an advisory lock the backend `holderPid` holds: that lock only, as other tests
 * on the same server take advisory locks of their own.
 * @example await expect.poll(() => advisoryLockWaiters(db, held.pid)).toBe(2);
 */
export async function advisoryLockWaiters(db: Db, holderPid: number): Promise<number> {
  const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM pg_locks w JOIN pg_locks h ON h.locktype = 'advisory' AND h.granted AND h.pid = ${holderPid}
    AND w.database = h.database AND w.classid = h.classid AND w.objid = h.objid AND w.objsubid = h.objsubid
    WHERE w.locktype = 'advisory' AND NOT w.granted`.execute(db);
  return Number(rows[0]!.n);
}

/** A PostgreSQL transaction holding the catalog's write turn (catalog-write-lock.ts) until released. */
export interface HeldCatalogWrites<T> {
  /** The holding session's backend, for {@link advisoryLockWaiters}. */
  pid: number;
  /** Lets the transaction go on: it runs `then` (inside it) and commits. */
  release(): void;
  /** What `then` returned, once the transaction committed. */
  done: Promise<T>;
}

/**
 * Takes the catalog's write turn in a transaction of `store` and holds it, as another writer between its lock and
 * its first row would; `then` runs inside the transaction once released.
 * @example const held = await holdCatalogWrites(store); …; held.release(); await held.done;
 */
export async function holdCatalogWrites<T = void>(store: Store, then: (trx: Db) => Promise<T> = async () => undefined as T): Promise<HeldCatalogWrites<T>> {
  let release!: () => void;
  const released = new Promise<void>(resolve => (release = resolve));
  let locked!: (pid: number) => void;
  const holding = new Promise<number>(resolve => (locked = resolve));
  const done = store.transaction(async trx => {
    await lockCatalogWrites(trx, store.dialect);
    locked(Number((await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx)).rows[0]!.pid));
    await released;
    return then(trx);
  });
  // A transaction that fails before it holds the turn must not leave the caller waiting for the pid.
  return { pid: await Promise.race([holding, done.then(() => { throw new Error('the transaction ended before it held the catalog\'s write turn'); })]), release, done };
}

/**
 * Starts `writers` one after another behind a held catalog write turn (PostgreSQL), each once the one before is
 * waiting for the turn, then lets the turn go: their outcomes, in that order. The lock's queue is first come, first
 * served, so they get the turn in that order, each having done what it does before taking it.
 * @example const [first, second] = await writersInTurn(store, [() => catalog.saveEntity(a), () => catalog.saveEntity(b)]);
 */
export async function writersInTurn<T>(store: Store, writers: ReadonlyArray<() => Promise<T>>): Promise<PromiseSettledResult<T>[]> {
  const held = await holdCatalogWrites(store);
  const started: Array<Promise<T>> = [];
  for (const writer of writers) {
    started.push(writer());
    await expect.poll(() => advisoryLockWaiters(store.db, held.pid)).toBe(started.length);
  }
  const outcomes = Promise.allSettled(started);
  held.release();
  await held.done;
  return outcomes;
}
