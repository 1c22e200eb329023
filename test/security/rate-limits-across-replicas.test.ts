/**
 * Exhaustion by one caller through several replicas (SECURITY.md §4): each replica hands out places in the
 * caller's window from memory, taken from the store in blocks, so a script hammering search through two
 * servers on one PostgreSQL schema at once is still admitted at most its limit in all — never once per
 * replica — and then refused by both, while another caller is not.
 */
import { describe, expect, it } from 'vitest';
import { postgresFactory } from '../support/stores.js';
import { bearer, tokenFor, twoReplicasOnPostgres, type AuthPave } from '../auth/support.js';

const pg = await postgresFactory();
const LIMIT = 40;

describe.skipIf(Boolean(pg.unavailable))('a rate limit holds across two replicas under concurrent load', () => {
  const replicas = twoReplicasOnPostgres({ searchPerMinute: LIMIT });

  it('admits one caller at most its limit in all, however its searches are spread, then both replicas refuse it', async () => {
    const [first, second] = [replicas.first(), replicas.second()];
    const [bob, alice] = [await tokenFor(first.app, 'user:default/bob'), await tokenFor(first.app, 'user:default/alice')];
    const search = (pave: AuthPave, token: string) => fetch(`${pave.url}/api/search?q=payments`, { headers: bearer(token) });
    // Warm-up requests put places in both replicas' memory; then a burst far past the limit, at once, on both.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await search(i % 2 ? second : first, bob)).status);
    const burst = await Promise.all(Array.from({ length: 3 * LIMIT }, (_, i) => search(i % 2 ? second : first, bob)));
    statuses.push(...burst.map(response => response.status));
    expect(statuses.filter(status => status === 200).length).toBeLessThanOrEqual(LIMIT);
    expect(statuses.filter(status => status !== 200 && status !== 429)).toEqual([]);
    // Each replica had more requests than places, so it handed out every place it took: the limit, exactly.
    expect(statuses.filter(status => status === 200).length).toBe(LIMIT);
    for (const pave of [first, second]) {
      const refused = await search(pave, bob);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toMatch(/problem\+json/);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // Another caller has a count of its own.
    expect((await search(second, alice)).status).toBe(200);
  });
});
