import pg from 'pg';
import { expect, vi } from 'vitest';
import { POSTGRES_URL } from './require-all.js';
import type { RunningPave } from './pave-server.js';

/** A search holding its turn open (held) until `release`, and its answer once released. */
export interface HeldSearchTurn {
  answer: Promise<Response>;
  release(): Promise<void>;
}

/**
 * Starts a search of `q` on a Pave over the PostgreSQL `schema` and holds its turn in search's line open: a new
 * catalog state makes the turn read the search documents again, and a lock on their table keeps that read waiting
 * until `release`. Returns once the read waits for the lock (PostgreSQL's own view of its locks: a state, not a time).
 * SQLite reads synchronously on the event loop: nothing can hold a turn open there.
 * @example const held = await holdSearchTurn(pave, schema, 'wombat'); … await held.release(); (await held.answer).status // 200
 */
export async function holdSearchTurn(pave: RunningPave, schema: string, q: string): Promise<HeldSearchTurn> {
  // The warm-up has read the documents once; the next state is read by the next search's turn.
  await vi.waitFor(() => expect(pave.app.catalog.searchWarming).toBe(false), { timeout: 30_000 });
  await pave.app.catalog.saveEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: `held-${Date.now()}` }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a' } });
  const lock = new pg.Client({ connectionString: POSTGRES_URL });
  await lock.connect();
  await lock.query('BEGIN');
  await lock.query(`LOCK TABLE ${schema}.search_documents IN ACCESS EXCLUSIVE MODE`);
  const answer = fetch(`${pave.url}/api/search?q=${encodeURIComponent(q)}`);
  let released: Promise<void> | undefined;
  // Once, however many times it is called (a test's finally after its own release).
  const release = () => (released ??= lock.query('COMMIT').then(() => lock.end()));
  try {
    await vi.waitFor(
      async () => {
        const { rows } = await lock.query<{ waiting: number }>(`SELECT count(*)::int AS waiting FROM pg_locks WHERE NOT granted AND relation = '${schema}.search_documents'::regclass`);
        expect(rows[0]!.waiting).toBeGreaterThan(0);
      },
      { timeout: 30_000 },
    );
  } catch (error) {
    await release();
    throw error;
  }
  return { answer, release };
}

/** One sample of a Pave's Prometheus exposition, by its name and labels as written (`name{labels}`); 0 when absent. */
export async function metricSample(pave: RunningPave, sample: string): Promise<number> {
  const text = await (await fetch(`${pave.url}/metrics`)).text();
  const line = text.split('\n').find(candidate => candidate.startsWith(sample + ' '));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}
