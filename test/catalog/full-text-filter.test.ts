/**
 * `fullTextFilterTerm` (by-query's full-text filter, Backstage's semantics): the entities with a search value of the
 * named fields (all of them when none are named) holding the term, case-insensitively: every page — items, order,
 * totals, cursors both ways — is what the entities' own search rows say, for terms with LIKE's wildcards, quotes,
 * unicode and one or two characters, and still after entities change and go.
 */
import { expect, it } from 'vitest';
import { searchRowsOf } from '../../src/catalog/search-rows.js';
import { stringifyEntityRef } from '../../src/core/entity-ref.js';
import type { Entity } from '../../src/core/entity.js';
import type { OrderField } from '../../src/catalog/query/order-fields.js';
import { catalogOnEachStore } from '../support/catalog-on-each-store.js';

/** Words the descriptions, titles and tags are made of: wildcards, quotes, a backslash, accents, a dotted İ, emoji. */
const WORDS = ['payments', 'Ledger', '100%', 'a_b', 'a%b', 'say "hi"', 'back\\slash', 'Zürich', 'ÉCOLE', 'İstanbul', 'naïve', '🚀launch', 'x🚀y', 'ab', 'ba', 'Σίσυφος', 'straße', 'ｆｕｌｌ'];

const TERMS = ['a', 'A', 'ab', '%', '_', '\\', '"', '🚀', 'é', '%b', 'a_', '100%', '0%', 'a_b', 'a%b', 'a\\b', '"hi"', 'say "', 'back\\s', 'zür', 'ZÜRICH', 'école', 'İst', 'i̇st', 'ist', 'naï', '🚀la', 'x🚀y', '🚀🚀🚀', 'σίσ', 'ΣΊΣ', 'straß', 'STRASSE', 'ｆｕｌ', 'pay', 'payments ledger', 'component', 'default', 'team-1', 'group:default/team-2', 'production', 'nothing-like-it', 'svc-1', '   '];

const FIELDS: Array<string[] | undefined> = [undefined, ['metadata.description'], ['metadata.name', 'spec.owner'], ['METADATA.Title', 'metadata.tags'], ['metadata.annotations.pave.dev/note']];

function entityAt(i: number): Entity {
  const word = (n: number) => WORDS[(i * 7 + n * 5) % WORDS.length]!;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: i % 5 === 0 ? 'Resource' : 'Component',
    metadata: {
      name: `svc-${i}`,
      ...(i % 3 ? { title: `${word(1)} ${word(2)}` } : {}),
      description: `${word(0)} and ${word(3)} for ${i % 4 ? 'payments ledger' : 'ab'}`,
      tags: i % 2 ? [`t${i % 4}`, word(4).toLowerCase().replace(/[^a-z0-9]/g, '') || 'x'] : [],
      ...(i % 6 === 0 ? { annotations: { 'pave.dev/note': word(5) } } : {}),
    },
    spec: { type: 'service', lifecycle: i % 2 ? 'production' : 'experimental', owner: `team-${i % 4}` },
  } as Entity;
}

await catalogOnEachStore('full-text filter', {
  seed: async ({ catalog }) => {
    for (let i = 0; i < 60; i++) await catalog.saveEntity(entityAt(i));
  },
}, on => {
  /** Every entity in an order, read page by page without a full-text filter. */
  async function everyEntity(orderFields?: OrderField[]): Promise<Entity[]> {
    return (await on.catalog.entities.query({ limit: 1000, ...(orderFields ? { orderFields } : {}) })).items;
  }

  /** What Backstage's semantics say: an entity matches when a search value of a named key (any key without names) holds the term. */
  const matches = (entity: Entity, term: string, fields: string[] | undefined) => {
    const keys = fields?.map(field => field.toLocaleLowerCase('en-US'));
    const lowered = term.toLocaleLowerCase('en-US');
    return searchRowsOf(entity, '').some(([, key, value]) => value !== null && (!keys || keys.includes(key)) && value.includes(lowered));
  };

  /** Walks a filter's pages forwards, then back from the last one, checking each page's items and total. */
  async function expectPages(term: string, fields: string[] | undefined, orderFields: OrderField[] | undefined, all: Entity[]): Promise<void> {
    const expected = all.filter(entity => matches(entity, term, fields)).map(entity => stringifyEntityRef(entity));
    const refs = (items: Entity[]) => items.map(entity => stringifyEntityRef(entity));
    const label = `${JSON.stringify(term)} in ${JSON.stringify(fields)}`;
    const first = await on.catalog.entities.query({ fullText: { term, fields }, limit: 7, ...(orderFields ? { orderFields } : {}) });
    const pages = [first];
    while (pages.at(-1)!.pageInfo.nextCursor) pages.push(await on.catalog.entities.query({ cursor: pages.at(-1)!.pageInfo.nextCursor, limit: 7 }));
    expect(pages.flatMap(page => refs(page.items)), label).toEqual(expected);
    for (const page of pages) expect(page.totalItems, label).toBe(expected.length);
    // Back from the last page by its previous cursors: the same pages, in reverse.
    for (let i = pages.length - 1; i > 0; i--) {
      const previous = await on.catalog.entities.query({ cursor: pages[i]!.pageInfo.prevCursor, limit: 7 });
      expect(refs(previous.items), label).toEqual(refs(pages[i - 1]!.items));
    }
  }

  it('answers every term as the search rows say, by name and by another order, page by page', async () => {
    const byName = await everyEntity();
    const byTitle = await everyEntity([{ field: 'metadata.title', order: 'desc' }]);
    let matched = 0;
    for (const term of TERMS) {
      for (const fields of FIELDS) {
        await expectPages(term, fields, undefined, byName);
        if (byName.some(entity => matches(entity, term, fields))) matched++;
      }
      await expectPages(term, undefined, [{ field: 'metadata.title', order: 'desc' }], byTitle);
    }
    // Most terms find something: the comparison is not of empty pages.
    expect(matched).toBeGreaterThan(TERMS.length * 2);
  });

  it('follows changes and deletions', async () => {
    await on.catalog.saveEntity({ ...entityAt(1), metadata: { ...entityAt(1).metadata, description: 'a wholly quokkan description' } });
    const lone = (await on.catalog.entities.byRef('component:default/svc-2'))!;
    await on.catalog.deleteByUid(lone.metadata.uid!);
    const found = await on.catalog.entities.query({ fullText: { term: 'QUOKKAN', fields: ['metadata.description'] } });
    expect(found.items.map(entity => entity.metadata.name)).toEqual(['svc-1']);
    // The deleted entity is gone from every answer, the others still match as their rows say.
    const all = await everyEntity();
    for (const term of ['svc-2', 'quokka', 'pay', 'ab', 'zür', '%']) await expectPages(term, undefined, undefined, all);
  });
});
