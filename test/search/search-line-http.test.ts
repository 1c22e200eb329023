/**
 * Searches wait for their turn to find and rank candidates one at a time (src/core/one-at-a-time.ts), at most
 * `catalog.maxWaitingSearches` of them: over HTTP, one more is answered a 503 busy problem with Retry-After at once,
 * and a search whose client disconnects while it waits leaves the line, is never ranked nor kept, and is counted by
 * `pave_search_abandoned_total`. The line is held by state, not time: on PostgreSQL, the first search's turn reads
 * the search documents of a new catalog state, and the test holds a lock on that table until it has seen the rest.
 * (SQLite reads synchronously on the loop: nothing can hold a turn open there; test/core's unit test covers the line
 * itself on both.)
 */
import http from 'node:http';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { POSTGRES_URL } from '../support/require-all.js';
import { adminQuery, postgresFactory } from '../support/stores.js';

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
    pave = await startPave({ logger: createLogger('error', sink), config: { databaseUrl: POSTGRES_URL, databaseSchema: schema, catalog: { maxWaitingSearches: 1 } as never } });
    for (const [name, description] of [['wombat-tracker', 'tracks wombats'], ['numbat-feeder', 'feeds numbats'], ['quokka-counter', 'counts quokkas']]) {
      await pave.app.catalog.saveEntity(component(name!, description!));
    }
    // The warm-up has read the documents once.
    await vi.waitFor(() => expect(pave.app.catalog.searchWarming).toBe(false), { timeout: 30_000 });
  });
  afterAll(async () => {
    await pave?.close();
    await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });

  /** One sample of the Prometheus exposition, by its name and labels as written (`name{labels}`). */
  const metric = async (sample: string): Promise<number> => {
    const text = await (await fetch(`${pave.url}/metrics`)).text();
    const line = text.split('\n').find(candidate => candidate.startsWith(sample + ' '));
    return line ? Number(line.slice(sample.length + 1)) : 0;
  };

  it('answers one search past the bound 503 busy with Retry-After, and drops a waiting search whose client went away', async () => {
    // A new catalog state: the next search's turn reads the documents again, and waits for the lock.
    await pave.app.catalog.saveEntity(component('bilby-burrow', 'digs burrows'));
    const lock = new pg.Client({ connectionString: POSTGRES_URL });
    await lock.connect();
    await lock.query('BEGIN');
    await lock.query(`LOCK TABLE ${schema}.search_documents IN ACCESS EXCLUSIVE MODE`);
    let first: Promise<Response>;
    try {
      first = fetch(`${pave.url}/api/search?q=wombat`);
      await vi.waitFor(
        async () => {
          const { rows } = await lock.query<{ waiting: number }>(`SELECT count(*)::int AS waiting FROM pg_locks WHERE NOT granted AND relation = '${schema}.search_documents'::regclass`);
          expect(rows[0]!.waiting).toBeGreaterThan(0);
        },
        { timeout: 30_000 },
      );

      // The second waits its turn: its client gives up then.
      const second = http.get(`${pave.url}/api/search?q=numbat`);
      const secondClosed = new Promise<void>(resolve => second.on('error', () => resolve()).on('close', () => resolve()));
      await vi.waitFor(async () => expect(await metric('pave_search_waiting')).toBe(1), { timeout: 30_000 });

      const third = await fetch(`${pave.url}/api/search?q=quokka`);
      expect(third.status).toBe(503);
      expect(third.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await third.json()).toMatchObject({ type: 'https://pave.dev/problems/busy', status: 503, instance: '/api/search?q=quokka' });
      expect(await metric('pave_search_refused_total')).toBe(1);

      second.destroy();
      await secondClosed;
      await vi.waitFor(async () => expect(await metric('pave_search_abandoned_total')).toBe(1), { timeout: 30_000 });
      expect(await metric('pave_search_waiting')).toBe(0);
    } finally {
      await lock.query('COMMIT');
      await lock.end();
    }

    const answered = await first;
    expect(answered.status).toBe(200);
    expect(((await answered.json()) as { results: Array<{ name: string }> }).results.map(hit => hit.name)).toEqual(['wombat-tracker']);
    // The abandoned search was never ranked, and nothing failed: the server logged no error for it.
    expect(await metric('pave_search_abandoned_total')).toBe(1);
    expect(logged).toEqual([]);
    // Asked again, it is ranked now, in full.
    const again = await fetch(`${pave.url}/api/search?q=numbat`);
    expect(((await again.json()) as { results: Array<{ name: string }> }).results.map(hit => hit.name)).toEqual(['numbat-feeder']);
  });
});
