import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { RateLimitCounters } from '../../src/store/rate-limit-counters.js';
import { postgresFactory, sqliteFactory, type TestStore } from '../support/stores.js';
import { bearer, tokenFor, twoReplicasOnPostgres, type AuthPave } from './support.js';

/**
 * Rate-limit counters kept in the store: places in a window handed out once on both databases (two store
 * handles stand for two replicas), never more admitted than the limit, small limits counted exactly, a
 * busy caller counted in memory, windows that end and start again, and two real servers on one PostgreSQL
 * holding one limit between them.
 */

const pg = await postgresFactory();
const MINUTE = 60_000;

/** A clock the test moves by hand. */
class HandClock implements Clock {
  constructor(private at: number) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

for (const factory of [sqliteFactory, pg]) {
  describe.skipIf(Boolean(factory.unavailable))(`rate-limit counters: ${factory.name}`, () => {
    let test: TestStore;
    beforeAll(async () => {
      test = await factory.open();
    });
    afterAll(async () => test?.dispose());

    it('never admits more than the limit between replicas, however many hit at once', async () => {
      const other = await test.reopen();
      try {
        const replicas = [new RateLimitCounters(test.store), new RateLimitCounters(other)];
        const hits = await Promise.all(Array.from({ length: 200 }, (_, i) => replicas[i % 2]!.hit('concurrent', MINUTE, 90)));
        const admitted = hits.filter(h => h.count <= 90).map(h => h.count);
        // Every admitted request has a place of its own, and each replica hands out what it took before refusing.
        expect(admitted.sort((a, b) => a - b)).toEqual(Array.from({ length: 90 }, (_, i) => i + 1));
        expect(hits.every(h => h.resetInMs > 0 && h.resetInMs <= MINUTE)).toBe(true);
        // Under the limit, nobody is refused and every place is handed out once.
        const few = await Promise.all(Array.from({ length: 40 }, (_, i) => replicas[i % 2]!.hit('few', MINUTE, 1_000)));
        expect(few.every(h => h.count <= 1_000)).toBe(true);
        expect(new Set(few.map(h => h.count)).size).toBe(40);
      } finally {
        await other.close();
      }
    });

    it('counts a small limit exactly, request by request, whichever replica takes it', async () => {
      const other = await test.reopen();
      try {
        const replicas = [new RateLimitCounters(test.store), new RateLimitCounters(other)];
        const counts: number[] = [];
        for (let i = 0; i < 8; i++) counts.push((await replicas[i % 2]!.hit('sign-in', MINUTE, 4)).count);
        expect(counts.slice(0, 4)).toEqual([1, 2, 3, 4]);
        expect(counts.slice(4).every(count => count > 4)).toBe(true);
      } finally {
        await other.close();
      }
    });

    it("does not wait for the store's row while it holds places: a busy caller is counted in memory", async () => {
      const other = await test.reopen();
      try {
        const counters = new RateLimitCounters(test.store);
        expect((await counters.hit('busy', MINUTE, 1_000_000)).count).toBe(1);
        expect((await counters.hit('busy', MINUTE, 1_000_000)).count).toBe(2);
        // Another replica holds the row's lock (a write in an open transaction) while 50 more requests are counted.
        const counts = await other.transaction(async trx => {
          await trx.updateTable('rate_limits').set({ count: sql<number>`count` }).where('key', '=', 'busy').execute();
          return (await Promise.all(Array.from({ length: 50 }, () => counters.hit('busy', MINUTE, 1_000_000)))).map(h => h.count);
        });
        expect(counts).toEqual(Array.from({ length: 50 }, (_, i) => i + 3));
      } finally {
        await other.close();
      }
    });

    it('starts a new window when the last one has ended, and removes ended windows', async () => {
      const clock = new HandClock(Date.UTC(2030, 0, 1));
      const counters = new RateLimitCounters(test.store, { clock });
      expect(await counters.hit('windowed', MINUTE, 100)).toEqual({ count: 1, resetInMs: MINUTE });
      await counters.hit('short-lived', 1_000, 100);
      clock.advance(MINUTE - 1);
      expect(await counters.hit('windowed', MINUTE, 100)).toEqual({ count: 2, resetInMs: 1 });
      clock.advance(1);
      expect(await counters.hit('windowed', MINUTE, 100)).toEqual({ count: 1, resetInMs: MINUTE });
      const keys = (await test.store.db.selectFrom('rate_limits').select('key').execute()).map(r => r.key);
      expect(keys).toContain('windowed');
      expect(keys).not.toContain('short-lived');
    });
  });
}

describe.skipIf(Boolean(pg.unavailable))('rate limits across two servers on one PostgreSQL', () => {
  const replicas = twoReplicasOnPostgres({ signInPerMinute: 4, tokensPerMinute: 5 });

  it('holds the sign-in limit across both servers, per route', async () => {
    const [first, second] = [replicas.first(), replicas.second()];
    const callback = (pave: AuthPave) => fetch(`${pave.url}/api/auth/callback?code=x&state=y`, { redirect: 'manual' });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await callback(i % 2 ? second : first)).status);
    // Four sign-in attempts in all, whichever server took them; then both refuse.
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429, 429, 429]);
    const refused = await callback(first);
    expect(refused.headers.get('content-type')).toMatch(/problem\+json/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another route has its own count (its limit, 5, is below the nine sign-in attempts).
    const token = await tokenFor(first.app, 'user:default/bob');
    expect((await fetch(`${second.url}/api/auth/tokens`, { headers: bearer(token) })).status).toBe(200);
  });
});
