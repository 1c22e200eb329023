import { beforeAll, expect, it } from 'vitest';
import { advanceCatalogState, CatalogState } from '../../src/catalog/catalog-state.js';
import { StateAnswers } from '../../src/catalog/state-answers.js';
import { ALL_ENTITIES, NO_ENTITIES } from '../../src/catalog/query/entity-scope.js';
import { catalogOnEachStore } from '../support/catalog-on-each-store.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';

/**
 * The catalog state version moves with every catalog write (and only then), in the write's transaction;
 * answers kept for a state are found only in that state and scope, within a memory cap.
 */

await catalogOnEachStore('catalog state and the answers kept for it', {}, (on, factory) => {
  let state: CatalogState;
  beforeAll(() => void (state = new CatalogState(on.store)));

  const component = (name: string, lifecycle = 'production') => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name }, spec: { type: 'service', lifecycle, owner: 'team-a' } });

  it('moves with each write that changes the catalog, and not with one that changes nothing', async () => {
    const start = await state.version();
    const saved = await on.catalog.saveEntity(component('one'));
    const created = await state.version();
    expect(created).toBeGreaterThan(start);
    await on.catalog.saveEntity(component('one'));
    expect(await state.version()).toBe(created);
    await on.catalog.saveEntity(component('one', 'experimental'));
    const updated = await state.version();
    expect(updated).toBeGreaterThan(created);
    await on.catalog.deleteByUid(saved.entity.metadata.uid!);
    expect(await state.version()).toBeGreaterThan(updated);
  });

  it('is not seen before the write that moves it commits, and is gone with a write rolled back', async () => {
    const before = await state.version();
    let inside = -1;
    await expect(
      on.store.transaction(async trx => {
        await advanceCatalogState(on.store, trx);
        inside = await state.version();
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(inside).toBe(before);
    expect(await state.version()).toBe(before);
  });

  it('does not move for a refresh that changes nothing (a location event alone keeps every kept answer)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pave-state-'));
    try {
      writeFileSync(join(dir, 'catalog-info.yaml'), JSON.stringify(component('refreshed')));
      const { location } = await on.catalog.locations.register({ type: 'file', target: join(dir, 'catalog-info.yaml') });
      const registered = await state.version();
      await on.catalog.locations.refresh(location.id);
      expect(await state.version()).toBe(registered);
      writeFileSync(join(dir, 'catalog-info.yaml'), JSON.stringify(component('refreshed', 'experimental')));
      await on.catalog.locations.refresh(location.id);
      expect(await state.version()).toBe(registered + 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('moves once per transaction, as its last write, however many changes it records', async () => {
    const before = await state.version();
    const order: string[] = [];
    await on.store.transaction(async trx => {
      await advanceCatalogState(on.store, trx);
      await advanceCatalogState(on.store, trx);
      await on.store.beforeCommit(trx, 'test-after', async () => void order.push('test'));
      order.push('work done');
    });
    expect(order).toEqual(['work done', 'test']);
    expect(await state.version()).toBe(before + 1);
  });

  it.runIf(factory.name === 'postgres')('does not deadlock a refresh deleting an entity with the docs indexer writing its sections', async () => {
    // The refresh (A) records its changes, then deletes an entity; the indexer (B) writes a docs row of that
    // entity (a key-share lock on it) and then moves the state. With the counter taken when A recorded its
    // changes, A waits for B's row and B for A's counter: PostgreSQL would end one with "deadlock detected".
    const { entity } = await on.catalog.saveEntity(component('with-docs'));
    const id = entity.metadata.uid!;
    let indexerWrote!: () => void;
    const wrote = new Promise<void>(resolve => (indexerWrote = resolve));
    let release!: () => void;
    const released = new Promise<void>(resolve => (release = resolve));
    const indexer = on.store.transaction(async trx => {
      await trx.insertInto('search_documents').values({ entity_id: id, section: 'docs/index', title: 't', name: '', description: '', owner: '', body: 'x' }).execute();
      indexerWrote();
      await released;
      await advanceCatalogState(on.store, trx);
    });
    await wrote;
    const refresh = on.store.transaction(async trx => {
      await advanceCatalogState(on.store, trx);
      await trx.deleteFrom('search_documents').where('entity_id', '=', id).execute();
      await trx.deleteFrom('entity_search').where('entity_id', '=', id).execute();
      await trx.deleteFrom('entities').where('id', '=', id).execute();
    });
    // Let the indexer go on once the refresh waits for its row lock (a state, not a time).
    const waiting = async () => {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`.execute(on.store.db);
      return rows[0]!.n > 0;
    };
    while (!(await waiting())) await new Promise(resolve => setImmediate(resolve));
    release();
    await expect(Promise.all([indexer, refresh])).resolves.toBeDefined();
  });

  it("sees another store handle's commit in every version asked after it, while reads are shared", async () => {
    const other = await on.handle.reopen();
    try {
      // Reads back to back, so that one is often under way when the commit returns (asked before it); which
      // calls share a read is shown exactly in src/core/fresh-reads.test.ts.
      let stop = false;
      const spinning = (async () => {
        while (!stop) {
          await Promise.all([state.version(), state.version()]);
          // SQLite's reads answer without a turn of the event loop; the other handle's writes, from their worker, need one.
          await new Promise(resolve => setImmediate(resolve));
        }
      })();
      const start = await new CatalogState(other).version();
      for (let i = 1; i <= 10; i++) {
        await other.transaction(trx => advanceCatalogState(other, trx));
        const committed = start + i;
        // Many at once share reads: every one of them sees the commit.
        const seen = await Promise.all(Array.from({ length: 20 }, () => state.version()));
        expect(seen.every(version => version >= committed)).toBe(true);
      }
      stop = true;
      await spinning;
    } finally {
      await other.close();
    }
  });

  it('keeps answers per state and scope, computing each once however many ask at the same time', async () => {
    const answers = new StateAnswers(on.store);
    let computed = 0;
    const compute = async () => ({ n: ++computed });
    const at = await answers.current();
    const [a, b] = await Promise.all([at.answer('facets', ALL_ENTITIES, 'q', compute, () => 10), at.answer('facets', ALL_ENTITIES, 'q', compute, () => 10)]);
    expect(a).toEqual({ n: 1 });
    expect(b).toBe(a);
    // Another scope, another kind: their own answers.
    expect(await at.answer('facets', NO_ENTITIES, 'q', compute, () => 10)).toEqual({ n: 2 });
    expect(await at.answer('totalItems', ALL_ENTITIES, 'q', compute, () => 10)).toEqual({ n: 3 });
    expect(await (await answers.current()).answer('facets', ALL_ENTITIES, 'q', compute, () => 10)).toEqual({ n: 1 });

    await on.catalog.saveEntity(component('two'));
    const next = await answers.current();
    expect(answers.size).toBe(0);
    expect(await next.answer('facets', ALL_ENTITIES, 'q', compute, () => 10)).toEqual({ n: 4 });
    // A request that read the state before the write is answered afresh, and its answer is not kept.
    expect(await at.answer('facets', ALL_ENTITIES, 'q', compute, () => 10)).toEqual({ n: 5 });
    expect(await next.answer('facets', ALL_ENTITIES, 'q', compute, () => 10)).toEqual({ n: 4 });
  });

  it('goes on with an answer while one request waiting for it stays, though the request that began it went away', async () => {
    const answers = new StateAnswers(on.store);
    const at = await answers.current();
    const first = new AbortController();
    const second = new AbortController();
    let given: AbortSignal | undefined;
    let finish!: (value: string) => void;
    const began = at.answer('search', ALL_ENTITIES, 'q', signal => ((given = signal), new Promise<string>(resolve => (finish = resolve))), () => 10, first.signal);
    const waited = at.answer('search', ALL_ENTITIES, 'q', async () => 'never asked', () => 10, second.signal);
    first.abort();
    expect(given?.aborted).toBe(false);
    finish('ranked');
    expect(await began).toBe('ranked');
    expect(await waited).toBe('ranked');
    expect(at.get('search', ALL_ENTITIES, 'q')).toBe('ranked');
  });

  it('stops an answer once every request waiting for it went away, keeps nothing, and each gets its own end', async () => {
    const answers = new StateAnswers(on.store);
    const at = await answers.current();
    const first = new AbortController();
    const second = new AbortController();
    // The computation waits for its turn, and stops when its signal (everyone's) aborts.
    const abandoned = at.answer('search', ALL_ENTITIES, 'q', signal => new Promise<string>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))), () => 10, first.signal);
    const alsoGone = at.answer('search', ALL_ENTITIES, 'q', async () => 'never asked', () => 10, second.signal);
    first.abort();
    second.abort();
    await expect(abandoned).rejects.toMatchObject({ name: 'AbortError' });
    await expect(alsoGone).rejects.toBe(second.signal.reason);
    expect(at.get('search', ALL_ENTITIES, 'q')).toBeUndefined();
    // Asked again, it is computed anew.
    expect(await at.answer('search', ALL_ENTITIES, 'q', async () => 'again', () => 10)).toBe('again');
  });

  it('lets the least recently used answers go past its memory cap', async () => {
    const answers = new StateAnswers(on.store, { maxWeight: 3_000 });
    const at = await answers.current();
    for (const question of ['a', 'b', 'c']) await at.answer('search', ALL_ENTITIES, question, async () => question, () => 900);
    expect(at.get('search', ALL_ENTITIES, 'a')).toBe('a');
    await at.answer('search', ALL_ENTITIES, 'd', async () => 'd', () => 900);
    // 'b' was used least recently ('a' was just read).
    expect(at.get('search', ALL_ENTITIES, 'b')).toBeUndefined();
    expect(['a', 'c', 'd'].map(q => at.get('search', ALL_ENTITIES, q))).toEqual(['a', 'c', 'd']);
    // An answer larger than the whole cap is not kept at all.
    await at.answer('search', ALL_ENTITIES, 'huge', async () => 'huge', () => 10_000);
    expect(at.get('search', ALL_ENTITIES, 'huge')).toBeUndefined();
    expect(answers.size).toBe(3);
  });

  it('keeps read answers (entities, pages) in memory of their own: many of them never push out a computed answer', async () => {
    const answers = new StateAnswers(on.store, { maxWeight: { computed: 3_000, read: 2_000 } });
    const at = await answers.current();
    await at.answer('search', ALL_ENTITIES, 'costly', async () => 'ranked', () => 900);
    for (let i = 0; i < 10; i++) await at.answer('entity', ALL_ENTITIES, `component:default/e${i}`, async () => i, () => 500);
    expect(at.get('search', ALL_ENTITIES, 'costly')).toBe('ranked');
    // The read pool holds what fits in its own cap, the most recent.
    expect(at.get('entity', ALL_ENTITIES, 'component:default/e9')).toBe(9);
    expect(at.get('entity', ALL_ENTITIES, 'component:default/e0')).toBeUndefined();
  });
});
