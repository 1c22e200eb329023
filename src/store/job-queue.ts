import { sql, type ExpressionBuilder, type UpdateQueryBuilder, type UpdateResult } from 'kysely';
import type { Db, Store } from './store.js';
import type { Database, JobsTable } from './schema.js';
import { newId } from '../core/ids.js';
import { systemClock, type Clock } from '../core/clock.js';

/** A claimed job. The claim holds until `leaseExpiresAt`; after that another worker may take it over. */
export interface Job<P = unknown> {
  id: string;
  queue: string;
  key: string;
  payload: P;
  attempts: number;
  leaseExpiresAt: string;
  /** Marks the claim: finishing checks it so a worker that lost its lease cannot overwrite a newer claim. */
  claimToken: string;
}

export interface JobQueueOptions {
  /** Who claims, e.g. `hostname:pid`; shown in job listings. */
  owner: string;
  clock?: Clock;
}

/**
 * The durable job queue: every long operation is a row with a lease. Enqueueing is idempotent
 * per (queue, key); claiming is safe between processes (row locks with SKIP LOCKED on PostgreSQL,
 * the single writer on SQLite); a worker killed mid-job simply lets its lease expire.
 * @example
 *   await queue.enqueue('catalog.refresh', locationId, { locationId });
 *   const job = await queue.claim('catalog.refresh', 60_000);
 *   if (job) await queue.finish(job, { rescheduleAt: nextRun });
 */
export class JobQueue {
  readonly #store: Store;
  readonly #owner: string;
  readonly #clock: Clock;

  constructor(store: Store, options: JobQueueOptions) {
    this.#store = store;
    this.#owner = options.owner;
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * Adds a job, or, if one with the same key exists, brings its run time forward and marks it requested again.
   * With `db` (a transaction), the job is asked for together with the change that needs it, or not at all.
   */
  async enqueue(queue: string, key: string, payload: unknown, options: { runAt?: Date; db?: Db } = {}): Promise<void> {
    const now = this.#now();
    const runAt = (options.runAt ?? this.#clock.now()).toISOString();
    const row: JobsTable = {
      id: newId(),
      queue,
      key,
      payload: JSON.stringify(payload),
      state: 'ready',
      attempts: 0,
      rerun: 0,
      run_at: runAt,
      lease_owner: null,
      lease_expires_at: null,
      last_error: null,
      created_at: now,
      updated_at: now,
    };
    await (options.db ?? this.#store.db)
      .insertInto('jobs')
      .values(row)
      .onConflict(oc =>
        oc.columns(['queue', 'key']).doUpdateSet({
          payload: row.payload,
          run_at: sql<string>`CASE WHEN jobs.run_at < ${runAt} THEN jobs.run_at ELSE ${runAt} END`,
          rerun: sql<number>`CASE WHEN jobs.state = 'running' THEN 1 ELSE jobs.rerun END`,
          updated_at: now,
        }),
      )
      .execute();
  }

  /** Claims the next due job of a queue, or an expired claim of a dead worker; undefined when none is due. */
  async claim<P = unknown>(queue: string, leaseMs: number): Promise<Job<P> | undefined> {
    const now = this.#now();
    const due = this.#store.db
      .selectFrom('jobs')
      .select('id')
      .where('queue', '=', queue)
      .where(claimable(now))
      .orderBy('run_at')
      .limit(1);
    const candidate = this.#store.dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
    return this.#claimWhere<P>(leaseMs, now, query => query.where('id', '=', eb => eb.selectFrom(candidate.as('due')).select('due.id')));
  }

  /**
   * Claims one job by its key when it is due, or when its holder's lease expired; undefined when someone
   * holds it (or there is no such job). Used for leases on a named thing rather than for work items.
   */
  async claimKey<P = unknown>(queue: string, key: string, leaseMs: number): Promise<Job<P> | undefined> {
    const now = this.#now();
    return this.#claimWhere<P>(leaseMs, now, query => query.where('queue', '=', queue).where('key', '=', key).where(claimable(now)));
  }

  /** Claims the job row `which` narrows the update to (at most one), for this worker until the lease ends. */
  async #claimWhere<P>(leaseMs: number, now: string, which: (query: UpdateQueryBuilder<Database, 'jobs', 'jobs', UpdateResult>) => UpdateQueryBuilder<Database, 'jobs', 'jobs', UpdateResult>): Promise<Job<P> | undefined> {
    const leaseExpiresAt = new Date(this.#clock.now().getTime() + leaseMs).toISOString();
    const claimToken = `${this.#owner}/${newId()}`;
    const update = this.#store.db.updateTable('jobs').set({
      state: 'running',
      lease_owner: claimToken,
      lease_expires_at: leaseExpiresAt,
      attempts: sql<number>`attempts + 1`,
      rerun: 0,
      updated_at: now,
    });
    const claimed = await which(update).returningAll().executeTakeFirst();
    if (!claimed) return undefined;
    return {
      id: claimed.id,
      queue: claimed.queue,
      key: claimed.key,
      payload: JSON.parse(claimed.payload) as P,
      attempts: claimed.attempts,
      leaseExpiresAt,
      claimToken,
    };
  }

  /**
   * Ends a claim. With `rescheduleAt` the job stays for its next run (periodic work), with `payload` as its
   * new payload when given; without it the job is removed, unless it was requested again while running, in
   * which case it runs again at once. Returns false when the lease had been lost to another worker (nothing
   * is changed then).
   */
  async finish(job: Job, options: { rescheduleAt?: Date; payload?: unknown } = {}): Promise<boolean> {
    const now = this.#now();
    const requestedAgain = await this.#requestedSinceClaim(job);
    if (requestedAgain === undefined) return false;
    if (!options.rescheduleAt && !requestedAgain) {
      const deleted = await this.#store.db
        .deleteFrom('jobs')
        .where('id', '=', job.id)
        .where('lease_owner', '=', job.claimToken)
        .executeTakeFirst();
      return Number(deleted.numDeletedRows) > 0;
    }
    const runAt = requestedAgain ? now : options.rescheduleAt!.toISOString();
    const payload = options.payload === undefined ? {} : { payload: JSON.stringify(options.payload) };
    return this.#release(job, { state: 'ready', run_at: runAt, attempts: 0, rerun: 0, last_error: null, updated_at: now, ...payload });
  }

  /** Records a failure and schedules a retry with exponential backoff (capped), visible as `run_at`. */
  async fail(job: Job, error: string, options: { baseMs?: number; maxMs?: number } = {}): Promise<Date> {
    const retryAt = new Date(this.#clock.now().getTime() + backoffMs(job.attempts, options.baseMs, options.maxMs));
    await this.#release(job, {
      state: 'ready',
      run_at: retryAt.toISOString(),
      last_error: error.slice(0, 4000),
      updated_at: this.#now(),
    });
    return retryAt;
  }

  /**
   * Hands one claim back unfinished (its worker is stopping): the job is ready again at once, with its
   * attempts as they were, for any worker of any replica. False when the lease had been lost already.
   */
  async handBackJob(job: Job): Promise<boolean> {
    return this.#release(job, { state: 'ready', run_at: this.#now(), updated_at: this.#now() });
  }

  /** Extends a claim for work that runs long. False when the lease was already lost. */
  async extendLease(job: Job, leaseMs: number): Promise<boolean> {
    const leaseExpiresAt = new Date(this.#clock.now().getTime() + leaseMs).toISOString();
    const result = await this.#store.db
      .updateTable('jobs')
      .set({ lease_expires_at: leaseExpiresAt })
      .where('id', '=', job.id)
      .where('lease_owner', '=', job.claimToken)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    job.leaseExpiresAt = leaseExpiresAt;
    return true;
  }

  /**
   * Hands back every claim this queue's owner holds (a process shutting down after its workers stopped): the
   * jobs are ready again at once, so another replica takes them over without waiting for the leases to expire.
   * Returns how many were handed back.
   */
  async handBack(): Promise<number> {
    const result = await this.#store.db
      .updateTable('jobs')
      .set({ state: 'ready', lease_owner: null, lease_expires_at: null, updated_at: this.#now() })
      .where('state', '=', 'running')
      .where(sql<string>`substr(lease_owner, 1, ${this.#owner.length + 1})`, '=', `${this.#owner}/`)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /**
   * How many jobs each queue holds by state, and when the oldest one became due (metrics): a ready job due
   * long ago is work nobody takes.
   */
  async stats(): Promise<Array<{ queue: string; state: string; count: number; oldestRunAt: string | null }>> {
    const rows = await this.#store.db
      .selectFrom('jobs')
      .select(eb => ['queue', 'state', eb.fn.countAll<number | string>().as('count'), eb.fn.min<string>('run_at').as('oldest')])
      .groupBy(['queue', 'state'])
      .execute();
    return rows.map(row => ({ queue: row.queue, state: row.state, count: Number(row.count), oldestRunAt: row.oldest ?? null }));
  }

  async remove(queue: string, key: string): Promise<void> {
    await this.#store.db.deleteFrom('jobs').where('queue', '=', queue).where('key', '=', key).execute();
  }

  /** Jobs of a queue, for status pages and tests. */
  async list(queue: string): Promise<Array<Omit<JobsTable, 'payload'> & { payload: unknown }>> {
    const rows = await this.#store.db.selectFrom('jobs').selectAll().where('queue', '=', queue).orderBy('run_at').execute();
    return rows.map(row => ({ ...row, payload: JSON.parse(row.payload) as unknown }));
  }

  /** True when enqueue() asked for the job again while this claim ran; undefined when the lease is lost. */
  async #requestedSinceClaim(job: Job): Promise<boolean | undefined> {
    const row = await this.#store.db
      .selectFrom('jobs')
      .select(['lease_owner', 'rerun'])
      .where('id', '=', job.id)
      .executeTakeFirst();
    if (!row || row.lease_owner !== job.claimToken) return undefined;
    return row.rerun === 1;
  }

  async #release(job: Job, values: Partial<JobsTable>): Promise<boolean> {
    const result = await this.#store.db
      .updateTable('jobs')
      .set({ ...values, lease_owner: null, lease_expires_at: null })
      .where('id', '=', job.id)
      .where('lease_owner', '=', job.claimToken)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }
}

/** Jobs that may be claimed at `now`: ready and due, or claimed by a worker whose lease ran out. */
function claimable(now: string) {
  return (eb: ExpressionBuilder<Database, 'jobs'>) =>
    eb.or([eb.and([eb('state', '=', 'ready'), eb('run_at', '<=', now)]), eb.and([eb('state', '=', 'running'), eb('lease_expires_at', '<', now)])]);
}

/** Exponential backoff: base · 2^(attempt-1), capped, with ±20 % jitter so retries of many jobs spread out. */
export function backoffMs(attempt: number, baseMs = 1_000, maxMs = 5 * 60_000): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (0.8 + Math.random() * 0.4));
}
