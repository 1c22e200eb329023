/**
 * Searches wait for their turn to find and rank candidates one at a time (src/core/one-at-a-time.ts), at most
 * `catalog.maxWaitingSearches` of them: over HTTP, one more is answered a 503 busy problem with Retry-After at once,
 * and a search whose client disconnects while it waits leaves the line, is never ranked nor kept, is counted by
 * `pave_search_abandoned_total`, and logs no error; so is the search of an MCP `search_catalog` call its MCP client
 * cancels (the call's signal ends the in-process request, src/mcp/tool-api.ts). PostgreSQL only: the first search's turn is held open by a lock
 * (test/support/held-search-turn.ts), which SQLite's synchronous reads cannot wait for; the line itself is tested
 * in src/core/one-at-a-time.test.ts.
 */
import http from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { defaultConfig } from '../../src/pave-config.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { POSTGRES_URL } from '../support/require-all.js';
import { adminQuery, postgresFactory } from '../support/stores.js';
import { holdSearchTurn, metricSample } from '../support/held-search-turn.js';
import { connectMcp } from '../mcp/support.js';

const postgres = await postgresFactory();

const component = (name: string, description: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, description },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
});

describe.skipIf(Boolean(postgres.unavailable))('the line of searches over HTTP (PostgreSQL)', { timeout: 120_000 }, () => {
  const schema = `pave_search_line_${Date.now()}_${Math.random().toString(36).slice(2, 7)}`;
  let pave: RunningPave;
  /** What the server logs as errors. */
  const logged: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (logged.push(chunk.toString()), done()) });

  beforeAll(async () => {
    await adminQuery(`CREATE SCHEMA ${schema}`);
    pave = await startPave({ logger: createLogger('error', sink), config: { databaseUrl: POSTGRES_URL, databaseSchema: schema, catalog: { ...defaultConfig().catalog, maxWaitingSearches: 1 } } });
    for (const [name, description] of [['wombat-tracker', 'tracks wombats'], ['numbat-feeder', 'feeds numbats'], ['quokka-counter', 'counts quokkas']]) {
      await pave.app.catalog.saveEntity(component(name!, description!));
    }
  });
  afterAll(async () => {
    await pave?.close();
    await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });

  it('answers one search past the bound 503 busy with Retry-After, and drops a waiting search whose client went away', async () => {
    const held = await holdSearchTurn(pave, schema, 'wombat');
    try {
      // The second waits its turn: its client gives up then.
      const second = http.get(`${pave.url}/api/search?q=numbat`);
      const secondClosed = new Promise<void>(resolve => second.on('error', () => resolve()).on('close', () => resolve()));
      await vi.waitFor(async () => expect(await metricSample(pave, 'pave_search_waiting')).toBe(1), { timeout: 30_000 });

      const third = await fetch(`${pave.url}/api/search?q=quokka`);
      expect(third.status).toBe(503);
      expect(third.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await third.json()).toMatchObject({ type: 'https://pave.dev/problems/busy', status: 503, instance: '/api/search?q=quokka' });
      expect(await metricSample(pave, 'pave_search_refused_total')).toBe(1);

      second.destroy();
      await secondClosed;
      await vi.waitFor(async () => expect(await metricSample(pave, 'pave_search_abandoned_total')).toBe(1), { timeout: 30_000 });
      expect(await metricSample(pave, 'pave_search_waiting')).toBe(0);
    } finally {
      await held.release();
    }

    const answered = await held.answer;
    expect(answered.status).toBe(200);
    expect(((await answered.json()) as { results: Array<{ name: string }> }).results.map(hit => hit.name)).toEqual(['wombat-tracker']);
    // The abandoned search was never ranked, and nothing failed: the server logged no error for it.
    expect(await metricSample(pave, 'pave_search_abandoned_total')).toBe(1);
    expect(logged).toEqual([]);
    // Asked again, it is ranked now, in full.
    const again = await fetch(`${pave.url}/api/search?q=numbat`);
    expect(((await again.json()) as { results: Array<{ name: string }> }).results.map(hit => hit.name)).toEqual(['numbat-feeder']);
  });

  it('stops the search of an MCP search_catalog call that its MCP client cancels while it waits', async () => {
    const client = await connectMcp(pave.url, {});
    const abandoned = await metricSample(pave, 'pave_search_abandoned_total');
    const held = await holdSearchTurn(pave, schema, 'quokka');
    try {
      const cancel = new AbortController();
      const call = client.callTool({ name: 'search_catalog', arguments: { q: 'numbat' } }, undefined, { signal: cancel.signal });
      await vi.waitFor(async () => expect(await metricSample(pave, 'pave_search_waiting')).toBe(1), { timeout: 30_000 });
      cancel.abort();
      await expect(call).rejects.toThrow();
      await vi.waitFor(async () => expect(await metricSample(pave, 'pave_search_abandoned_total')).toBe(abandoned + 1), { timeout: 30_000 });
      expect(await metricSample(pave, 'pave_search_waiting')).toBe(0);
    } finally {
      await held.release();
      await client.close();
    }
    expect((await held.answer).status).toBe(200);
    expect(logged).toEqual([]);
  });
});
