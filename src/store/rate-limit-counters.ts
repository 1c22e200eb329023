import { sql } from 'kysely';
import { systemClock, type Clock } from '../core/clock.js';
import type { Store } from './store.js';

/** Where a key stands after one more request. */
export interface RateLimitHit {
  /** Requests in the current window, this one included. */
  count: number;
  /** Milliseconds until the window ends and the count starts again. */
  resetInMs: number;
}

const PRUNE_EVERY_MS = 60_000;

/**
 * Fixed-window request counters in the store, so that every replica on one database counts against
 * the same limit. Each request is one atomic upsert (`INSERT … ON CONFLICT DO UPDATE … RETURNING`, the
 * same statement on SQLite and PostgreSQL): concurrent requests on several replicas never lose a count.
 * A window starts at a key's first request; expired rows are removed now and then. Time comes from
 * each replica's clock, so replicas should keep their clocks in step (as they must for tokens anyway).
 * @example const { count, resetInMs } = await counters.hit('GET/api/auth/login:127.0.0.1', 60_000);
 */
export class RateLimitCounters {
  readonly #store: Store;
  readonly #clock: Clock;
  #lastPrune = 0;

  constructor(store: Store, options: { clock?: Clock } = {}) {
    this.#store = store;
    this.#clock = options.clock ?? systemClock;
  }

  /** Counts one request under a key, starting a new window when the last one has ended. */
  async hit(key: string, windowMs: number): Promise<RateLimitHit> {
    const now = this.#clock.now().getTime();
    const { rows } = await sql<{ count: number | string; window_start: number | string }>`
      INSERT INTO rate_limits (key, window_start, window_ms, count) VALUES (${key}, ${now}, ${windowMs}, 1)
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN rate_limits.window_start + excluded.window_ms <= excluded.window_start THEN 1 ELSE rate_limits.count + 1 END,
        window_start = CASE WHEN rate_limits.window_start + excluded.window_ms <= excluded.window_start THEN excluded.window_start ELSE rate_limits.window_start END,
        window_ms = excluded.window_ms
      RETURNING count, window_start`.execute(this.#store.db);
    const row = rows[0]!;
    if (now - this.#lastPrune >= PRUNE_EVERY_MS) {
      this.#lastPrune = now;
      await this.#store.db.deleteFrom('rate_limits').where(sql<boolean>`window_start + window_ms <= ${now}`).execute();
    }
    return { count: Number(row.count), resetInMs: Math.max(0, Number(row.window_start) + windowMs - now) };
  }
}
