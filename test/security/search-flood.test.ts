/**
 * A flood of searches of new words, each ~5–10 ms of ranking, cannot hold the server's memory without limit: at most
 * `catalog.maxWaitingSearches` wait for their turn (each holding its candidates and documents meanwhile), and every
 * one past them is refused at once, 503 busy with Retry-After, holding nothing. Those that waited are answered in
 * full. PostgreSQL only: the turn is held open by a lock (test/support/held-search-turn.ts).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../../src/pave-config.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { POSTGRES_URL } from '../support/require-all.js';
import { adminQuery, postgresFactory } from '../support/stores.js';
import { holdSearchTurn, metricSample } from '../support/held-search-turn.js';

const postgres = await postgresFactory();
const MAX_WAITING = 3;
const FLOOD = 40;

describe.skipIf(Boolean(postgres.unavailable))('a flood of searches (PostgreSQL)', { timeout: 120_000 }, () => {
  const schema = `pave_search_flood_${Date.now()}_${Math.random().toString(36).slice(2, 7)}`;
  let pave: RunningPave;

  beforeAll(async () => {
    await adminQuery(`CREATE SCHEMA ${schema}`);
    pave = await startPave({ config: { databaseUrl: POSTGRES_URL, databaseSchema: schema, catalog: { ...defaultConfig().catalog, maxWaitingSearches: MAX_WAITING } } });
  });
  afterAll(async () => {
    await pave?.close();
    await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });

  it('keeps at most maxWaitingSearches waiting and refuses the rest at once, 503 with Retry-After', async () => {
    const held = await holdSearchTurn(pave, schema, 'first');
    let statuses: number[];
    try {
      // Distinct words: no search shares another's ranking. Which of them wait is the server's order of arrival.
      const settled: Response[] = [];
      const flood = Array.from({ length: FLOOD }, (_, i) => fetch(`${pave.url}/api/search?q=flood${i}word`).then(response => (settled.push(response), response)));
      // Those refused are answered while the turn is still held: refused at once, not after waiting.
      await vi.waitFor(() => expect(settled.length).toBe(FLOOD - MAX_WAITING), { timeout: 30_000 });
      expect(settled.every(response => response.status === 503 && Number(response.headers.get('retry-after')) > 0)).toBe(true);
      expect(await metricSample(pave, 'pave_search_waiting')).toBe(MAX_WAITING);
      expect(await metricSample(pave, 'pave_search_refused_total')).toBe(FLOOD - MAX_WAITING);
      await held.release();
      statuses = (await Promise.all(flood)).map(response => response.status);
    } finally {
      await held.release();
    }
    expect((await held.answer).status).toBe(200);
    expect(statuses.filter(status => status === 200)).toHaveLength(MAX_WAITING);
    expect(statuses.filter(status => status === 503)).toHaveLength(FLOOD - MAX_WAITING);
    expect(await metricSample(pave, 'pave_search_waiting')).toBe(0);
  });
});
