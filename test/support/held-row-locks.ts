import { sql } from 'kysely';
import type { Db, Store } from '../../src/store/store.js';

/**
 * How many PostgreSQL sessions wait, directly or behind one another, for a lock the backend `holderPid` holds (a
 * row's, say): the second writer of a row waits for the first waiter, not for the holder.
 * @example await expect.poll(() => sessionsBlockedBy(db, held.pid)).toBe(2);
 */
export async function sessionsBlockedBy(db: Db, holderPid: number): Promise<number> {
  const { rows } = await sql<{ n: string }>`WITH RECURSIVE blocked(pid) AS (
      SELECT pid FROM pg_stat_activity WHERE ${holderPid}::int = ANY(pg_blocking_pids(pid))
      UNION SELECT a.pid FROM pg_stat_activity a JOIN blocked b ON b.pid = ANY(pg_blocking_pids(a.pid)))
    SELECT count(*) AS n FROM blocked`.execute(db);
  return Number(rows[0]!.n);
}

/** A PostgreSQL transaction holding the locks `take` took until released. */
export interface HeldLocks {
  /** The holding session's backend, for {@link sessionsBlockedBy}. */
  pid: number;
  /** Lets the transaction commit. */
  release(): void;
  /** Settles once the transaction committed. */
  done: Promise<void>;
}

/**
 * Runs `take` (say, `SELECT … FOR UPDATE` of a row) in a transaction of `store` and holds what it locked, as
 * another replica's writer between its read and its commit would, until released.
 * @example const held = await holdLocks(store, trx => trx.selectFrom('platform_requests').select('id').where('id', '=', id).forUpdate().execute());
 */
export async function holdLocks(store: Store, take: (trx: Db) => Promise<unknown>): Promise<HeldLocks> {
  let release!: () => void;
  const released = new Promise<void>(resolve => (release = resolve));
  let locked!: (pid: number) => void;
  const holding = new Promise<number>(resolve => (locked = resolve));
  const done = store.transaction(async trx => {
    await take(trx);
    locked(Number((await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx)).rows[0]!.pid));
    await released;
  });
  // A transaction that fails before it holds its locks must not leave the caller waiting for the pid.
  return { pid: await Promise.race([holding, done.then(() => { throw new Error('the transaction ended before it held its locks'); })]), release, done };
}
