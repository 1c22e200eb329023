import { CatalogChanges } from '../../src/catalog/catalog-changes.js';
import { EventLog } from '../../src/store/event-log.js';
import { AuditLog } from '../../src/store/audit-log.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Entity } from '../../src/core/entity.js';
import { upsertEntity, deleteEntities } from '../../src/catalog/entity-writer.js';
import { advanceCatalogState } from '../../src/catalog/catalog-state.js';
import { ANNOTATION_ORPHAN, applyLocationContent } from '../../src/catalog/location-refresh.js';
import type { LocationContent } from '../../src/catalog/ingest/read-location.js';
import { EntityReader } from '../../src/catalog/query/entity-reader.js';
import { CatalogSearch, type SearchRequest } from '../../src/catalog/search/catalog-search.js';
import { JobQueue } from '../../src/store/job-queue.js';
import { Store } from '../../src/store/store.js';
import type { Clock } from '../../src/core/clock.js';
import { postgresFactory, sqliteFactory, type StoreFactory, type TestStore } from '../support/stores.js';

/**
 * One contract, two databases: everything the catalog and job queue rely on must behave the same on
 * SQLite and PostgreSQL.
 */
const factories: StoreFactory[] = [sqliteFactory, await postgresFactory()];

const NOW = '2026-11-25T10:00:00.000Z';

function component(name: string, spec: Record<string, unknown> = {}, metadata: Partial<Entity['metadata']> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', ...metadata },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a', ...spec },
  };
}

const group = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
});

for (const factory of factories) describe.skipIf(Boolean(factory.unavailable))(`store contract: ${factory.name}`, () => {
  let handle: TestStore;
  let store: Store;
  let reader: EntityReader;

  beforeEach(async () => {
    handle = await factory.open();
    store = handle.store;
    reader = new EntityReader(store);
  });
  afterEach(async () => handle?.dispose());

  async function write(...entities: Entity[]) {
    const outcomes = [];
    // As every catalog writer does (CatalogChanges), the write moves the catalog state: readers keep answers per state.
    for (const entity of entities) {
      outcomes.push(
        await store.transaction(async trx => {
          const outcome = await upsertEntity(trx, store.dialect, { entity, locationId: null, source: null }, NOW);
          await advanceCatalogState(store, trx);
          return outcome;
        }),
      );
    }
    return outcomes;
  }

  it('writes idempotently: same content keeps the etag, a spec change bumps the generation', async () => {
    const [first] = await write(component('payments'));
    expect(first!.outcome).toBe('created');
    const before = await reader.byRef('component:default/payments');
    const [again] = await write(component('payments'));
    expect(again).toMatchObject({ id: first!.id, outcome: 'unchanged' });
    expect(again!.previousEtag).toBeUndefined();
    expect((await reader.byRef('component:default/payments'))!.metadata.etag).toBe(before!.metadata.etag);
    await write(component('payments', { lifecycle: 'deprecated' }));
    const after = await reader.byRef('COMPONENT:default/Payments');
    expect(after!.metadata.etag).not.toBe(before!.metadata.etag);
    expect(after!.metadata.uid).toBe(first!.id);
    expect(after!.spec!.lifecycle).toBe('deprecated');
  });

  it('derives relations in both directions and drops them with their origin', async () => {
    await write(group('team-a'), component('payments', { system: 'billing' }));
    const team = await reader.byRef('group:default/team-a');
    expect(team!.relations).toContainEqual(expect.objectContaining({ type: 'ownerOf', targetRef: 'component:default/payments' }));
    const payments = await reader.byRef('component:default/payments');
    expect(payments!.relations!.map(r => `${r.type} ${r.targetRef}`).sort()).toEqual(['ownedBy group:default/team-a', 'partOf system:default/billing']);
    await store.transaction(async trx => {
      await deleteEntities(trx, store.dialect, [payments!.metadata.uid!]);
      await advanceCatalogState(store, trx);
    });
    expect((await reader.byRef('group:default/team-a'))!.relations).toEqual([]);
  });

  it('filters with Backstage semantics: OR across filters, AND within, IN for repeated keys, bare key exists', async () => {
    await write(
      component('a', { type: 'service', lifecycle: 'production' }, { tags: ['java'] }),
      component('b', { type: 'website', lifecycle: 'production' }),
      component('c', { type: 'library', lifecycle: 'experimental' }, { tags: ['Java', 'go'] }),
      group('team-a'),
    );
    const names = async (filter: string[]) => (await reader.list({ filter })).map(e => e.metadata.name).sort();
    expect(await names(['kind=component,spec.lifecycle=production'])).toEqual(['a', 'b']);
    expect(await names(['spec.type=service', 'spec.type=library'])).toEqual(['a', 'c']);
    expect(await names(['spec.type=service,spec.type=website'])).toEqual(['a', 'b']);
    expect(await names(['metadata.tags'])).toEqual(['a', 'c']);
    expect(await names(['METADATA.TAGS=JAVA'])).toEqual(['a', 'c']);
    expect(await names(['relations.ownedBy=group:default/team-a,spec.type=library'])).toEqual(['c']);
    expect(await names(['kind=group'])).toEqual(['team-a']);
    expect(await names([])).toEqual(['a', 'b', 'c', 'team-a']);
  });

  it('pages through a query with cursors both ways, without gaps or duplicates', async () => {
    const all = Array.from({ length: 23 }, (_, i) => component(`svc-${String(i).padStart(2, '0')}`));
    for (const entity of all) await write(entity);
    const seen: string[] = [];
    let page = await reader.query({ filter: ['kind=component'], limit: 5, orderFields: [{ field: 'metadata.name', order: 'desc' }] });
    expect(page.totalItems).toBe(23);
    expect(page.pageInfo.prevCursor).toBeUndefined();
    const pages = [page];
    seen.push(...page.items.map(e => e.metadata.name));
    while (page.pageInfo.nextCursor) {
      page = await reader.query({ cursor: page.pageInfo.nextCursor, limit: 5 });
      pages.push(page);
      seen.push(...page.items.map(e => e.metadata.name));
    }
    expect(seen).toEqual(all.map(e => e.metadata.name).sort().reverse());
    const back = await reader.query({ cursor: page.pageInfo.prevCursor!, limit: 5 });
    expect(back.items.map(e => e.metadata.name)).toEqual(pages[pages.length - 2]!.items.map(e => e.metadata.name));
  });

  it('counts facets over the filtered entities, with values as written', async () => {
    await write(component('a', { type: 'Service' }), component('b', { type: 'Service' }), component('c', { type: 'website' }), group('team-a'));
    const facets = await reader.facets(['spec.type', 'kind'], ['kind=component']);
    expect(facets['spec.type']).toEqual([{ value: 'Service', count: 2 }, { value: 'website', count: 1 }]);
    expect(facets.kind).toEqual([{ value: 'Component', count: 3 }]);
  });

  it('ranks search matches on the name above matches in the description, and matches prefixes', async () => {
    await write(
      component('ledger', {}, { description: 'Keeps the books balanced' }),
      component('invoicing', {}, { description: 'Sends invoices; reads from the ledger' }),
      component('unrelated', {}, { description: 'Something else entirely' }),
    );
    const hits = await searchEntities(store, { query: 'ledger' });
    expect(hits.map(h => h.name)).toEqual(['ledger', 'invoicing']);
    expect((await searchEntities(store, { query: 'invoic' })).map(h => h.name)).toEqual(['invoicing']);
    expect((await searchEntities(store, { query: 'books ledger' })).map(h => [h.name, h.matchedWords])).toEqual([['ledger', 2], ['invoicing', 1]]);
    expect(await searchEntities(store, { query: '"; DROP TABLE entities; --' })).toEqual([]);
  });

  it('rolls back a failed transaction completely', async () => {
    await expect(
      store.transaction(async trx => {
        await upsertEntity(trx, store.dialect, { entity: component('half'), locationId: null, source: null }, NOW);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await reader.byRef('component:default/half')).toBeUndefined();
    expect(await searchEntities(store, { query: 'half' })).toEqual([]);
    const rows = await store.db.selectFrom('entity_search').select('entity_id').execute();
    expect(rows).toEqual([]);
  });

  const searchEntities = async (store: Store, request: SearchRequest) => (await new CatalogSearch(store).search(request)).results;

describe('location refresh', () => {
    const LOCATION = 'location-1';
    /** More entities than the writer puts in one chunk, so chunk boundaries are crossed. */
    const N = 450;
    /** A word no other entity's text contains (digits spelled as letters, so the tokenizer keeps one word). */
    const wordOf = (i: number) => `w${String(i).replace(/\d/g, d => 'abcdefghij'[Number(d)]!)}z`;
    const bulk = (i: number, change: { description?: string; system?: string } = {}) =>
      component(`bulk-${i}`, { system: change.system ?? `sys-${i % 7}` }, { description: change.description ?? `alpha ${wordOf(i)}`, tags: ['bulk'] });
    const read = (entities: Entity[]): LocationContent => ({ entities: entities.map((entity, document) => ({ entity, source: 'file:/catalog/all.yaml', document })), errors: [], files: 1, kept: [], skippable: [] });
    const apply = (entities: Entity[], orphanStrategy: 'delete' | 'keep' = 'delete') => applyLocationContent(store, { id: LOCATION }, read(entities), { orphanStrategy, now: NOW, fingerprint: 'contract', changes: new CatalogChanges(store, new EventLog(store), new AuditLog(store)) });
    const all = (change: (i: number) => Parameters<typeof bulk>[1] = () => ({})) => Array.from({ length: N }, (_, i) => bulk(i, change(i)));
    const stored = async () => new Map((await store.db.selectFrom('entities').select(['ref', 'id', 'etag', 'generation', 'updated_at']).execute()).map(row => [row.ref, row]));
    const derivedCounts = async (id: string) => ({
      search: (await store.db.selectFrom('entity_search').select('key').where('entity_id', '=', id).execute()).length,
      relations: (await store.db.selectFrom('relations').select('type').where('origin_id', '=', id).execute()).length,
    });
    /** Entities whose current text holds the word itself (search also offers near spellings: not these). */
    const hits = async (query: string) =>
      (await searchEntities(store, { query, limit: 100 })).filter(hit => hit.snippet?.parts.some(part => part.match && part.text === query)).map(hit => hit.name).sort();

    beforeEach(async () => {
      await store.db
        .insertInto('locations')
        .values({ id: LOCATION, type: 'file', target: '/catalog/all.yaml', edit_mode: 'direct', state: 'refreshing', entity_count: 0, error_count: 0, last_refresh_at: null, last_error: null, created_at: NOW })
        .execute();
    });

    it('writes a large read; the same read again changes nothing; a changed entity has every derived row current', async () => {
      expect(await apply(all())).toMatchObject({ created: N, updated: 0, unchanged: 0, errors: [] });
      const first = await stored();
      expect(first.size).toBe(N);
      const derived = await derivedCounts(first.get('component:default/bulk-5')!.id);
      expect(derived.search).toBeGreaterThan(0);

      expect(await apply(all())).toMatchObject({ created: 0, updated: 0, unchanged: N });
      expect(await stored()).toEqual(first);

      // Every fifth entity gets a new description; bulk-1 also moves to another system (a spec change).
      const changed = (i: number) => i % 5 === 0;
      const next = all(i => ({ ...(changed(i) ? { description: 'omega' } : {}), ...(i === 1 ? { system: 'sys-moved' } : {}) }));
      expect(await apply(next)).toMatchObject({ created: 0, updated: N / 5 + 1, unchanged: N - N / 5 - 1 });
      const second = await stored();
      for (const [ref, row] of second) {
        const i = Number(ref.split('-').pop());
        const before = first.get(ref)!;
        expect(row.id).toBe(before.id);
        expect(row.etag === before.etag).toBe(!changed(i) && i !== 1);
        expect(row.generation).toBe(before.generation + (i === 1 ? 1 : 0));
      }
      expect(await derivedCounts(second.get('component:default/bulk-5')!.id)).toEqual(derived);
      expect(await hits('omega')).toEqual(Array.from({ length: N / 5 }, (_, k) => `bulk-${k * 5}`).sort());
      expect(await hits(wordOf(5))).toEqual([]);
      expect(await hits(wordOf(6))).toEqual(['bulk-6']);
      expect((await reader.list({ filter: ['spec.system=sys-moved'] })).map(e => e.metadata.name)).toEqual(['bulk-1']);
      expect((await reader.list({ filter: ['relations.partOf=system:default/sys-1'] })).map(e => e.metadata.name)).not.toContain('bulk-1');
      expect((await reader.byRef('component:default/bulk-1'))!.relations).toContainEqual(expect.objectContaining({ type: 'partOf', targetRef: 'system:default/sys-moved' }));
    });

    it('keeps entities that left as orphans once, removes them with everything derived, and never overwrites another owner', async () => {
      await write(component('bulk-3', {}, { description: 'saved through the API' }));
      const apiSaved = await reader.byRef('component:default/bulk-3');
      const first = await apply(all());
      expect(first).toMatchObject({ created: N - 1, conflicts: 1 });
      expect(first.errors).toEqual([expect.objectContaining({ rule: 'conflict', entityRef: 'component:default/bulk-3', source: 'file:/catalog/all.yaml', document: 3 })]);
      expect(await reader.byRef('component:default/bulk-3')).toEqual(apiSaved);

      const kept = all().slice(0, N - 50);
      expect(await apply(kept, 'keep')).toMatchObject({ orphaned: 50, removed: 0, unchanged: N - 51 });
      const orphan = await reader.byRef(`component:default/bulk-${N - 1}`);
      expect(orphan!.metadata.annotations?.[ANNOTATION_ORPHAN]).toBe('true');
      expect(await apply(kept, 'keep')).toMatchObject({ orphaned: 0, unchanged: N - 51 });

      expect(await apply(kept, 'delete')).toMatchObject({ removed: 50, orphaned: 0 });
      expect(await reader.byRef(`component:default/bulk-${N - 1}`)).toBeUndefined();
      expect(await derivedCounts(orphan!.metadata.uid!)).toEqual({ search: 0, relations: 0 });
      expect(await hits(wordOf(N - 1))).toEqual([]);
      expect(await hits(wordOf(N - 51))).toEqual([`bulk-${N - 51}`]);
      expect(await reader.byRef('component:default/bulk-3')).toEqual(apiSaved);
    });

    it('lets timers run while it applies a large read', async () => {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      try {
        // Yielding after every piece of work, so the outcome does not hang on how fast this machine is today.
        const ticksWhenDone = await applyLocationContent(store, { id: LOCATION }, read(all()), { orphanStrategy: 'delete', now: NOW, fingerprint: 'contract', yieldEveryMs: 0, changes: new CatalogChanges(store, new EventLog(store), new AuditLog(store)) }).then(() => ticks);
        expect(ticksWhenDone).toBeGreaterThan(0);
      } finally {
        clearInterval(timer);
      }
    });
  });

  describe('job queue', () => {
    let now: Date;
    const clock: Clock = { now: () => now };
    beforeEach(() => {
      now = new Date(NOW);
    });

    it('enqueues once per key and hands a due job to exactly one of two workers', async () => {
      const a = new JobQueue(store, { owner: 'a', clock });
      const b = new JobQueue(store, { owner: 'b', clock });
      await a.enqueue('q', 'k1', { n: 1 });
      await b.enqueue('q', 'k1', { n: 2 });
      expect(await a.list('q')).toHaveLength(1);
      const [first, second] = await Promise.all([a.claim<{ n: number }>('q', 1000), b.claim('q', 1000)]);
      expect([first, second].filter(Boolean)).toHaveLength(1);
      expect((first ?? second)!.payload).toEqual({ n: 2 });
    });

    it('lets another worker take over an expired lease, and the first then cannot finish', async () => {
      const a = new JobQueue(store, { owner: 'a', clock });
      const b = new JobQueue(store, { owner: 'b', clock });
      await a.enqueue('q', 'k', {});
      const job = (await a.claim('q', 1000))!;
      expect(await b.claim('q', 1000)).toBeUndefined();
      now = new Date(now.getTime() + 1001);
      const taken = (await b.claim('q', 1000))!;
      expect(taken.attempts).toBe(2);
      expect(await a.finish(job)).toBe(false);
      expect(await b.finish(taken)).toBe(true);
      expect(await a.list('q')).toEqual([]);
    });

    it('backs off after a failure and runs again when asked during a run', async () => {
      const q = new JobQueue(store, { owner: 'a', clock });
      await q.enqueue('q', 'k', {});
      const job = (await q.claim('q', 60_000))!;
      const retryAt = await q.fail(job, 'remote unreachable', { baseMs: 1000 });
      expect(retryAt.getTime()).toBeGreaterThanOrEqual(now.getTime() + 800);
      expect(await q.claim('q', 60_000)).toBeUndefined();
      const [listed] = await q.list('q');
      expect(listed).toMatchObject({ last_error: 'remote unreachable', state: 'ready' });
      now = new Date(retryAt.getTime() + 1);
      const again = (await q.claim('q', 60_000))!;
      await q.enqueue('q', 'k', {});
      expect(await q.finish(again, { rescheduleAt: new Date(now.getTime() + 3_600_000) })).toBe(true);
      expect(await q.claim('q', 60_000)).toBeDefined();
    });

    it('hands back only its own claims (an owner that is a prefix of another’s is not confused with it), and counts jobs by queue and state', async () => {
      const a = new JobQueue(store, { owner: 'host:1', clock });
      const other = new JobQueue(store, { owner: 'host:10', clock });
      for (const key of ['k1', 'k2', 'k3']) await a.enqueue('q', key, {});
      const mine = (await a.claim('q', 600_000))!;
      const theirs = (await other.claim('q', 600_000))!;
      const byState = async () => (await a.stats()).sort((x, y) => x.state.localeCompare(y.state));
      expect(await byState()).toEqual([{ queue: 'q', state: 'ready', count: 1, oldestRunAt: NOW }, { queue: 'q', state: 'running', count: 2, oldestRunAt: NOW }]);
      expect(await a.handBack()).toBe(1);
      const rows = await a.list('q');
      expect(rows.find(job => job.key === mine.key)).toMatchObject({ state: 'ready', lease_owner: null, lease_expires_at: null });
      expect(rows.find(job => job.key === theirs.key)).toMatchObject({ state: 'running', lease_owner: theirs.claimToken });
      expect(await byState()).toEqual([{ queue: 'q', state: 'ready', count: 2, oldestRunAt: NOW }, { queue: 'q', state: 'running', count: 1, oldestRunAt: NOW }]);
      expect(await other.finish(theirs)).toBe(true);
    });
  });

  it('refuses to open a database that a newer Pave migrated, naming the migration', async () => {
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999-from-the-future', '2030-01-01T00:00:00.000Z')`.execute(store.db);
    expect(await store.unknownMigrations(store.migrationNames)).toEqual(['9999-from-the-future']);
    await expect(handle.reopen()).rejects.toThrow(/migrated by a newer Pave \(migration 9999-from-the-future unknown to this build\)/);
  });

  it('migrates an already migrated database without change', async () => {
    await write(component('kept'));
    const second = await handle.reopen();
    try {
      expect(await new EntityReader(second).byRef('component:default/kept')).toBeDefined();
    } finally {
      await second.close();
    }
  });
});
