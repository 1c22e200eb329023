/**
 * Backstage's own catalog client (`@backstage/catalog-client`) pointed at Pave with the demo loaded:
 * every one of its methods must get the answer a Backstage catalog would give. Expected answers come from the demo files
 * or from other API answers, never from hard-coded counts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_FILTER_EXISTS, CatalogClient, type QueryEntitiesInitialRequest } from '@backstage/catalog-client';
import type { Entity } from '@backstage/catalog-model';
import type { RunningPave } from '../support/pave-server.js';
import { DEMO_ROOT, TempDirs, apiRef, component, demoEntities, entityYaml, normalizeRef, refOf, startApiPave, writeFiles, type RawEntity } from './support.js';

let pave: RunningPave;
let client: CatalogClient;
let demo: RawEntity[];
const temp = new TempDirs();
type Predicate = NonNullable<QueryEntitiesInitialRequest['query']>;

beforeAll(async () => {
  pave = await startApiPave({ demo: true });
  client = new CatalogClient({ discoveryApi: { getBaseUrl: async () => `${pave.url}/api/catalog` }, fetchApi: { fetch } });
  demo = demoEntities();
});

afterAll(async () => {
  await pave?.close();
  temp.cleanup();
});

const lower = (value: unknown) => String(value).toLowerCase();
const refsOf = (entities: Array<{ kind: string; metadata: { namespace?: string; name: string } }>) => entities.map(apiRef).sort();
const demoRefs = (predicate: (e: RawEntity) => boolean) => demo.filter(predicate).map(refOf).sort();

/** Values at a dotted path, descending through arrays (as Backstage's filters and facets see them). */
function valuesAt(entity: unknown, path: string): string[] {
  let nodes: unknown[] = [entity];
  for (const part of path.split('.')) {
    nodes = nodes
      .flatMap(node => (Array.isArray(node) ? node : [node]))
      .map(node => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined))
      .filter(node => node !== undefined);
  }
  return [...new Set(nodes.flatMap(node => (Array.isArray(node) ? node : [node])).filter(v => v !== null && typeof v !== 'object').map(String))];
}

/** The client's public methods this file calls; a method a newer client adds fails the first test until it is covered. */
const COVERED_METHODS = [
  'addLocation', 'analyzeLocation', 'getEntities', 'getEntitiesByRefs', 'getEntityAncestors', 'getEntityByName', 'getEntityByRef',
  'getEntityFacets', 'getLocationByEntity', 'getLocationById', 'getLocationByRef', 'getLocations', 'queryEntities', 'queryLocations',
  'refreshEntity', 'removeEntityByUid', 'removeLocationById', 'streamEntities', 'streamLocations', 'updateLocation', 'validateEntity',
];

it('covers every public method of the client', () => {
  const internal = ['constructor', 'apiClient', 'getFilterValue', 'queryEntitiesByPredicate', 'getEntityFacetsByPredicate', 'requestIgnored', 'requestRequired', 'requestOptional'];
  expect(Object.getOwnPropertyNames(CatalogClient.prototype).filter(name => !internal.includes(name)).sort()).toEqual(COVERED_METHODS);
});

describe('getEntities', () => {
  it('returns every entity of the demo organisation', async () => {
    const { items } = await client.getEntities();
    expect(refsOf(items)).toEqual(demoRefs(() => true));
    for (const entity of items) {
      expect(entity.metadata.uid).toEqual(expect.any(String));
      expect(entity.metadata.etag).toEqual(expect.any(String));
      expect(Array.isArray(entity.relations)).toBe(true);
    }
  });

  it('ANDs the keys of one filter object, case-insensitively', async () => {
    const { items } = await client.getEntities({ filter: { kind: 'COMPONENT', 'spec.type': 'Service' } });
    const expected = demoRefs(e => e.kind === 'Component' && lower(e.spec?.type) === 'service');
    expect(expected.length).toBeGreaterThan(0);
    expect(refsOf(items)).toEqual(expected);
  });

  it('ORs filter objects', async () => {
    const { items } = await client.getEntities({ filter: [{ kind: 'group' }, { kind: 'domain' }] });
    const expected = demoRefs(e => e.kind === 'Group' || e.kind === 'Domain');
    expect(refsOf(items)).toEqual(expected);
  });

  it('treats an array of values as IN, within an AND', async () => {
    const { items } = await client.getEntities({ filter: { kind: 'component', 'spec.lifecycle': ['experimental', 'deprecated'] } });
    const expected = demoRefs(e => e.kind === 'Component' && ['experimental', 'deprecated'].includes(lower(e.spec?.lifecycle)));
    expect(expected.length).toBeGreaterThan(0);
    expect(refsOf(items)).toEqual(expected);

    const both = await client.getEntities({ filter: { kind: ['System', 'Domain'] } });
    expect(refsOf(both.items)).toEqual(demoRefs(e => e.kind === 'System' || e.kind === 'Domain'));
  });

  it('matches CATALOG_FILTER_EXISTS on keys that exist, whatever their value', async () => {
    const key = 'metadata.annotations.backstage.io/techdocs-ref';
    const { items } = await client.getEntities({ filter: { [key]: CATALOG_FILTER_EXISTS } });
    const expected = demoRefs(e => e.metadata.annotations?.['backstage.io/techdocs-ref'] !== undefined);
    expect(expected.length).toBeGreaterThan(0);
    expect(refsOf(items)).toEqual(expected);
  });

  it('matches a value inside an array field', async () => {
    const tag = demo.find(e => e.metadata.tags?.length)!.metadata.tags![0]!;
    const { items } = await client.getEntities({ filter: { 'metadata.tags': tag } });
    expect(refsOf(items)).toEqual(demoRefs(e => (e.metadata.tags ?? []).includes(tag)));
  });

  it('matches Backstage\'s `<array>.<item>` keys, e.g. metadata.tags.<tag> (exists and =true)', async () => {
    const tag = demo.find(e => e.metadata.tags?.length)!.metadata.tags![0]!;
    const expected = demoRefs(e => (e.metadata.tags ?? []).includes(tag));
    const exists = await client.getEntities({ filter: { [`metadata.tags.${tag}`]: CATALOG_FILTER_EXISTS } });
    expect(refsOf(exists.items)).toEqual(expected);
    const isTrue = await client.getEntities({ filter: { [`metadata.tags.${tag}`]: 'true' } });
    expect(refsOf(isTrue.items)).toEqual(expected);
  });

  it('filters on relations by full target ref', async () => {
    const owner = 'group:default/checkout-team';
    const { items } = await client.getEntities({ filter: { 'relations.ownedBy': owner } });
    const expected = demoRefs(e => typeof e.spec?.owner === 'string' && normalizeRef(e.spec.owner, 'group') === owner);
    expect(expected.length).toBeGreaterThan(0);
    expect(refsOf(items)).toEqual(expected);
  });

  it('projects fields', async () => {
    const { items } = await client.getEntities({ filter: { kind: 'domain' }, fields: ['kind', 'metadata.name'] });
    expect(items.length).toBe(demo.filter(e => e.kind === 'Domain').length);
    for (const item of items) {
      expect(Object.keys(item).sort()).toEqual(['kind', 'metadata']);
      expect(Object.keys(item.metadata)).toEqual(['name']);
    }
  });

  it('orders by several fields, and pages with limit and offset', async () => {
    const order = [
      { field: 'kind', order: 'asc' as const },
      { field: 'metadata.name', order: 'desc' as const },
    ];
    const { items } = await client.getEntities({ order, fields: ['kind', 'metadata.name'] });
    const expected = demo
      .map(e => ({ kind: lower(e.kind), name: lower(e.metadata.name) }))
      .sort((a, b) => (a.kind === b.kind ? (a.name < b.name ? 1 : a.name > b.name ? -1 : 0) : a.kind < b.kind ? -1 : 1))
      .map(e => `${e.kind}/${e.name}`);
    expect(items.map(e => `${lower(e.kind)}/${lower(e.metadata.name)}`)).toEqual(expected);

    const page = await client.getEntities({ order, fields: ['kind', 'metadata.name'], limit: 10, offset: 5 });
    expect(page.items.map(e => `${lower(e.kind)}/${lower(e.metadata.name)}`)).toEqual(expected.slice(5, 15));
  });
});

describe('ordering like Backstage', () => {
  const lifecycleOf = (e: { spec?: Record<string, unknown> }) => (e.spec?.lifecycle === undefined ? undefined : lower(e.spec.lifecycle));

  /** Backstage's order: entities with the field by its value (ties by uid), then those without it. */
  function expectNullsLast(items: Array<{ spec?: Record<string, unknown> }>, order: 'asc' | 'desc') {
    const values = items.map(lifecycleOf);
    const firstMissing = values.indexOf(undefined);
    const present = values.slice(0, firstMissing === -1 ? undefined : firstMissing) as string[];
    expect(present.length).toBe(demo.filter(e => e.spec?.lifecycle !== undefined).length);
    expect(values.slice(present.length).every(v => v === undefined)).toBe(true);
    expect(present).toEqual(order === 'asc' ? [...present].sort() : [...present].sort().reverse());
  }

  it('getEntities without an order sorts by entity ref', async () => {
    const { items } = await client.getEntities({ fields: ['kind', 'metadata.namespace', 'metadata.name'] });
    expect(items.map(apiRef)).toEqual(demoRefs(() => true));
  });

  it.each(['asc', 'desc'] as const)('getEntities puts entities without the order field last (%s)', async order => {
    const { items } = await client.getEntities({ order: { field: 'spec.lifecycle', order }, fields: ['kind', 'metadata.name', 'spec.lifecycle'] });
    expect(items).toHaveLength(demo.length);
    expectNullsLast(items, order);
  });

  it.each(['asc', 'desc'] as const)('queryEntities puts entities without the order field last, across pages and back (%s)', async order => {
    const pages: Entity[][] = [];
    let response = await client.queryEntities({ orderFields: { field: 'spec.lifecycle', order }, fields: ['kind', 'metadata.name', 'spec.lifecycle'], limit: 30 });
    pages.push(response.items);
    while (response.pageInfo.nextCursor) {
      response = await client.queryEntities({ cursor: response.pageInfo.nextCursor, limit: 30 });
      pages.push(response.items);
    }
    const all = pages.flat();
    expect(new Set(all.map(apiRef)).size).toBe(demo.length);
    expectNullsLast(all, order);
    // Walk back from the last page to the first: every page comes back as it was.
    for (let i = pages.length - 2; i >= 0; i--) {
      response = await client.queryEntities({ cursor: response.pageInfo.prevCursor!, limit: 30 });
      expect(response.items.map(apiRef), `page ${i}`).toEqual(pages[i]!.map(apiRef));
    }
    expect(response.pageInfo.prevCursor).toBeUndefined();
  });
});

describe('getEntityByRef and getEntitiesByRefs', () => {
  it('finds an entity by full or short ref, with its relations', async () => {
    const raw = demo.find(e => e.kind === 'Component' && e.metadata.name === 'checkout-service')!;
    const entity = await client.getEntityByRef('component:default/checkout-service');
    expect(entity?.metadata.name).toBe('checkout-service');
    expect(entity?.metadata.description).toBe(raw.metadata.description);
    expect(entity?.spec).toEqual(raw.spec);
    expect(entity?.relations).toContainEqual(expect.objectContaining({ type: 'ownedBy', targetRef: normalizeRef(String(raw.spec!.owner), 'group') }));
    const short = await client.getEntityByRef('component:checkout-service');
    expect(short?.metadata.uid).toBe(entity?.metadata.uid);
  });

  it('answers undefined for a missing entity', async () => {
    expect(await client.getEntityByRef('component:default/no-such-thing')).toBeUndefined();
  });

  it('keeps the order asked for and answers undefined for missing refs', async () => {
    const wanted = [refOf(demo.find(e => e.kind === 'User')!), 'component:default/no-such-thing', refOf(demo.find(e => e.kind === 'Group')!), refOf(demo.find(e => e.kind === 'API')!)];
    const { items } = await client.getEntitiesByRefs({ entityRefs: wanted });
    expect(items.map(e => (e ? apiRef(e) : undefined))).toEqual([wanted[0], undefined, wanted[2], wanted[3]]);

    const projected = await client.getEntitiesByRefs({ entityRefs: wanted, fields: ['metadata.name'] });
    expect(projected.items.map(e => e && Object.keys(e))).toEqual([['metadata'], undefined, ['metadata'], ['metadata']]);
  });

  it('answers undefined for refs the filter excludes', async () => {
    const wanted = [refOf(demo.find(e => e.kind === 'User')!), refOf(demo.find(e => e.kind === 'Group')!), refOf(demo.find(e => e.kind === 'API')!)];
    const { items } = await client.getEntitiesByRefs({ entityRefs: wanted, filter: [{ kind: 'group' }, { kind: 'api' }] });
    expect(items.map(e => (e ? apiRef(e) : undefined))).toEqual([undefined, wanted[1], wanted[2]]);
  });
});

describe('queryEntities', () => {
  it('pages through every item with cursors: no duplicates, no gaps, totalItems right, prev goes back', async () => {
    const expected = demoRefs(e => e.kind === 'Component');
    const pages: Entity[][] = [];
    let response = await client.queryEntities({ filter: { kind: 'component' }, orderFields: { field: 'metadata.name', order: 'asc' }, limit: 7 });
    const totalItems = response.totalItems;
    expect(totalItems).toBe(expected.length);
    expect(response.pageInfo.prevCursor).toBeUndefined();
    pages.push(response.items);
    while (response.pageInfo.nextCursor) {
      // As in Backstage, a cursor carries the query but not the page size.
      response = await client.queryEntities({ cursor: response.pageInfo.nextCursor, limit: 7 });
      expect(response.totalItems).toBe(totalItems);
      pages.push(response.items);
      expect(pages.length).toBeLessThanOrEqual(Math.ceil(expected.length / 7) + 1);
    }
    const names = pages.flat().map(e => e.metadata.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBe(totalItems);
    expect(names).toEqual([...names].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
    expect(refsOf(pages.flat())).toEqual(expected);
    for (const page of pages.slice(0, -1)) expect(page.length).toBe(7);

    // Going back from the last page gives the page before it, and from there the one before that.
    expect(response.pageInfo.prevCursor).toBeDefined();
    const back = await client.queryEntities({ cursor: response.pageInfo.prevCursor!, limit: 7 });
    expect(back.items.map(e => e.metadata.name)).toEqual(pages[pages.length - 2]!.map(e => e.metadata.name));
    expect(back.pageInfo.nextCursor).toBeDefined();
    const backAgain = await client.queryEntities({ cursor: back.pageInfo.prevCursor!, limit: 7 });
    expect(backAgain.items.map(e => e.metadata.name)).toEqual(pages[pages.length - 3]!.map(e => e.metadata.name));
    const forward = await client.queryEntities({ cursor: backAgain.pageInfo.nextCursor!, limit: 7 });
    expect(forward.items.map(e => e.metadata.name)).toEqual(back.items.map(e => e.metadata.name));
  });

  it('orders descending on another field, keeping ties stable across pages', async () => {
    const expected = demo.filter(e => e.kind === 'Component');
    const seen: Entity[] = [];
    let response = await client.queryEntities({ filter: { kind: 'component' }, orderFields: [{ field: 'spec.lifecycle', order: 'desc' }], limit: 10 });
    seen.push(...response.items);
    while (response.pageInfo.nextCursor) {
      response = await client.queryEntities({ cursor: response.pageInfo.nextCursor, limit: 10 });
      seen.push(...response.items);
    }
    expect(refsOf(seen)).toEqual(expected.map(refOf).sort());
    const lifecycles = seen.map(e => lower(e.spec?.lifecycle));
    expect(lifecycles).toEqual([...lifecycles].sort().reverse());
  });

  it('applies a full-text filter on given fields, with a matching totalItems', async () => {
    const term = 'checkout';
    const response = await client.queryEntities({ fullTextFilter: { term, fields: ['metadata.name'] }, limit: 1000 });
    const expected = demoRefs(e => e.metadata.name.toLowerCase().includes(term));
    expect(expected.length).toBeGreaterThan(1);
    expect(refsOf(response.items)).toEqual(expected);
    expect(response.totalItems).toBe(expected.length);

    // Without fields Pave searches every value (a superset); Backstage searches only the sort field, or metadata.uid.
    const everywhere = await client.queryEntities({ fullTextFilter: { term: 'CHECKOUT' }, limit: 1000 });
    expect(everywhere.totalItems).toBeGreaterThanOrEqual(expected.length);
    expect(refsOf(everywhere.items)).toEqual(expect.arrayContaining(expected));
  });

  it('combines filter, full-text filter, order and limit', async () => {
    const response = await client.queryEntities({
      filter: { kind: 'component' },
      fullTextFilter: { term: 'service', fields: ['metadata.name'] },
      orderFields: { field: 'metadata.name', order: 'desc' },
      limit: 3,
    });
    const expected = demo
      .filter(e => e.kind === 'Component' && e.metadata.name.includes('service'))
      .map(e => e.metadata.name)
      .sort()
      .reverse();
    expect(response.totalItems).toBe(expected.length);
    expect(response.items.map(e => e.metadata.name)).toEqual(expected.slice(0, 3));
  });
});

describe('getEntityFacets', () => {
  it('counts equal the counts computed from getEntities', async () => {
    const facets = ['kind', 'spec.lifecycle', 'metadata.tags', 'spec.owner'];
    const { items } = await client.getEntities();
    const { facets: answer } = await client.getEntityFacets({ facets });
    for (const facet of facets) {
      const counts = new Map<string, number>();
      for (const entity of items) for (const value of valuesAt(entity, facet)) counts.set(value, (counts.get(value) ?? 0) + 1);
      const expected = [...counts].map(([value, count]) => ({ value, count }));
      expect(answer[facet]!.slice().sort((a, b) => a.value.localeCompare(b.value)), facet).toEqual(expected.sort((a, b) => a.value.localeCompare(b.value)));
    }
  });

  it('counts only the filtered entities', async () => {
    const { items } = await client.getEntities({ filter: { kind: 'component' } });
    const { facets } = await client.getEntityFacets({ facets: ['spec.type'], filter: { kind: 'component' } });
    const counts = new Map<string, number>();
    for (const entity of items) for (const value of valuesAt(entity, 'spec.type')) counts.set(value, (counts.get(value) ?? 0) + 1);
    expect(Object.fromEntries(facets['spec.type']!.map(f => [f.value, f.count]))).toEqual(Object.fromEntries(counts));
  });
});

/** Deletes a location with a plain request, for clean-ups (removeLocationById is tested on its own below). */
async function removeLocation(id: string): Promise<void> {
  expect((await fetch(`${pave.url}/api/catalog/locations/${id}`, { method: 'DELETE' })).status).toBe(204);
}

/** Registers a temporary file location holding the given YAML documents. */
async function addTempLocation(...documents: string[]) {
  const dir = temp.make();
  const file = join(dir, 'catalog-info.yaml');
  writeFiles(dir, { 'catalog-info.yaml': documents.join('---\n') });
  const { location } = await client.addLocation({ type: 'file', target: file });
  return { file, location };
}

describe('locations', () => {
  it('adds a location (dry run first), finds it, refuses a duplicate and refreshes it', async () => {
    const dir = temp.make();
    const file = join(dir, 'catalog-info.yaml');
    writeFiles(dir, { 'catalog-info.yaml': [component('compat-one', { owner: 'checkout-team', description: 'first' }), component('compat-two')].join('---\n') });

    const dry = await client.addLocation({ type: 'file', target: file, dryRun: true });
    expect(dry.exists).toBe(false);
    expect(dry.entities.map(e => e.metadata.name).sort()).toEqual(['compat-one', 'compat-two']);
    expect(await client.getEntityByRef('component:compat-one')).toBeUndefined();
    expect((await client.getLocations()).items.map(l => l.target)).not.toContain(file);

    const added = await client.addLocation({ type: 'file', target: file });
    expect(added.location).toMatchObject({ type: 'file', target: file });
    expect(added.entities.map(e => e.metadata.name).sort()).toEqual(['compat-one', 'compat-two']);
    const one = await client.getEntityByRef('component:default/compat-one');
    expect(one?.metadata.annotations?.['backstage.io/managed-by-location']).toBe(`file:${file}`);

    const again = await client.addLocation({ type: 'file', target: file, dryRun: true });
    expect(again.exists).toBe(true);
    await expect(client.addLocation({ type: 'file', target: file })).rejects.toMatchObject({ statusCode: 409 });

    expect(await client.getLocationById(added.location.id)).toMatchObject({ id: added.location.id, type: 'file', target: file });
    expect(await client.getLocationById('no-such-location')).toBeUndefined();
    expect((await client.getLocations()).items).toContainEqual({ id: added.location.id, type: 'file', target: file });
    expect(await client.getLocationByEntity('component:default/compat-two')).toMatchObject({ id: added.location.id });

    writeFileSync(file, [component('compat-one', { owner: 'checkout-team', description: 'second' }), component('compat-two')].join('---\n'));
    await client.refreshEntity('component:default/compat-one');
    expect((await client.getEntityByRef('component:default/compat-one'))?.metadata.description).toBe('second');

    await removeLocation(added.location.id);
    expect(await client.getLocationById(added.location.id)).toBeUndefined();
    expect(await client.getEntityByRef('component:default/compat-one')).toBeUndefined();
    expect(await client.getEntityByRef('component:default/compat-two')).toBeUndefined();
  });

  it('an entity deleted by uid comes back when its location is refreshed', async () => {
    const { location } = await addTempLocation(component('compat-deleted'));
    const entity = (await client.getEntityByRef('component:compat-deleted'))!;
    expect((await fetch(`${pave.url}/api/catalog/entities/by-uid/${entity.metadata.uid}`, { method: 'DELETE' })).status).toBe(204);
    expect(await client.getEntityByRef('component:compat-deleted')).toBeUndefined();
    expect((await fetch(`${pave.url}/api/catalog/locations/${location.id}/refresh`, { method: 'POST' })).status).toBe(200);
    expect((await client.getEntityByRef('component:compat-deleted'))?.metadata.name).toBe('compat-deleted');
    await removeLocation(location.id);
  });

  it('gets an entity by uid, and 404s for an unknown uid', async () => {
    const { location } = await addTempLocation(component('compat-by-uid'));
    const entity = (await client.getEntityByRef('component:compat-by-uid'))!;
    const byUid = await fetch(`${pave.url}/api/catalog/entities/by-uid/${entity.metadata.uid}`);
    expect(byUid.status).toBe(200);
    expect((await byUid.json()) as Entity).toEqual(entity);
    expect((await fetch(`${pave.url}/api/catalog/entities/by-uid/no-such-uid`)).status).toBe(404);
    await removeLocation(location.id);
    expect((await fetch(`${pave.url}/api/catalog/entities/by-uid/${entity.metadata.uid}`)).status).toBe(404);
  });

  it('removeLocationById removes the location and every entity it produced', async () => {
    const { location } = await addTempLocation(component('compat-remove-a'), component('compat-remove-b'));
    await client.removeLocationById(location.id);
    expect(await client.getLocationById(location.id)).toBeUndefined();
    expect(await client.getEntityByRef('component:default/compat-remove-a')).toBeUndefined();
    expect(await client.getEntityByRef('component:default/compat-remove-b')).toBeUndefined();
  });

  it('removeEntityByUid removes one entity; its location brings it back on refresh', async () => {
    const { location } = await addTempLocation(component('compat-uid'));
    const entity = (await client.getEntityByRef('component:compat-uid'))!;
    try {
      await client.removeEntityByUid(entity.metadata.uid!);
      expect(await client.getEntityByRef('component:compat-uid')).toBeUndefined();
      const refreshed = await fetch(`${pave.url}/api/catalog/locations/${location.id}/refresh`, { method: 'POST' });
      expect(refreshed.status).toBe(200);
      expect((await client.getEntityByRef('component:compat-uid'))?.metadata.name).toBe('compat-uid');
    } finally {
      await removeLocation(location.id);
    }
  });
});

describe('validateEntity', () => {
  it('accepts a valid entity', async () => {
    const entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'fine' }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a' } };
    expect(await client.validateEntity(entity, 'url:https://example.com/catalog-info.yaml')).toEqual({ valid: true });
  });

  it('answers { valid: false, errors } for an invalid one', async () => {
    const entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'Not A Valid Name!' }, spec: { type: 'service' } };
    const result = await client.validateEntity(entity as unknown as Entity, 'url:https://example.com/catalog-info.yaml');
    expect(result.valid).toBe(false);
    if (result.valid) return;
    expect(result.errors.length).toBeGreaterThan(0);
    for (const error of result.errors) {
      expect(error.name).toEqual(expect.any(String));
      expect(error.message).toEqual(expect.any(String));
    }
    expect(result.errors.map(e => e.message).join('\n')).toMatch(/metadata\/name/);
  });
});

it('an entity saved from a YAML file with every envelope field round-trips through the client', async () => {
  const dir = temp.make();
  const file = join(dir, 'catalog-info.yaml');
  writeFiles(dir, {
    'catalog-info.yaml': entityYaml('System', 'compat-system', { owner: 'group:default/platform-team', domain: 'platform' }, { title: 'Compat system', tags: ['alpha', 'beta'], labels: { tier: 'one' } }),
  });
  const { location } = await client.addLocation({ type: 'file', target: file });
  const system = await client.getEntityByRef('system:default/compat-system');
  expect(system).toMatchObject({ apiVersion: 'backstage.io/v1alpha1', kind: 'System', metadata: { name: 'compat-system', title: 'Compat system', tags: ['alpha', 'beta'], labels: { tier: 'one' } } });
  expect(system?.relations).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ type: 'ownedBy', targetRef: 'group:default/platform-team' }),
      expect.objectContaining({ type: 'partOf', targetRef: 'domain:default/platform' }),
    ]),
  );
  const owner = await client.getEntityByRef('group:default/platform-team');
  expect(owner?.relations).toContainEqual(expect.objectContaining({ type: 'ownerOf', targetRef: 'system:default/compat-system' }));
  await removeLocation(location.id);
  const after = await client.getEntityByRef('group:default/platform-team');
  expect(after?.relations).not.toContainEqual(expect.objectContaining({ targetRef: 'system:default/compat-system' }));
});

describe('predicate queries (the newer client’s query)', () => {
  const isService = (e: RawEntity) => e.kind === 'Component' && lower(e.spec?.type) === 'service';

  it('queryEntities({ query }) pages through what the predicate selects, cursors going back to POST', async () => {
    const query: Predicate = { $all: [{ kind: 'component' }, { $not: { 'spec.type': 'service' } }] };
    const expected = demoRefs(e => e.kind === 'Component' && !isService(e));
    expect(expected.length).toBeGreaterThan(3);
    const seen: Entity[] = [];
    let response = await client.queryEntities({ query, orderFields: { field: 'metadata.name', order: 'asc' }, limit: 3 });
    expect(response.totalItems).toBe(expected.length);
    seen.push(...response.items);
    while (response.pageInfo.nextCursor) {
      response = await client.queryEntities({ cursor: response.pageInfo.nextCursor, limit: 3 });
      expect(response.totalItems).toBe(expected.length);
      seen.push(...response.items);
    }
    expect(refsOf(seen)).toEqual(expected);
    const back = await client.queryEntities({ cursor: response.pageInfo.prevCursor!, limit: 3 });
    expect(back.items.map(apiRef)).toEqual(seen.slice(-3 - response.items.length, -response.items.length).map(apiRef));
  });

  it('supports $in, $exists, $hasPrefix, $contains and $any, ANDed with a filter', async () => {
    const ask = async (query: Predicate, filter?: Record<string, string>) => refsOf((await client.queryEntities({ query, ...(filter ? { filter } : {}), limit: 1000 })).items);
    expect(await ask({ kind: { $in: ['System', 'Domain'] } })).toEqual(demoRefs(e => e.kind === 'System' || e.kind === 'Domain'));
    expect(await ask({ 'metadata.annotations.backstage.io/techdocs-ref': { $exists: true } })).toEqual(demoRefs(e => e.metadata.annotations?.['backstage.io/techdocs-ref'] !== undefined));
    expect(await ask({ kind: 'group', 'spec.type': { $exists: false } })).toEqual(demoRefs(e => e.kind === 'Group' && e.spec?.type === undefined));
    expect(await ask({ 'metadata.name': { $hasPrefix: 'CHECKOUT' } })).toEqual(demoRefs(e => e.metadata.name.startsWith('checkout')));
    const tag = demo.find(e => e.metadata.tags?.length)!.metadata.tags![0]!;
    expect(await ask({ 'metadata.tags': { $contains: tag } })).toEqual(demoRefs(e => (e.metadata.tags ?? []).includes(tag)));
    expect(await ask({ $any: [{ kind: 'domain' }, { kind: 'system' }] }, { kind: 'system' })).toEqual(demoRefs(e => e.kind === 'System'));
    expect(await ask({ 'relations.ownedBy': 'group:default/checkout-team' })).toEqual(demoRefs(e => typeof e.spec?.owner === 'string' && normalizeRef(e.spec.owner, 'group') === 'group:default/checkout-team'));
  });

  it("queryEntities({ totalItems: 'exclude' }) leaves the count out (0), in GET and POST forms, and streamEntities reads everything", async () => {
    const get = await client.queryEntities({ filter: { kind: 'component' }, totalItems: 'exclude', limit: 5 });
    expect(get.totalItems).toBe(0);
    expect(get.items).toHaveLength(5);
    const post = await client.queryEntities({ query: { kind: 'component' }, totalItems: 'exclude', limit: 5 });
    expect(post.totalItems).toBe(0);
    const next = await client.queryEntities({ cursor: post.pageInfo.nextCursor!, limit: 5 });
    expect(next.totalItems).toBe(0);
    const streamed: Entity[] = [];
    for await (const page of client.streamEntities({ query: { kind: 'component' }, pageSize: 4 })) streamed.push(...page);
    expect(refsOf(streamed)).toEqual(demoRefs(e => e.kind === 'Component'));
  });

  it('getEntityFacets({ query }) counts over what the predicate selects', async () => {
    const { facets } = await client.getEntityFacets({ facets: ['spec.lifecycle'], query: { kind: 'component', 'spec.type': 'service' } });
    const counts = new Map<string, number>();
    for (const e of demo.filter(isService)) for (const value of valuesAt(e, 'spec.lifecycle')) counts.set(value, (counts.get(value) ?? 0) + 1);
    expect(Object.fromEntries(facets['spec.lifecycle']!.map(f => [f.value, f.count]))).toEqual(Object.fromEntries(counts));
  });

  it('facets over relations count each target, for every relation type', async () => {
    const { items } = await client.getEntities();
    const types = [...new Set(items.flatMap(e => e.relations ?? []).map(r => r.type))];
    expect(types).toEqual(expect.arrayContaining(['ownedBy', 'ownerOf', 'partOf', 'hasPart']));
    const { facets } = await client.getEntityFacets({ facets: types.map(type => `relations.${type}`) });
    for (const type of types) {
      const counts = new Map<string, number>();
      for (const entity of items) for (const target of new Set((entity.relations ?? []).filter(r => r.type === type).map(r => r.targetRef))) counts.set(target, (counts.get(target) ?? 0) + 1);
      expect(Object.fromEntries(facets[`relations.${type}`]!.map(f => [f.value, f.count])), type).toEqual(Object.fromEntries(counts));
    }
  });

  it('getEntitiesByRefs({ query }) answers undefined for entities the query does not select', async () => {
    const wanted = [refOf(demo.find(e => e.kind === 'User')!), refOf(demo.find(isService)!), refOf(demo.find(e => e.kind === 'API')!)];
    const { items } = await client.getEntitiesByRefs({ entityRefs: wanted, query: { kind: { $in: ['component', 'api'] } } });
    expect(items.map(e => (e ? apiRef(e) : undefined))).toEqual([undefined, wanted[1], wanted[2]]);
    const both = await client.getEntitiesByRefs({ entityRefs: wanted, query: { kind: { $in: ['component', 'api'] } }, filter: { kind: 'api' } });
    expect(both.items.map(e => (e ? apiRef(e) : undefined))).toEqual([undefined, undefined, wanted[2]]);
  });
});

/** For each demo file, the refs of the Location entities whose targets name it (read as the demo's files say). */
function demoFileParents(): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  const read = (file: string) => {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const entity = doc.toJS() as RawEntity | null;
      if (entity?.kind !== 'Location') continue;
      const spec = entity.spec ?? {};
      for (const target of [spec.target, ...((spec.targets as unknown[] | undefined) ?? [])].filter((t): t is string => typeof t === 'string')) {
        const named = resolve(dirname(file), target);
        parents.set(named, [...(parents.get(named) ?? []), refOf(entity)]);
        read(named);
      }
    }
  };
  read(DEMO_ROOT);
  return parents;
}

describe('getEntityAncestors', () => {
  it('follows the demo’s nested Location entities up to the registered location', async () => {
    const parents = demoFileParents();
    const fileOf = (name: string) => [...parents.keys()].find(file => readFileSync(file, 'utf8').includes(`name: ${name}\n`))!;
    const locationFiles = new Map(demo.filter(e => e.kind === 'Location').map(e => [refOf(e), fileOf(e.metadata.name)]));
    const answer = await client.getEntityAncestors({ entityRef: 'component:default/checkout-service' });
    expect(answer.rootEntityRef).toBe('component:default/checkout-service');
    const byRef = new Map(answer.items.map(item => [apiRef(item.entity), item.parentEntityRefs]));
    // Walk the demo's own files from the component up: each step's parents are the Locations naming its file.
    let ref = 'component:default/checkout-service';
    let file = fileOf('checkout-service');
    for (let depth = 0; parents.has(file); depth++) {
      expect(byRef.get(ref), ref).toEqual(parents.get(file));
      ref = parents.get(file)![0]!;
      file = locationFiles.get(ref)!;
      expect(depth).toBeLessThan(10);
    }
    // The top Location's file is the registered target: its parent is the location Backstage keeps as an entity.
    const [root] = byRef.get(ref)!;
    expect(root).toMatch(/^location:default\/generated-[0-9a-f]{40}$/);
    expect(answer.items.find(item => apiRef(item.entity) === root)).toMatchObject({ entity: { spec: { type: 'file', target: DEMO_ROOT } }, parentEntityRefs: [] });
    expect(answer.items).toHaveLength(byRef.size);
  });


  it('answers the entity as root and the registered location that produced it as its parent', async () => {
    const { file, location } = await addTempLocation(component('compat-ancestor'));
    try {
      const answer = await client.getEntityAncestors({ entityRef: 'component:default/compat-ancestor' });
      expect(answer.rootEntityRef).toBe('component:default/compat-ancestor');
      const [self, parent] = answer.items;
      expect(self!.entity.metadata.name).toBe('compat-ancestor');
      expect(self!.parentEntityRefs).toEqual([apiRef(parent!.entity)]);
      expect(parent!.entity).toMatchObject({ kind: 'Location', spec: { type: 'file', target: file } });
      expect(parent!.parentEntityRefs).toEqual([]);
      expect(answer.items).toHaveLength(2);
    } finally {
      await removeLocation(location.id);
    }
    await expect(client.getEntityAncestors({ entityRef: 'component:default/compat-ancestor' })).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe('more location methods', () => {
  it('queryLocations and streamLocations select with a predicate over type and target, in pages', async () => {
    const a = await addTempLocation(component('compat-query-a'));
    const b = await addTempLocation(component('compat-query-b'));
    try {
      const all = (await client.getLocations()).items;
      const page = await client.queryLocations({ limit: 1, query: { type: 'file', target: { $in: [a.file, b.file] } } });
      expect(page.totalItems).toBe(2);
      expect(page.items).toEqual([a.location]);
      const next = await client.queryLocations({ cursor: page.pageInfo.nextCursor! });
      expect(next.items).toEqual([b.location]);
      expect(next.pageInfo.nextCursor).toBeUndefined();
      const streamed: Array<{ id: string }> = [];
      for await (const items of client.streamLocations({ limit: 1 })) streamed.push(...items);
      expect(streamed).toEqual(all);
      expect(await client.getLocationByRef(`file:${a.file}`)).toEqual(a.location);
    } finally {
      await removeLocation(a.location.id);
      await removeLocation(b.location.id);
    }
  });

  it('updateLocation points a location at another target: its old entities go, the new ones come', async () => {
    const { location } = await addTempLocation(component('compat-before-move'));
    const dir = temp.make();
    writeFiles(dir, { 'catalog-info.yaml': component('compat-after-move') });
    const moved = await client.updateLocation(location.id, { type: 'file', target: join(dir, 'catalog-info.yaml') });
    expect(moved).toEqual({ id: location.id, type: 'file', target: join(dir, 'catalog-info.yaml') });
    expect(await client.getLocationById(location.id)).toMatchObject(moved);
    expect(await client.getEntityByRef('component:default/compat-before-move')).toBeUndefined();
    expect(await client.getLocationByEntity('component:default/compat-after-move')).toMatchObject({ id: location.id });
    await expect(client.updateLocation('no-such-location', { type: 'file', target: join(dir, 'catalog-info.yaml') })).rejects.toMatchObject({ statusCode: 404 });
    await removeLocation(location.id);
  });

  it("addLocation({ onConflict: 'refresh' }) refreshes a registered target instead of refusing it", async () => {
    const { file, location } = await addTempLocation(component('compat-conflict', { description: 'first' }));
    writeFileSync(file, component('compat-conflict', { description: 'second' }));
    const again = await client.addLocation({ type: 'file', target: file, onConflict: 'refresh' });
    expect(again.location).toEqual(location);
    expect(again.exists).toBe(true);
    expect((await client.getEntityByRef('component:compat-conflict'))?.metadata.description).toBe('second');
    await removeLocation(location.id);
  });

  it('analyzeLocation lists the entity files a location holds, or a Component to generate when it holds none', async () => {
    const { file, location } = await addTempLocation(component('compat-analyzed'));
    try {
      const found = await client.analyzeLocation({ location: { type: 'file', target: file } });
      expect(found.generateEntities).toEqual([]);
      expect(found.existingEntityFiles).toEqual([{ location: { type: 'file', target: file }, isRegistered: true, entity: expect.objectContaining({ kind: 'Component', metadata: expect.objectContaining({ name: 'compat-analyzed' }) }) }]);
    } finally {
      await removeLocation(location.id);
    }
    const empty = join(temp.make(), 'billing-worker');
    writeFiles(empty, { 'README.md': '# nothing here yet\n' });
    const generated = await client.analyzeLocation({ location: { type: 'file', target: join(empty, 'catalog-info.yaml') } });
    expect(generated.existingEntityFiles).toEqual([]);
    expect(generated.generateEntities).toEqual([
      {
        entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'billing-worker' }, spec: { type: 'other', lifecycle: 'unknown' } },
        fields: [expect.objectContaining({ field: 'spec.owner', state: 'needsUserInput', value: null })],
      },
    ]);
  });

  it('getEntityByName (deprecated) still finds an entity', async () => {
    expect((await client.getEntityByName({ kind: 'Component', namespace: 'default', name: 'checkout-service' }))?.metadata.name).toBe('checkout-service');
  });
});

describe('validateEntity and location refs', () => {
  const entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'fine' }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a' } };

  it.each(['https://example.com/catalog-info.yaml', 'no-colon-at-all', 'url:', ':https://example.com/x.yaml'])('refuses the malformed location ref %s', async ref => {
    const result = await client.validateEntity(entity, ref);
    expect(result.valid).toBe(false);
    if (result.valid) return;
    expect(result.errors).toEqual([expect.objectContaining({ name: 'InputError', message: expect.stringMatching(/^\/location: /) })]);
  });
});

describe('bad input on the predicate and location routes', () => {
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${pave.url}/api/catalog${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: response.status, problem: (await response.json()) as { errors?: Array<{ pointer: string }> } };
  };
  const deep = (depth: number): unknown => (depth === 0 ? { kind: 'component' } : { $not: deep(depth - 1) });

  it.each([
    ['/entities/by-query', '{"query":', ''],
    ['/entities/by-query', { query: { kind: 'component' }, sort: 'name' }, '/body/sort'],
    ['/entities/by-query', { query: [] }, '/query'],
    ['/entities/by-query', { query: { $nope: [] } }, '/query/$nope'],
    ['/entities/by-query', { query: { kind: { $in: 'component' } } }, '/query/kind/$in'],
    ['/entities/by-query', { query: { 'spec.type': { $regex: '.*' } } }, '/query/spec.type/$regex'],
    ['/entities/by-query', { query: deep(20) }, '/query'],
    ['/entities/by-query', { query: { kind: { $in: Array.from({ length: 500 }, (_, i) => `k${i}`) } } }, '/query'],
    ['/entities/by-query', { cursor: 'not-a-cursor' }, '/cursor'],
    ['/entities/by-query', { orderBy: [{ field: 'metadata.name', order: 'up' }] }, '/body/orderBy/0/order'],
    ['/entity-facets', { facets: ['kind'], query: 'kind=component' }, '/query'],
    ['/entity-facets', { facet: ['kind'] }, '/body/facet'],
    ['/entities/by-refs', { entityRefs: ['component:default/x'], query: { $all: {} } }, '/query/$all'],
    ['/locations/by-query', { cursor: 'bad' }, '/cursor'],
    ['/locations/by-query', { query: { type: { $exists: 'yes' } } }, '/query/type/$exists'],
    ['/locations/by-query', { limit: 5, colour: 'red' }, '/body/colour'],
    ['/analyze-location', { location: { type: 'file' } }, '/body/location/target'],
    ['/analyze-location', { location: { type: 'ftp', target: 'ftp://example.com/x.yaml' } }, '/type'],
    ['/analyze-location', { location: { type: 'url', target: 'file:///nonexistent/repository.git' } }, '/location/target'],
  ])('POST %s (case %#) → 400 naming %s', async (path, body, pointer) => {
    const { status, problem } = await post(path, body);
    expect(status).toBe(400);
    if (pointer) expect(problem.errors?.map(e => e.pointer)).toContain(pointer);
  });

  it('PUT /locations/:id refuses an unknown field and an unknown type, naming them', async () => {
    const { location } = await addTempLocation(component('compat-bad-put'));
    try {
      const put = async (body: unknown) => {
        const response = await fetch(`${pave.url}/api/catalog/locations/${location.id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return { status: response.status, pointers: ((await response.json()) as { errors?: Array<{ pointer: string }> }).errors?.map(e => e.pointer) };
      };
      expect(await put({ type: 'file', target: '/tmp/x.yaml', editMode: 'direct' })).toEqual({ status: 400, pointers: ['/body/editMode'] });
      expect(await put({ type: 'svn', target: '/tmp/x.yaml' })).toEqual({ status: 400, pointers: ['/type'] });
    } finally {
      await removeLocation(location.id);
    }
  });
});
