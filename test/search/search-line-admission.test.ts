/**
 * The bounded search line (src/core/one-at-a-time.ts, search/catalog-search.ts): a search takes two turns in the line
 * (finding candidates, then ranking them) and is admitted once, before the first: one let in, whose candidates were
 * found, is never refused busy at its ranking because searches that came after it fill the line meanwhile (under a
 * steady flood the searches already admitted would be the ones refused).
 * PostgreSQL: tables locked by a test client hold turns and reads open (states of pg_locks, never times).
 */
import pg from 'pg';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/pave-config.js';
import type { Entity } from '../../src/core/entity.js';
import { catalogServiceOver } from '../support/catalog-service.js';
import { POSTGRES_URL } from '../support/require-all.js';
import { postgresFactory } from '../support/stores.js';

const factory = await postgresFactory();

const component = (name: string): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a' } });

describe.skipIf(Boolean(factory.unavailable))('a search let into the line: postgres', () => {
  it('is answered, not refused busy at its ranking by the searches that came after it', async () => {
    const handle = await factory.open();
    const locks: pg.Client[] = [];
    try {
      const { store } = handle;
      const catalog = catalogServiceOver(store, { ...defaultConfig().catalog, maxWaitingSearches: 1 });
      for (const name of ['wombat-tracker', 'quokka-counter', 'dingo-walker', 'koala-sitter']) await catalog.saveEntity(component(name));
      await catalog.search({ query: 'zzzzzz' });
      const schema = (await sql<{ s: string }>`SELECT current_schema() AS s`.execute(store.db)).rows[0]!.s;
      /** Another session locking `table` until the returned release (COMMIT). */
      const lock = async (table: string) => {
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        locks.push(client);
        await client.connect();
        await client.query('BEGIN');
        await client.query(`LOCK TABLE ${schema}.${table} IN ACCESS EXCLUSIVE MODE`);
        return () => client.query('COMMIT');
      };
      const waitersOn = async (table: string) =>
        Number((await sql<{ n: string }>`SELECT count(*) AS n FROM pg_locks WHERE NOT granted AND relation = ${`${schema}.${table}`}::regclass`.execute(store.db)).rows[0]!.n);
      // A new state: the next turn to find candidates reads the search documents again (document-words.ts), and waits.
      const newState = () => sql`UPDATE catalog_state SET version = version + 1 WHERE name = 'catalog'`.execute(store.db);

      await newState();
      const releaseDocuments = await lock('search_documents');
      const first = catalog.search({ query: 'wombat' });
      await expect.poll(() => waitersOn('search_documents')).toBe(1);
      const second = catalog.search({ query: 'quokka' });
      await expect.poll(() => catalog.searchLine.waiting).toBe(1);
      // Both found their candidates (no word shares a trigram with another: no shared reads); each reads its results' fields (entities) before its ranking turn: held there.
      const releaseEntities = await lock('entities');
      await releaseDocuments();
      await expect.poll(() => waitersOn('entities')).toBe(2);
      // Later searches: one holds the line (finding, at a newer state), one waits in it; or, were admission counted
      // per search, both are refused at once. Either state, then the two admitted ones' reads go on.
      await newState();
      const releaseDocumentsAgain = await lock('search_documents');
      const settledOf = (search: Promise<unknown>) => {
        const state = { settled: false };
        void search.then(() => (state.settled = true), () => (state.settled = true));
        return state;
      };
      const third = catalog.search({ query: 'dingo' });
      const thirdState = settledOf(third);
      await expect.poll(async () => thirdState.settled || (await waitersOn('search_documents')) === 1).toBe(true);
      const fourth = catalog.search({ query: 'koala' });
      const fourthState = settledOf(fourth);
      await expect.poll(() => fourthState.settled || catalog.searchLine.waiting === 1).toBe(true);
      const admittedSettled = Promise.allSettled([first, second]);
      const admittedState = settledOf(admittedSettled);
      await releaseEntities();
      // Their ranking turns were asked: answered, waiting behind the later ones, or reading the newer state's documents
      // (held by the lock until the later ones go on).
      await expect.poll(async () => admittedState.settled || catalog.searchLine.waiting === 3 || (await waitersOn('search_documents')) > (thirdState.settled ? 0 : 1)).toBe(true);
      await releaseDocumentsAgain();
      const admitted = await admittedSettled;
      await Promise.allSettled([third, fourth]);
      expect(admitted.map(outcome => (outcome.status === 'rejected' ? String(outcome.reason) : outcome.value.results.map(hit => hit.name).join()))).toEqual(['wombat-tracker', 'quokka-counter']);
      await catalog.close();
    } finally {
      for (const client of locks) await client.end().catch(() => undefined);
      await handle.dispose();
    }
  });
});
