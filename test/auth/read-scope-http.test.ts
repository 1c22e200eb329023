import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthRule } from '../../src/auth/auth-rule.js';
import type { Entity } from '../../src/core/entity.js';
import { entityRefOf } from '../../src/core/entity-ref.js';
import { searchRowsOf } from '../../src/catalog/search-rows.js';
import type { PaveApp } from '../../src/app.js';
import { appBackends } from '../support/stores.js';
import { json } from '../api/support.js';
import { ORG, bearer, seedOrg, startAuthPave, tokenFor, type AuthPave } from './support.js';

/**
 * Per-entity read rules applied in SQL, over real HTTP on SQLite and PostgreSQL: for a policy that
 * hides entities by kind, namespace, ref glob and owner (role:owner too, for a custom kind through its
 * spec.owner) and with deny rules, every list, page, total, facet count, by-refs answer and search
 * result equals what filtering the whole catalog entity by entity through the policy gives.
 */

const READ = 'catalog.entity.read';
const allowRead = (id: string, subjects: string[], resource?: AuthRule['resource']): AuthRule => ({ id, description: id, effect: 'allow', actions: [READ], subjects, ...(resource ? { resource } : {}) });
const RULES: AuthRule[] = [
  allowRead('people', ['role:signed-in'], { kinds: ['User', 'Group'] }),
  allowRead('default-software', ['role:signed-in'], { kinds: ['Component', 'API', 'System'], namespaces: ['default'] }),
  allowRead('checkout-resources', ['group:default/checkout-team'], { refs: ['resource:default/checkout-*'] }),
  allowRead('platform-owned', ['group:default/engineering'], { owners: ['group:default/platform-team'] }),
  allowRead('owners', ['role:owner']),
  { id: 'no-legacy', description: 'legacy is hidden', effect: 'deny', actions: ['catalog.*'], subjects: ['role:signed-in'], resource: { refs: ['*-legacy'] } },
  { id: 'no-apis-for-payments', description: 'checkout-payments sees no APIs', effect: 'deny', actions: [READ], subjects: ['group:default/checkout-payments'], resource: { kinds: ['api'] } },
];

const MARK = 'scopefixture';
const entity = (kind: string, name: string, owner: string, namespace = 'default', apiVersion = 'backstage.io/v1alpha1'): Entity => ({
  apiVersion,
  kind,
  metadata: { name, namespace, description: `${MARK} ${name}` },
  spec: { type: 'service', lifecycle: 'production', owner, ...(kind === 'API' ? { definition: 'openapi: 3.0.0' } : {}) },
});
const EXTRA: Entity[] = [
  entity('Component', 'checkout-legacy', 'checkout-team'),
  entity('Component', 'dave-secret', 'user:default/dave', 'secret'),
  entity('Component', 'vault', 'group:default/platform-team', 'secret'),
  entity('API', 'payments-api', 'checkout-team'),
  entity('API', 'vault-api', 'group:default/platform-team', 'secret'),
  entity('Resource', 'checkout-db', 'group:default/platform-team'),
  entity('Resource', 'orders-db', 'group:default/checkout-team'),
  entity('Resource', 'ledger', 'group:default/org'),
  entity('System', 'commerce', 'org'),
  // A custom kind has no derived relations: its owners come from spec.owner, in short forms.
  entity('Gadget', 'gizmo', 'default/checkout-team', 'secret', 'example.com/v1'),
  entity('Gadget', 'widget', 'user:dave', 'default', 'example.com/v1'),
  entity('Gadget', 'sprocket', 'platform-team', 'default', 'example.com/v1'),
];
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];

const backends = await appBackends('pave_scope');

for (const backend of backends) {
  describe.skipIf(Boolean(backend.skip))(`read rules in SQL over HTTP: ${backend.name}`, { timeout: 120_000 }, () => {
    let pave: AuthPave;
    let drop: () => Promise<unknown>;
    const tokens = new Map<string, string>();

    beforeAll(async () => {
      const target = await backend.config();
      drop = target.drop;
      pave = await startAuthPave({ auth: { defaultPolicy: false, rules: RULES }, config: target.config, seed: false });
      await seedOrg(pave.app.catalog, [...ORG.map(e => ({ ...e, metadata: { ...e.metadata, description: `${MARK} ${e.metadata.name}` } })), ...EXTRA]);
      for (const name of USERS) tokens.set(name, await tokenFor(pave.app, `user:default/${name}`));
    });
    afterAll(async () => {
      await pave?.close();
      await drop?.();
    });

    const get = (name: string, path: string) => fetch(pave.url + path, { headers: bearer(tokens.get(name)!) });
    const post = (name: string, path: string, body: unknown) =>
      fetch(pave.url + path, { method: 'POST', headers: { ...bearer(tokens.get(name)!), 'content-type': 'application/json' }, body: JSON.stringify(body) });

    it('the policy hides different entities from different people (the premise of the other tests)', async () => {
      const visible = async (name: string) => new Set((await oracle(pave.app, name)).map(entityRefOf));
      const bob = await visible('bob');
      expect(bob.has('component:default/checkout-legacy')).toBe(false); // deny by ref glob
      expect(bob.has('component:secret/dave-secret')).toBe(false); // other namespace, not bob's
      expect(bob.has('resource:default/checkout-db')).toBe(true); // ref glob for checkout-team
      expect(bob.has('gadget:secret/gizmo')).toBe(true); // owner, through a custom kind's spec.owner
      expect(bob.has('gadget:default/widget')).toBe(false); // dave's
      const carol = await visible('carol');
      expect(carol.has('api:default/payments-api')).toBe(false); // deny by kind for a child group
      expect(carol.has('resource:default/orders-db')).toBe(true); // owner through a parent group
      const alice = await visible('alice');
      expect(alice.has('api:secret/vault-api')).toBe(true); // owned by platform-team
      expect(alice.has('gadget:default/sprocket')).toBe(true); // owners rule through spec.owner 'platform-team'
      expect((await visible('erin')).has('component:secret/vault')).toBe(false); // erin is not in engineering
      const dave = await visible('dave');
      expect(dave.has('component:secret/dave-secret')).toBe(true); // owned by the user himself
      expect(dave.has('user:default/dave')).toBe(true);
      const everything = (await pave.app.catalog.entities.list({})).length;
      for (const name of USERS) expect((await visible(name)).size).toBeLessThan(everything);
    });

    it('lists only readable entities, in full offset pages', async () => {
      for (const name of USERS) {
        const expected = refsOf(await oracle(pave.app, name));
        expect(refsOf(await json<Entity[]>(await get(name, '/api/catalog/entities')))).toEqual(expected);
        const paged = await offsetPages(offset => get(name, `/api/catalog/entities?limit=3&offset=${offset}&fields=kind,metadata.name,metadata.namespace`));
        expect(paged.sort()).toEqual(expected);
        const components = refsOf(await oracle(pave.app, name, ['kind=component,spec.lifecycle=production', 'kind=gadget']));
        expect(refsOf(await json<Entity[]>(await get(name, '/api/catalog/entities?filter=kind=component,spec.lifecycle=production&filter=kind=gadget')))).toEqual(components);
      }
    });

    it('counts totals and walks cursor pages over readable entities only, with or without a full-text filter', async () => {
      for (const name of USERS) {
        for (const [query, filter, fullText] of [
          ['', undefined, undefined],
          ['&filter=kind=component', ['kind=component'], undefined],
          [`&fullTextFilterTerm=${MARK}&orderField=metadata.name,desc`, undefined, MARK],
          ['&fullTextFilterTerm=pay', undefined, 'pay'],
        ] as const) {
          const expected = refsOf(await oracle(pave.app, name, filter ? [...filter] : undefined, fullText));
          const first = await json<Page>(await get(name, `/api/catalog/entities/by-query?limit=3${query}`));
          expect(first.totalItems).toBe(expected.length);
          const pages = [first];
          while (pages.at(-1)!.pageInfo.nextCursor) pages.push(await json<Page>(await get(name, `/api/catalog/entities/by-query?limit=3&cursor=${pages.at(-1)!.pageInfo.nextCursor}`)));
          expect(pages.flatMap(p => p.items.map(entityRefOf)).sort()).toEqual(expected);
          expect({ name, query, pages: pages.slice(0, -1).map(p => [p.items.length, p.totalItems]) }).toEqual({ name, query, pages: pages.slice(0, -1).map(() => [3, expected.length]) });
          if (pages.length > 1) {
            const back = await json<Page>(await get(name, `/api/catalog/entities/by-query?limit=3&cursor=${pages.at(-1)!.pageInfo.prevCursor}`));
            expect(back.items.map(entityRefOf)).toEqual(pages.at(-2)!.items.map(entityRefOf));
          }
        }
      }
    });

    it("does not reuse another reader's total from a cursor", async () => {
      const alicePage = await json<Page>(await get('alice', '/api/catalog/entities/by-query?limit=2'));
      const daveExpected = refsOf(await oracle(pave.app, 'dave'));
      expect(alicePage.totalItems).not.toBe(daveExpected.length);
      const davePage = await json<Page>(await get('dave', `/api/catalog/entities/by-query?cursor=${alicePage.pageInfo.nextCursor}`));
      expect(davePage.totalItems).toBe(daveExpected.length);
      expect(davePage.items.map(entityRefOf).every(ref => daveExpected.includes(ref))).toBe(true);
    });

    it('counts facets over readable entities only', async () => {
      const facets = ['kind', 'metadata.namespace', 'spec.owner', 'spec.type'];
      const query = facets.map(f => `facet=${f}`).join('&');
      for (const name of USERS) {
        for (const filter of [undefined, ['kind=component']]) {
          const expected = facetCounts(await oracle(pave.app, name, filter), facets);
          const answer = await json<{ facets: Record<string, Array<{ value: string; count: number }>> }>(
            await get(name, `/api/catalog/entity-facets?${query}${filter ? `&filter=${filter[0]}` : ''}`),
          );
          for (const facet of facets) expect(sortFacet(answer.facets[facet]!)).toEqual(expected[facet]);
        }
      }
    });

    it('answers null in by-refs for what the caller may not read', async () => {
      const refs = [...(await pave.app.catalog.entities.list({})).map(entityRefOf), 'component:default/nothing-here'];
      for (const name of USERS) {
        const readable = new Set(refsOf(await oracle(pave.app, name)));
        const { items } = await json<{ items: Array<Entity | null> }>(await post(name, '/api/catalog/entities/by-refs', { entityRefs: refs, fields: ['kind', 'metadata'] }));
        expect(items.map(item => (item ? entityRefOf(item) : null))).toEqual(refs.map(ref => (readable.has(ref) ? ref : null)));
      }
    });

    it('searches readable entities only, filling the page from them', async () => {
      for (const name of USERS) {
        const expected = refsOf(await oracle(pave.app, name, undefined, MARK));
        const { results } = await json<{ results: Array<{ entityRef: string }> }>(await get(name, `/api/search?q=${MARK}&limit=100`));
        expect(results.map(r => r.entityRef).sort()).toEqual(expected);
        const { results: few } = await json<{ results: Array<{ entityRef: string }> }>(await get(name, `/api/search?q=${MARK}&limit=2`));
        expect(few).toHaveLength(2);
      }
    });

    it('refuses list routes to a token whose scopes exclude reading (403), as to callers no rule allows', async () => {
      const scoped = await tokenFor(pave.app, 'user:default/bob', { scopes: ['auth.session.read'] });
      for (const path of ['/api/catalog/entities', '/api/catalog/entities/by-query', '/api/catalog/entity-facets?facet=kind', '/api/search?q=x']) {
        expect((await fetch(pave.url + path, { headers: bearer(scoped) })).status).toBe(403);
      }
    });
  });
}

interface Page {
  items: Entity[];
  totalItems: number;
  pageInfo: { nextCursor?: string; prevCursor?: string };
}

/**
 * What a post-filter yields: the reader's unscoped answer (every entity the filter and full-text
 * term select), then the policy asked about each entity in turn.
 */
async function oracle(app: PaveApp, name: string, filter?: string[], fullText?: string): Promise<Entity[]> {
  const identity = await app.auth.permissions.identityForUser(`user:default/${name}`, 'token');
  const { items } = await app.catalog.entities.query({ filter, fullText: fullText ? { term: fullText } : undefined, limit: 1000 });
  return app.auth.permissions.filter(identity, READ, items, e => e);
}

function refsOf(entities: Entity[]): string[] {
  return entities.map(entityRefOf).sort();
}

async function offsetPages(page: (offset: number) => Promise<Response>): Promise<string[]> {
  const refs: string[] = [];
  for (;;) {
    const items = await json<Entity[]>(await page(refs.length));
    refs.push(...items.map(entityRefOf));
    if (items.length < 3) return refs;
  }
}

/** Facet counts computed from the entities' own search rows (what the server indexes). */
function facetCounts(entities: Entity[], facets: string[]): Record<string, Array<{ value: string; count: number }>> {
  const out: Record<string, Array<{ value: string; count: number }>> = {};
  for (const facet of facets) {
    const counts = new Map<string, number>();
    for (const entity of entities) {
      const values = new Set(searchRowsOf(entity, '').filter(([, key, , original]) => key === facet && original !== null).map(([, , , original]) => original!));
      for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    out[facet] = sortFacet([...counts].map(([value, count]) => ({ value, count })));
  }
  return out;
}

function sortFacet(list: Array<{ value: string; count: number }>): Array<{ value: string; count: number }> {
  return [...list].sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}
