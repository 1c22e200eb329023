import { sql } from 'kysely';
import { systemClock, type Clock } from '../core/clock.js';
import type { Store } from './store.js';

/** Where a key stands after one more request. */
export interface RateLimitHit {
  /** The request's place in the current window (from 1); more than the limit means refused. */
  count: number;
  /** Milliseconds until the window ends and the count starts again. */
  resetInMs: number;
}

const PRUNE_EVERY_MS = 60_000;
/** The most places one replica takes from the store at a time. */
const MAX_BLOCK = 64;
/** A block is at most this fraction of what was left of the limit: few places go unused when a caller moves between replicas. */
const BLOCK_SHARE = 16;

/** Places in a window this replica took from the store and has not handed out yet. */
interface Reserved {
  windowEnd: number;
  /** The next place to hand out. */
  next: number;
  /** The last place taken (inclusive). */
  last: number;
  /** A reservation under way: requests of the key wait for it rather than ask the store each. */
  reserving?: Promise<void>;
}

/**
 * Fixed-window request counters in the store, so that every replica on one database counts against the same
 * limit. The store's counter hands out places in the window: each replica takes a block of places at once
 * (`INSERT … ON CONFLICT DO UPDATE … RETURNING`, atomic on SQLite and PostgreSQL, so two replicas never get
 * the same place) and hands them to its requests from memory. A request is admitted when its place is within
 * the limit, so no caller ever gets more than the limit across all replicas; the store's row is written once
 * per block, not once per request (a caller's requests all wait for that one row's lock otherwise, on every
 * replica, each holding a pooled connection). A block is one place while a key is new to the replica or has
 * few left, so small limits (sign-in: 20) count exactly, request by request; at most 1/16 of what is left and
 * 64 places otherwise. Places a replica took and did not hand out are lost until the window ends: a caller
 * moving between replicas may be refused a little before its limit, never after. Once a replica has handed
 * out a place past the limit it refuses the key from memory until the window ends, so a caller hammering a
 * limited route costs the store nothing more. A window starts at a key's first request; expired rows and
 * blocks are removed now and then. Time comes from each replica's clock, so replicas should keep their
 * clocks in step (as they must for tokens anyway).
 * @example const { count, resetInMs } = await counters.hit('GET/api/auth/login:127.0.0.1', 60_000, 20);
 */
export class RateLimitCounters {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #reserved = new Map<string, Reserved>();
  #lastPrune = 0;

  constructor(store: Store, options: { clock?: Clock } = {}) {
    this.#store = store;
    this.#clock = options.clock ?? systemClock;
  }

  /** Counts one request under a key whose limit is `max` requests a window, starting a new window when the last one has ended. */
  async hit(key: string, windowMs: number, max: number): Promise<RateLimitHit> {
    for (;;) {
      const now = this.#clock.now().getTime();
      const reserved = this.#reserved.get(key);
      const current = reserved && now < reserved.windowEnd ? reserved : undefined;
      if (current) {
        const resetInMs = current.windowEnd - now;
        if (current.next > max) return { count: current.next, resetInMs };
        if (current.next <= current.last) return { count: current.next++, resetInMs };
      }
      if (reserved?.reserving) {
        await reserved.reserving;
        continue;
      }
      const block = current ? Math.min(MAX_BLOCK, Math.max(1, Math.floor((max - current.last) / BLOCK_SHARE))) : 1;
      const reserving = this.#reserve(key, windowMs, block, now);
      // Held where waiting requests find it, until the places it brings replace it.
      this.#reserved.set(key, { ...(reserved ?? { windowEnd: 0, next: 1, last: 0 }), reserving: reserving.then(() => undefined, () => undefined) });
      try {
        const taken = await reserving;
        this.#reserved.set(key, taken);
      } catch (error) {
        if (this.#reserved.get(key)?.reserving) this.#reserved.delete(key);
        throw error;
      }
    }
  }

  /** Takes `block` places of the key's window from the store: the last `block` up to the count it returns. */
  async #reserve(key: string, windowMs: number, block: number, now: number): Promise<Reserved> {
    const { rows } = await sql<{ count: number | string; window_start: number | string }>`
      INSERT INTO rate_limits (key, window_start, window_ms, count) VALUES (${key}, ${now}, ${windowMs}, ${block})
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN rate_limits.window_start + excluded.window_ms <= excluded.window_start THEN excluded.count ELSE rate_limits.count + excluded.count END,
        window_start = CASE WHEN rate_limits.window_start + excluded.window_ms <= excluded.window_start THEN excluded.window_start ELSE rate_limits.window_start END,
        window_ms = excluded.window_ms
      RETURNING count, window_start`.execute(this.#store.db);
    const row = rows[0]!;
    if (now - this.#lastPrune >= PRUNE_EVERY_MS) {
      this.#lastPrune = now;
      await this.#store.db.deleteFrom('rate_limits').where(sql<boolean>`window_start + window_ms <= ${now}`).execute();
      for (const [old, reserved] of this.#reserved) if (reserved.windowEnd <= now && !reserved.reserving) this.#reserved.delete(old);
    }
    const last = Number(row.count);
    return { windowEnd: Number(row.window_start) + windowMs, next: last - block + 1, last };
  }
}
