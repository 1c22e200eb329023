import { sql } from 'kysely';
import type { Db, Store } from '../../src/store/store.js';

/** A PostgreSQL transaction holding the locks `take` took until released. */
export interface HeldRows<T = void> {
  /** The holding session's backend, for {@link waitersBehind}. */
  pid: number;
  /** Lets the transaction go on: it runs `then` (inside it) and commits. */
  release(): void;
  /** What `then` returned, once the transaction committed. */
  done: Promise<T>;
}

/**
 * Runs `take` (e.g. a `SELECT … FOR UPDATE` of some rows) in a transaction of `store` and holds it open, as another
 * replica between its read and its commit would: writers of those rows queue behind it, and plain reads still pass.
 * @example const held = await holdRows(store, trx => trx.selectFrom('t').selectAll().where('id', '=', id).forUpdate().execute());
 */
export async function holdRows<T = void>(store: Store, take: (trx: Db) => Promise<unknown>, then: (trx: Db) => Promise<T> = async () => undefined as T): Promise<HeldRows<T>> {
  let release!: () => void;
  const released = new Promise<void>(resolve => (release = resolve));
  let locked!: (pid: number) => void;
  const holding = new Promise<number>(resolve => (locked = resolve));
  const done = store.transaction(async trx => {
    await take(trx);
    locked(Number((await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx)).rows[0]!.pid));
    await released;
    return then(trx);
  });
  // A transaction that fails before it holds the rows must not leave the caller waiting for the pid.
  return { pid: await Promise.race([holding, done.then(() => { throw new Error('the transaction ended before it held its locks'); })]), release, done };
}

/**
 * How many PostgreSQL sessions wait behind the backend `holderPid`, directly or behind another such waiter (the
 * second writer of a row waits for the first, which waits for the holder).
 * @example await expect.poll(() => waitersBehind(store.db, held.pid)).toBe(2);
 */
export async function waitersBehind(db: Db, holderPid: number): Promise<number> {
  const { rows } = await sql<{ n: string }>`WITH RECURSIVE behind(pid) AS (
      SELECT pid FROM pg_stat_activity WHERE ${holderPid}::int = ANY(pg_blocking_pids(pid))
      UNION SELECT a.pid FROM pg_stat_activity a JOIN behind b ON b.pid = ANY(pg_blocking_pids(a.pid)))
    SELECT count(*) AS n FROM behind`.execute(db);
  return Number(rows[0]!.n);
}
