import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogSearch } from '../../src/catalog/search/catalog-search.js';
import type { SearchResponse } from '../../src/catalog/search/search-views.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { adminQuery, postgresFactory } from '../support/stores.js';
import { POSTGRES_URL } from '../support/require-all.js';

/**
 * Search on the demo catalog finds what a person means first — with typos, parts of words, words that
 * are only in docs or API definitions, and "who owns …" — on SQLite and on PostgreSQL.
 */
const FIRST: Array<[query: string, first: string, what: string]> = [
  ['paymnts gatway', 'component:default/payments-gateway', 'a typo in each word'],
  ['refnd', 'component:default/refund-service', 'a missing letter'],
  ['checkot service', 'component:default/checkout-service', 'a typo and a second word'],
  ['paym', 'system:default/payments', 'the start of a word'],
  ['optimiz pick', 'component:default/pick-path-optimizer', 'a partial word, words in another order'],
  ['infeasible plan', 'component:default/route-optimizer', 'words only in a docs page'],
  ['scaling peaks', 'component:default/checkout-service', 'a docs heading'],
  ['capturePayment', 'api:default/payments-api', 'an OpenAPI operation id'],
  ['orderPlaced', 'api:default/order-events', 'an AsyncAPI channel'],
  ['Difficulty', 'api:default/recipes-graphql', 'a GraphQL type'],
  ['who owns payments', 'group:default/payments-team', 'who owns X'],
  ['who owns cold chain', 'group:default/larder-team', 'who owns X, two words'],
  ['mei chen', 'user:default/mei.chen', "a person's name"],
];

const pgStore = await postgresFactory();

async function postgresPave(): Promise<RunningPave> {
  const schema = `pave_search_${Date.now()}_${Math.random().toString(36).slice(2, 7)}`;
  await adminQuery(`CREATE SCHEMA ${schema}`);
  const pave = await startPave({ demo: true, config: { databaseUrl: POSTGRES_URL, databaseSchema: schema } });
  const close = pave.close.bind(pave);
  return { ...pave, close: async () => (await close(), await adminQuery(`DROP SCHEMA ${schema} CASCADE`)) };
}

const variants = [
  { name: 'SQLite', skip: undefined as string | undefined, start: () => startPave({ demo: true }), index: 'fts5-trigram' },
  { name: 'PostgreSQL', skip: pgStore.unavailable, start: postgresPave, index: 'pg-words' },
];

for (const variant of variants) {
  describe.skipIf(Boolean(variant.skip))(`search relevance on the demo catalog: ${variant.name}`, { timeout: 240_000 }, () => {
    let pave: RunningPave;
    const search = async (params: Record<string, string | number | string[]>): Promise<SearchResponse> => {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(params)) for (const v of [value].flat()) query.append(key, String(v));
      const response = await fetch(`${pave.url}/api/search?${query}`);
      expect(response.status).toBe(200);
      return (await response.json()) as SearchResponse;
    };

    beforeAll(async () => {
      pave = await variant.start();
      // Docs are indexed by an event consumer, as in `pave serve`.
      await pave.app.eventConsumers.drain();
    }, 240_000);
    afterAll(async () => pave?.close());

    it.each(FIRST)('"%s" finds %s first (%s), with the match highlighted', async (q, first) => {
      const answer = await search({ q, limit: 5 });
      expect(answer.results[0]?.entityRef).toBe(first);
      expect(answer.results[0]!.snippet!.parts.some(part => part.match && part.text.length > 0)).toBe(true);
    });

    it('answers "who owns payments" with the owning team, what it owns, then the payments services themselves', async () => {
      const answer = await search({ q: 'who owns payments', limit: 10 });
      const [team, ...rest] = answer.results;
      expect(answer.words).toEqual(['payments']);
      expect(team!.owns).toEqual(expect.arrayContaining(['component:default/payments-gateway', 'api:default/payments-api', 'system:default/payments']));
      for (const owned of team!.owns!) expect(rest.find(hit => hit.entityRef === owned)?.owner).toBe(team!.entityRef);
      expect(team!.snippet!.parts.filter(part => part.match).map(part => part.text)).toEqual(team!.owns!.map(ref => ref.split('/')[1]));
    });

    it('finds a docs section with its page and heading, ranked below the same words in a title or description', async () => {
      const answer = await search({ q: 'infeasible', limit: 5 });
      expect(answer.results[0]!.snippet).toMatchObject({ field: 'docs', docs: { path: 'operations.md', heading: 'When a plan is infeasible', anchor: 'when-a-plan-is-infeasible' } });
      const alarms = await search({ q: 'alarm', limit: 50 });
      const inDocsOnly = alarms.results.filter(hit => hit.snippet?.field === 'docs').map(hit => alarms.results.indexOf(hit));
      const inDescription = alarms.results.filter(hit => hit.snippet?.field === 'description').map(hit => alarms.results.indexOf(hit));
      expect(Math.max(...inDescription)).toBeLessThan(Math.min(...inDocsOnly));
    });

    it('ranks results matching more words first, without needing every word', async () => {
      const answer = await search({ q: 'payments gateway zzyzx', limit: 100 });
      expect(answer.results[0]!.entityRef).toBe('component:default/payments-gateway');
      const matched = answer.results.map(hit => hit.matchedWords);
      expect(matched).toEqual([...matched].sort((a, b) => b - a));
      expect(Math.max(...matched)).toBe(2);
    });

    it('counts the total and the facets, filters by kind, type, owner and lifecycle, and pages', async () => {
      const all = await search({ q: 'payment', limit: 100 });
      expect(all.total).toBe(all.results.length);
      const count = (field: 'kind' | 'type' | 'owner' | 'lifecycle', hits = all.results) => {
        const counts = new Map<string, number>();
        for (const hit of hits) if (hit[field]) counts.set(hit[field]!, (counts.get(hit[field]!) ?? 0) + 1);
        return counts;
      };
      for (const field of ['kind', 'type', 'owner', 'lifecycle'] as const) expect(new Map(all.facets[field].map(f => [f.value, f.count]))).toEqual(count(field));

      const components = await search({ q: 'payment', kind: 'Component', owner: 'group:default/payments-team', limit: 100 });
      expect(components.results.length).toBeGreaterThan(0);
      expect(components.total).toBe(all.results.filter(hit => hit.kind === 'Component' && hit.owner === 'group:default/payments-team').length);
      expect(components.results.every(hit => hit.kind === 'Component' && hit.owner === 'group:default/payments-team')).toBe(true);
      // A dimension's counts are taken under the other dimensions' filters, so the other kinds stay offered.
      expect(components.facets.kind.map(f => f.value)).toEqual(expect.arrayContaining(['Component', 'API']));
      const production = await search({ q: 'payment', lifecycle: 'production', type: 'service', limit: 100 });
      expect(production.results.every(hit => hit.lifecycle === 'production' && hit.type === 'service')).toBe(true);
      expect(production.total).toBe(all.results.filter(hit => hit.lifecycle === 'production' && hit.type === 'service').length);

      const page = await search({ q: 'payment', limit: 3, offset: 3 });
      expect(page.total).toBe(all.total);
      expect(page.results.map(hit => hit.entityRef)).toEqual(all.results.slice(3, 6).map(hit => hit.entityRef));
    });

    it('refuses bad input with a problem naming the field', async () => {
      const tooMany = await fetch(`${pave.url}/api/search?q=${encodeURIComponent(Array.from({ length: 17 }, (_, i) => `w${i}`).join(' '))}`);
      expect(tooMany.status).toBe(400);
      expect(((await tooMany.json()) as { errors: unknown[] }).errors).toEqual([expect.objectContaining({ pointer: '/q' })]);
      const badOffset = await fetch(`${pave.url}/api/search?q=pay&offset=-1`);
      expect(badOffset.status).toBe(400);
    });

    // PostgreSQL's candidates come from the documents' words held in memory: nothing is forgiven less.
    it(`finds candidates with ${variant.index}`, async () => {
      expect(await new CatalogSearch(pave.app.store).prepare()).toMatchObject({ type: variant.index });
    });
  });
}
