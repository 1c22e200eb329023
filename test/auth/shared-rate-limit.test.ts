import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../../src/auth/auth-config.js';
import type { Clock } from '../../src/core/clock.js';
import { RateLimitCounters } from '../../src/store/rate-limit-counters.js';
import { POSTGRES_URL } from '../support/require-all.js';
import { adminQuery, postgresFactory, sqliteFactory, type TestStore } from '../support/stores.js';
import { bearer, startAuthPave, tokenFor, type AuthPave } from './support.js';

/**
 * Rate-limit counters kept in the store: atomic on both databases (two store handles stand for two
 * replicas), windows that end and start again, and two real servers on one PostgreSQL holding one
 * limit between them.
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

    it('never loses a count when two replicas count the same key at once', async () => {
      const other = await test.reopen();
      try {
        const replicas = [new RateLimitCounters(test.store), new RateLimitCounters(other)];
        const hits = await Promise.all(Array.from({ length: 40 }, (_, i) => replicas[i % 2]!.hit('concurrent', MINUTE)));
        expect(hits.map(h => h.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
        expect(hits.every(h => h.resetInMs > 0 && h.resetInMs <= MINUTE)).toBe(true);
      } finally {
        await other.close();
      }
    });

    it('starts a new window when the last one has ended, and removes ended windows', async () => {
      const clock = new HandClock(Date.UTC(2030, 0, 1));
      const counters = new RateLimitCounters(test.store, { clock });
      expect(await counters.hit('windowed', MINUTE)).toEqual({ count: 1, resetInMs: MINUTE });
      await counters.hit('short-lived', 1_000);
      clock.advance(MINUTE - 1);
      expect(await counters.hit('windowed', MINUTE)).toEqual({ count: 2, resetInMs: 1 });
      clock.advance(1);
      expect(await counters.hit('windowed', MINUTE)).toEqual({ count: 1, resetInMs: MINUTE });
      const keys = (await test.store.db.selectFrom('rate_limits').select('key').execute()).map(r => r.key);
      expect(keys).toContain('windowed');
      expect(keys).not.toContain('short-lived');
    });
  });
}

describe.skipIf(Boolean(pg.unavailable))('rate limits across two servers on one PostgreSQL', () => {
  const schema = `pave_limits_${Date.now()}_${Math.random().toString(36).slice(2, 7)}`;
  const limits = { ...DEFAULT_RATE_LIMITS, signInPerMinute: 4, tokensPerMinute: 5 };
  let first: AuthPave;
  let second: AuthPave;

  beforeAll(async () => {
    await adminQuery(`CREATE SCHEMA ${schema}`);
    const config = { databaseUrl: POSTGRES_URL, databaseSchema: schema };
    first = await startAuthPave({ auth: { rateLimit: limits }, config });
    second = await startAuthPave({ auth: { rateLimit: limits }, config, seed: false });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await adminQuery(`DROP SCHEMA ${schema} CASCADE`);
  });

  it('holds the sign-in limit across both servers, per route', async () => {
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
