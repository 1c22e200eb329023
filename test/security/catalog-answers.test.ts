import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthRule } from '../../src/auth/auth-rule.js';
import { appBackends } from '../support/stores.js';
import { bearer, startAuthPave, tokenFor, type AuthPave } from '../auth/support.js';

/**
 * Attack: counts, facets, search results, by-query pages and entities by name are kept per catalog state
 * (src/catalog/state-answers.ts). A caller with a narrow read scope asks exactly what a caller with a wide one
 * has just asked — before, after and at the same time — hoping to be handed the answer computed for the wide
 * scope: totals, facet counts, search hits, a page's entities or an entity by name that reveal what it may not
 * read. Every answer it gets must be the one its own scope gives.
 */

const READ = 'catalog.entity.read';
const RULES: AuthRule[] = [
  { id: 'alice-reads-all', description: 'alice reads everything', effect: 'allow', actions: [READ], subjects: ['user:default/alice'] },
  { id: 'bob-reads-checkout', description: "bob reads checkout-team's entities", effect: 'allow', actions: [READ], subjects: ['user:default/bob'], resource: { owners: ['group:default/checkout-team'] } },
];

const component = (name: string, owner: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, description: `quokka service ${name}` },
  spec: { type: 'service', lifecycle: name.startsWith('secret') ? 'experimental' : 'production', owner },
});

const QUESTIONS = {
  facets: '/api/catalog/entity-facets?facet=kind&facet=spec.lifecycle&facet=spec.owner',
  total: '/api/catalog/entities/by-query?filter=kind=component&limit=1',
  page: '/api/catalog/entities/by-query?filter=kind=component&limit=20&orderField=metadata.name,asc',
  search: '/api/search?q=quokka&limit=50',
};

const backends = await appBackends('pave_answers');

for (const backend of backends) {
  describe.skipIf(Boolean(backend.skip))(`answers kept per catalog state never cross read scopes: ${backend.name}`, { timeout: 120_000 }, () => {
    let pave: AuthPave;
    let drop: () => Promise<unknown>;
    let alice: Record<string, string>;
    let bob: Record<string, string>;

    beforeAll(async () => {
      const target = await backend.config();
      drop = target.drop;
      // The test organisation (auth/support.ts) with three components of its own; quokkas are ours alone.
      pave = await startAuthPave({ auth: { defaultPolicy: false, rules: RULES }, config: target.config });
      for (const entity of [
        component('checkout-web', 'checkout-team'),
        component('checkout-api', 'checkout-team'),
        component('secret-ledger', 'platform-team'),
        component('secret-vault', 'platform-team'),
        component('secret-keys', 'platform-team'),
      ]) {
        await pave.app.catalog.saveEntity(entity);
      }
      alice = bearer(await tokenFor(pave.app, 'user:default/alice'));
      bob = bearer(await tokenFor(pave.app, 'user:default/bob'));
    });
    afterAll(async () => {
      await pave?.close();
      await drop?.();
    });

    const ask = async (path: string, headers: Record<string, string>) => {
      const response = await fetch(pave.url + path, { headers });
      expect(response.status).toBe(200);
      return (await response.json()) as Record<string, unknown>;
    };
    /** What each question answers, reduced to what would leak: counts, totals and the refs found. */
    const seen = async (headers: Record<string, string>) => {
      const [facets, total, page, search, secret] = await Promise.all([
        ask(QUESTIONS.facets, headers),
        ask(QUESTIONS.total, headers),
        ask(QUESTIONS.page, headers),
        ask(QUESTIONS.search, headers),
        fetch(`${pave.url}/api/catalog/entities/by-name/component/default/secret-ledger`, { headers }).then(async response => ({ status: response.status, body: await response.text() })),
      ]);
      return {
        facets: facets.facets,
        totalItems: total.totalItems,
        page: { totalItems: page.totalItems, names: (page.items as Array<{ metadata: { name: string } }>).map(item => item.metadata.name) },
        secretLedger: { status: secret.status, leaks: secret.body.includes('quokka') },
        search: { total: search.total, refs: (search.results as Array<{ entityRef: string }>).map(hit => hit.entityRef).sort(), facets: search.facets },
      };
    };

    // checkout-team's: payments (the organisation's) and ours, checkout-web and checkout-api.
    const BOB_SEES = {
      facets: { kind: [{ value: 'Component', count: 3 }], 'spec.lifecycle': [{ value: 'production', count: 3 }], 'spec.owner': [{ value: 'checkout-team', count: 3 }] },
      totalItems: 3,
      page: { totalItems: 3, names: ['checkout-api', 'checkout-web', 'payments'] },
      secretLedger: { status: 403, leaks: false },
      search: { total: 2, refs: ['component:default/checkout-api', 'component:default/checkout-web'] },
    };

    it('the narrow caller asking right after the wide one gets its own answers', async () => {
      const wide = await seen(alice);
      expect(wide.totalItems).toBe(8);
      expect(wide.page.names).toHaveLength(8);
      expect(wide.secretLedger).toEqual({ status: 200, leaks: true });
      expect(wide.search.total).toBe(5);
      expect(await seen(bob)).toMatchObject(BOB_SEES);
      // And the other way round: the wide caller is not handed the narrow answer either.
      expect(await seen(alice)).toEqual(wide);
    });

    it('nor when both ask the same at the same time, again and again', async () => {
      for (let round = 0; round < 5; round++) {
        const [wide, narrow, narrowAgain] = await Promise.all([seen(alice), seen(bob), seen(bob)]);
        expect(wide.totalItems).toBe(8);
        expect(narrow).toMatchObject(BOB_SEES);
        expect(narrowAgain).toEqual(narrow);
      }
    });

    it('nor after the catalog changed and the wide caller asked first in the new state', async () => {
      await pave.app.catalog.saveEntity(component('secret-quarry', 'platform-team'));
      const wide = await seen(alice);
      expect(wide.totalItems).toBe(9);
      expect(wide.page.names).toContain('secret-quarry');
      expect(wide.search.refs).toContain('component:default/secret-quarry');
      expect(await seen(bob)).toMatchObject(BOB_SEES);
    });
  });
}
