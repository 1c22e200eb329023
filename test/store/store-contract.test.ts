import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Entity } from '../../src/core/entity.js';
import { upsertEntity, deleteEntities } from '../../src/catalog/entity-writer.js';
import { EntityReader } from '../../src/catalog/query/entity-reader.js';
import { searchEntities } from '../../src/catalog/query/full-text-search.js';
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
    for (const entity of entities) outcomes.push(await store.transaction(trx => upsertEntity(trx, store.dialect, { entity, locationId: null, source: null }, NOW)));
    return outcomes;
  }

  it('writes idempotently: same content keeps the etag, a spec change bumps the generation', async () => {
    const [first] = await write(component('payments'));
    expect(first!.outcome).toBe('created');
    const before = await reader.byRef('component:default/payments');
    const [again] = await write(component('payments'));
    expect(again).toEqual({ id: first!.id, outcome: 'unchanged' });
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
    await store.transaction(trx => deleteEntities(trx, store.dialect, [payments!.metadata.uid!]));
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

  it('ranks full-text matches on the name above matches in the description, and matches prefixes', async () => {
    await write(
      component('ledger', {}, { description: 'Keeps the books balanced' }),
      component('invoicing', {}, { description: 'Sends invoices; reads from the ledger' }),
      component('unrelated', {}, { description: 'Something else entirely' }),
    );
    const hits = await searchEntities(store, { query: 'ledger' });
    expect(hits.map(h => h.name)).toEqual(['ledger', 'invoicing']);
    expect((await searchEntities(store, { query: 'invoic' })).map(h => h.name)).toEqual(['invoicing']);
    expect(await searchEntities(store, { query: 'books ledger' })).toHaveLength(1);
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
