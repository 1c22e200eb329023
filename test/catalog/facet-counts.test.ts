import { expect, it } from 'vitest';
import { catalogOnEachStore } from '../support/catalog-on-each-store.js';

/**
 * Facets count entities, not search rows: an entity whose list repeats a value (in any case) counts once
 * for it. The facet query counts rows (cheaper than distinct ids), which holds because an entity's
 * search rows are unique by key and value.
 */
const component = (name: string, runtimes: string[]) => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a', runtimes } });

await catalogOnEachStore('facet counts', {
  seed: async ({ catalog }) => {
    await catalog.saveEntity(component('one', ['java', 'java', 'go']));
    await catalog.saveEntity(component('two', ['java', 'Java']));
    await catalog.saveEntity(component('three', ['go']));
  },
}, on => {
  it('counts an entity once per value, however often its list repeats it', async () => {
    const facets = await on.catalog.entities.facets(['spec.runtimes', 'spec.owner'], undefined);
    expect(facets['spec.runtimes']).toEqual([
      { value: 'go', count: 2 },
      { value: 'java', count: 2 },
    ]);
    expect(facets['spec.owner']).toEqual([{ value: 'team-a', count: 3 }]);
    const filtered = await on.catalog.entities.facets(['spec.runtimes'], ['metadata.name=one,metadata.name=two']);
    expect(filtered['spec.runtimes']).toEqual([
      { value: 'java', count: 2 },
      { value: 'go', count: 1 },
    ]);
  });
});
