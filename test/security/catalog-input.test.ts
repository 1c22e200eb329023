/**
 * Bounded input and edits checked before they are written, over real HTTP on 127.0.0.1: a 52 MB YAML
 * file, YAML and JSON nested beyond any real document, cursors made up by a client, the whole catalog
 * asked for at once, and entity edits that would make the catalog read files it must not. Real files and
 * real git repositories in temporary folders; states are awaited, never time.
 */
import { closeSync, openSync, readFileSync, symlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogClient } from '@backstage/catalog-client';
import type { RunningPave } from '../support/pave-server.js';
import { defaultConfig } from '../../src/pave-config.js';
import { TempDirs, apiRef, call, component, entityYaml, expectFieldError, expectProblem, git, json, makeRepo, registerLocation, removeLocation, startApiPave, writeFiles } from '../api/support.js';

const SECRET = 'SECRET-41d9-file-text';
const temp = new TempDirs();
let pave: RunningPave;

beforeAll(async () => {
  pave = await startApiPave();
});

afterAll(async () => {
  await pave?.close();
  temp.cleanup();
});

interface ApiEntity {
  kind: string;
  metadata: { name: string; namespace?: string; etag?: string; uid?: string; description?: string };
  spec?: Record<string, unknown>;
}

const register = (type: string, target: string) => registerLocation(pave.url, type, target);
const remove = (id: string) => removeLocation(pave.url, id);
const get = (path: string) => fetch(pave.url + path);
const byName = (name: string) => get(`/api/catalog/entities/by-name/component/default/${name}`);
const names = (entities: Array<{ metadata: { name: string } }>) => entities.map(e => e.metadata.name).sort();
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Writes a file of about `megabytes` MB of valid entity documents, a megabyte at a time (never the whole text in memory). */
function writeHugeYaml(file: string, megabytes: number, prefix: string): void {
  const fd = openSync(file, 'w');
  try {
    let n = 0;
    for (let written = 0; written < megabytes * 1024 * 1024; ) {
      const docs: string[] = [];
      for (let size = 0; size < 1024 * 1024; n++) {
        const doc = `---\n${component(`${prefix}-${n}`, { description: SECRET })}`;
        docs.push(doc);
        size += doc.length;
      }
      written += writeSync(fd, docs.join(''));
    }
  } finally {
    closeSync(fd);
  }
}

describe('a file larger than catalog.maxFileBytes', () => {
  it('a 52 MB YAML file is reported and skipped before it is parsed; the rest of the location loads', async () => {
    const dir = temp.make('pave-huge-');
    writeFiles(dir, {
      'a.yaml': component('huge-neighbour-a'),
      'c.yaml': [component('huge-neighbour-c'), entityYaml('API', 'huge-placeholder', { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: { $text: './b.yaml' } })].join('---\n'),
    });
    writeHugeYaml(join(dir, 'b.yaml'), 52, 'huge');
    const rssBefore = process.memoryUsage().rss;
    const { location, entities, errors } = await register('file', join(dir, '*.yaml'));

    expect(names(entities)).toEqual(['huge-neighbour-a', 'huge-neighbour-c']);
    expect(errors).toContainEqual(expect.objectContaining({ source: `file:${join(dir, 'b.yaml')}`, rule: 'size', pointer: '', detail: expect.stringContaining(`${defaultConfig().catalog.maxFileBytes} bytes`) }));
    expect(errors).toContainEqual(expect.objectContaining({ entityRef: 'api:default/huge-placeholder', pointer: '/spec/definition', rule: 'placeholder' }));
    expect((await byName('huge-0')).status).toBe(404);
    // Parsing it used to take ~1.9 GB; refused unread, it costs next to nothing (a loose bound, not a timing).
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 * 1024);
    const status = await json<{ status: { state: string; entityCount: number; errors: unknown[] } }>(await get(`/api/catalog/locations/${location.id}`));
    expect(status.status).toMatchObject({ state: 'done', entityCount: 2 });
    expect(JSON.stringify(status)).not.toContain(SECRET);
    await remove(location.id);
  });
});

describe('problems never quote the file', () => {
  it('syntax errors, broken $json and $yaml files name file, document, line, field and rule, but not their text', async () => {
    const dir = temp.make('pave-quotes-');
    writeFiles(dir, {
      'broken.yaml': [
        component('quotes-ok'),
        `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${SECRET}-a\n  name: ${SECRET}-b\n`,
        `- ${SECRET}\nkey: ${SECRET}: [${SECRET}\n`,
        `kind: Component\nmetadata: { name: "${SECRET}\n`,
      ].join('---\n'),
      'placeholders.yaml': entityYaml('Component', 'quotes-data', { type: 'service', lifecycle: 'production', owner: 'team-a', a: { $json: './bad.json' }, b: { $yaml: './bad.yaml' } }),
      'bad.json': `{"password": "${SECRET}", oops}`,
      'bad.yaml': `password: ${SECRET}\n  nested: ${SECRET}\n`,
    });
    const { location, errors } = await register('file', join(dir, '*.yaml'));
    expect(names((await json<ApiEntity[]>(await get('/api/catalog/entities?filter=metadata.name=quotes-ok'))))).toEqual(['quotes-ok']);
    for (const document of [1, 2, 3]) {
      expect(errors).toContainEqual(expect.objectContaining({ source: `file:${join(dir, 'broken.yaml')}`, document, line: expect.any(Number), rule: 'yaml', detail: expect.stringMatching(/^not valid YAML at column \d+: .+ \([A-Z_]+\)$/) }));
    }
    expect(errors).toContainEqual(expect.objectContaining({ entityRef: 'component:default/quotes-data', pointer: '/spec/a', rule: 'placeholder' }));
    expect(errors).toContainEqual(expect.objectContaining({ entityRef: 'component:default/quotes-data', pointer: '/spec/b', rule: 'placeholder' }));
    for (const path of ['/api/catalog/problems', `/api/catalog/locations/${location.id}`]) expect(await (await get(path)).text()).not.toContain(SECRET);
    await remove(location.id);
  });
});

describe('depth', () => {
  it('a YAML document nested deeper than 64 levels is a problem; the other documents load', async () => {
    const dir = temp.make('pave-deep-');
    const deepBlock = Array.from({ length: 80 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n') + ' 1\n';
    writeFiles(dir, {
      'catalog-info.yaml': [
        component('deep-before'),
        `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: deep-flow\nspec:\n  x: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`,
        `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: deep-block\nspec:\n${deepBlock}`,
        component('deep-after'),
      ].join('---\n'),
    });
    const { location, entities, errors } = await register('file', join(dir, 'catalog-info.yaml'));
    expect(names(entities)).toEqual(['deep-after', 'deep-before']);
    expect(errors).toEqual([
      expect.objectContaining({ document: 1, rule: 'depth', line: expect.any(Number) }),
      expect.objectContaining({ document: 2, rule: 'depth', line: expect.any(Number) }),
    ]);
    await remove(location.id);
  });

  it('a JSON body nested deeper than 64 levels is a 400 problem naming the body, on any route', async () => {
    const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
    const entity = (x: string) => `{"apiVersion":"backstage.io/v1alpha1","kind":"Component","metadata":{"name":"deep-body"},"spec":{"type":"service","lifecycle":"production","owner":"team-a","x":${x}}}`;
    for (const [method, path, body] of [
      ['POST', '/api/catalog/validate-entity', `{"entity":${entity(deep(1_000_000))}}`],
      ['PUT', '/api/catalog/entities/by-name/component/default/deep-body', entity(deep(100_000))],
      ['POST', '/api/catalog/locations', `{"type":"file","target":${deep(100)}}`],
      ['POST', '/api/catalog/entities/by-refs', `{"entityRefs":[],"fields":${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}}`],
    ] as const) {
      const problem = await expectProblem(await call(pave.url, path, { method, body }), 400);
      expectFieldError(problem, '/body');
      expect(problem.errors).toContainEqual(expect.objectContaining({ pointer: '/body', rule: 'depth' }));
    }
    // Real documents are nowhere near the limit: 60 levels are read as usual.
    expect((await call(pave.url, '/api/catalog/validate-entity', { body: `{"entity":${entity(deep(55))}}` })).status).toBe(200);
  });
});

describe('cursors and offsets made up by a client', () => {
  it.each([
    ['an after of 300 digits', `after=${b64('9'.repeat(300))}`, '/after'],
    ['an after beyond a safe integer', `after=${b64('99999999999999999999')}`, '/after'],
    ['an after that is not digits', `after=${b64('1e3')}`, '/after'],
    ['a negative after', `after=${b64('-5')}`, '/after'],
    ['an after of 12,000 characters', `after=${'A'.repeat(12_000)}`, '/after'],
    ['an offset of 1e300', 'offset=1e300', '/offset'],
    ['a limit of 1e300', 'limit=1e300', '/limit'],
  ])('GET /entities with %s answers 400 naming the field', async (_label, query, field) => {
    expectFieldError(await expectProblem(await get(`/api/catalog/entities?${query}`), 400), field);
  });

  const cursor = { filter: [], orderFields: [], boundary: ['a', 'b'], direction: 'next', totalItems: 1 };
  it.each([
    ['a cursor of 12,000 characters', 'A'.repeat(12_000)],
    ['a cursor of 9,000 characters', b64({ ...cursor, filter: ['x'.repeat(9000)] })],
    ['a cursor with a filter that is not one', b64({ ...cursor, filter: ['=x'] })],
    ['a cursor with a negative total', b64({ ...cursor, totalItems: -1 })],
    ['a cursor with a total beyond a safe integer', b64({ ...cursor, totalItems: 1e300 })],
    ['a cursor with an order that is not asc or desc', b64({ ...cursor, orderFields: [{ field: 'metadata.name', order: 'sideways' }] })],
    ['a cursor with a numeric boundary id', b64({ ...cursor, boundary: ['a', 7] })],
  ])('GET /entities/by-query with %s answers 400 naming the cursor', async (_label, value) => {
    expectFieldError(await expectProblem(await get(`/api/catalog/entities/by-query?cursor=${value}`), 400), '/cursor');
  });

  it('cursors the server issued still work, and a valid after skips entities', async () => {
    const dir = temp.make('pave-cursor-');
    writeFiles(dir, { 'catalog-info.yaml': ['c1', 'c2', 'c3'].map(n => component(`cursor-${n}`)).join('---\n') });
    const { location } = await register('file', join(dir, 'catalog-info.yaml'));
    const first = await json<{ items: ApiEntity[]; pageInfo: { nextCursor?: string } }>(await get('/api/catalog/entities/by-query?filter=metadata.name=cursor-c1,metadata.name=cursor-c2,metadata.name=cursor-c3&limit=2'));
    const next = await json<{ items: ApiEntity[] }>(await get(`/api/catalog/entities/by-query?cursor=${first.pageInfo.nextCursor}`));
    expect(names([...first.items, ...next.items])).toEqual(['cursor-c1', 'cursor-c2', 'cursor-c3']);
    const after = await json<ApiEntity[]>(await get(`/api/catalog/entities?filter=metadata.name=cursor-c1,metadata.name=cursor-c2,metadata.name=cursor-c3&order=asc:metadata.name&after=${b64('1')}`));
    expect(names(after)).toEqual(['cursor-c2', 'cursor-c3']);
    await remove(location.id);
  });
});

describe('filter predicates made up by a client', () => {
  const post = (path: string, body: unknown) => fetch(`${pave.url}/api/catalog${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const cursor = { filter: [], orderFields: [], boundary: ['a', 'b'], direction: 'next', totalItems: 1 };

  it('quotes, wildcards and SQL in keys and values are values, never SQL', async () => {
    const dir = temp.make('pave-predicate-');
    writeFiles(dir, { 'catalog-info.yaml': [component('predicate-a'), component('predicate-b')].join('---\n') });
    const { location } = await register('file', join(dir, 'catalog-info.yaml'));
    try {
      for (const query of [
        { 'metadata.name': "predicate-a' OR '1'='1" },
        { "metadata.name') OR 1=1 --": 'predicate-a' },
        { 'metadata.name': { $hasPrefix: '%' } },
        { 'metadata.name': { $hasPrefix: '_redicate' } },
        { 'relations.ownedBy': { $hasPrefix: "%' OR 1=1 --" } },
      ]) {
        const answer = await json<{ items: ApiEntity[]; totalItems: number }>(await post('/entities/by-query', { query }));
        expect(answer, JSON.stringify(query)).toEqual({ items: [], totalItems: 0, pageInfo: {} });
      }
      const exact = await json<{ items: ApiEntity[] }>(await post('/entities/by-query', { query: { 'metadata.name': { $hasPrefix: 'predicate-' } } }));
      expect(names(exact.items)).toEqual(['predicate-a', 'predicate-b']);
    } finally {
      await remove(location.id);
    }
  });

  it.each([
    ['a predicate cursor whose query is 300 levels deep', { ...cursor, query: JSON.parse('{"$not":'.repeat(300) + '{"kind":"x"}' + '}'.repeat(300)) }],
    ['a predicate cursor whose query is not a predicate', { ...cursor, query: { kind: { $where: 'sleep(10)' } } }],
    ['a predicate cursor whose excludeTotal is not a boolean', { ...cursor, query: null, excludeTotal: 'yes' }],
  ])('POST /entities/by-query with %s answers 400 naming the cursor', async (_label, state) => {
    expectFieldError(await expectProblem(await post('/entities/by-query', { cursor: Buffer.from(JSON.stringify(state)).toString('base64') }), 400), '/cursor');
  });

  it('a predicate of 10,000 alternatives is refused before any SQL is built', async () => {
    const query = { $any: Array.from({ length: 10_000 }, (_, i) => ({ 'metadata.name': `n${i}` })) };
    for (const path of ['/entities/by-query', '/entity-facets', '/locations/by-query']) {
      expectFieldError(await expectProblem(await post(path, path === '/entity-facets' ? { facets: ['kind'], query } : { query }), 400), '/query');
    }
  });
});

describe('GET /api/catalog/entities without a limit streams', () => {
  let locationId: string;
  beforeAll(async () => {
    const dir = temp.make('pave-big-');
    // 1,302 entities over three files: more than two database pages, some without a title (sorted last),
    // many sharing one type (ties broken by id), tags on some.
    const files: Record<string, string> = {};
    for (let f = 0; f < 3; f++) {
      const docs: string[] = [];
      for (let i = 0; i < 434; i++) {
        const n = f * 434 + i;
        const metadata = { ...(n % 5 ? { title: `Title ${n % 13}` } : {}), ...(n % 3 ? {} : { tags: [`tag-${n % 11}`] }) };
        docs.push(entityYaml('Component', `big-${String(n).padStart(4, '0')}`, { type: `type-${n % 4}`, lifecycle: 'production', owner: `team-${n % 7}` }, metadata));
      }
      files[`f${f}.yaml`] = docs.join('---\n');
    }
    writeFiles(dir, files);
    locationId = (await register('file', join(dir, '*.yaml'))).location.id;
  });
  afterAll(async () => remove(locationId));

  /** The same list read through limit/offset pages (the bounded path, at most 1000 a page). */
  async function paged(query: string): Promise<unknown[]> {
    const all: unknown[] = [];
    for (let offset = 0; ; offset += 400) {
      const page = await json<unknown[]>(await get(`/api/catalog/entities?${query}${query ? '&' : ''}limit=400&offset=${offset}`));
      all.push(...page);
      if (page.length < 400) return all;
    }
  }

  it.each([
    ['no order (by ref)', ''],
    ['one order field', 'order=desc:metadata.name'],
    ['a field some entities lack, then another with ties', 'order=asc:metadata.title&order=desc:spec.type'],
    ['an order on an array field', 'order=asc:metadata.tags'],
    ['a filter and projected fields', 'filter=kind=component,spec.owner=team-3&fields=metadata.name,spec.type&order=asc:spec.type'],
  ])('answers the same array as limit/offset pages: %s', async (_label, query) => {
    const response = await get(`/api/catalog/entities${query ? `?${query}` : ''}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    // Streamed: no Content-Length was known when the answer started.
    expect(response.headers.get('content-length')).toBeNull();
    const streamed = JSON.parse(await response.text()) as unknown[];
    expect(streamed.length).toBeGreaterThan(query.includes('filter') ? 100 : 1300);
    expect(streamed).toEqual(await paged(query));
  });

  it('an offset without a limit streams the rest', async () => {
    const all = await json<ApiEntity[]>(await get('/api/catalog/entities?order=asc:metadata.name'));
    expect(await json<ApiEntity[]>(await get('/api/catalog/entities?order=asc:metadata.name&offset=37'))).toEqual(all.slice(37));
    expect(await json<ApiEntity[]>(await get(`/api/catalog/entities?offset=${all.length + 5}`))).toEqual([]);
  });

  it('reads in pages of any size the same list as one read', async () => {
    const reader = pave.app.catalog.entities;
    for (const order of [[], [{ field: 'metadata.title', order: 'desc' as const }, { field: 'spec.type', order: 'asc' as const }]]) {
      const pages: ApiEntity[][] = [];
      for await (const page of reader.listPages({ order, offset: 3 }, 50)) pages.push(page);
      expect(pages.length).toBeGreaterThan(25);
      expect(pages.flat()).toEqual(await reader.list({ order, offset: 3 }));
    }
  });

  it('a bad filter is still a problem, not a broken 200', async () => {
    expectFieldError(await expectProblem(await get('/api/catalog/entities?filter==component'), 400), '/filter/0');
  });

  it("Backstage's catalog client gets every entity", async () => {
    const client = new CatalogClient({ discoveryApi: { getBaseUrl: async () => `${pave.url}/api/catalog` }, fetchApi: { fetch } });
    const { items } = await client.getEntities();
    const total = await json<{ totalItems: number }>(await get('/api/catalog/entities/by-query?limit=1'));
    expect(items).toHaveLength(total.totalItems);
    expect(new Set(items.map(apiRef)).size).toBe(items.length);
  });
});

describe('an entity edit is checked before it is written', () => {
  const put = (base: string, name: string, body: unknown) =>
    fetch(`${base}/api/catalog/entities/by-name/component/default/${name}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('adding $text: /etc/passwd (or a link out) to a file location answers 422 naming the field, and changes nothing', async () => {
    const dir = temp.make('pave-edit-');
    writeFiles(dir, { 'catalog-info.yaml': component('edit-file') });
    symlinkSync('/etc/passwd', join(dir, 'link.txt'));
    const { location } = await register('file', join(dir, 'catalog-info.yaml'));
    const before = readFileSync(join(dir, 'catalog-info.yaml'));
    const entity = await json<ApiEntity>(await byName('edit-file'));
    for (const placeholder of [{ $text: '/etc/passwd' }, { $text: './link.txt' }, { $json: '../../../../etc/passwd' }]) {
      const problem = await expectProblem(await put(pave.url, 'edit-file', { ...entity, spec: { ...entity.spec, leak: placeholder } }), 422);
      expectFieldError(problem, '/spec/leak');
      expect(problem.errors).toContainEqual(expect.objectContaining({ pointer: '/spec/leak', rule: 'placeholder' }));
      expect(JSON.stringify(problem)).not.toContain('root:');
    }
    expect(readFileSync(join(dir, 'catalog-info.yaml')).equals(before)).toBe(true);
    const after = await json<ApiEntity>(await byName('edit-file'));
    expect(after.metadata.etag).toBe(entity.metadata.etag);
    // A good edit still goes through.
    expect((await put(pave.url, 'edit-file', { ...after, metadata: { ...after.metadata, description: 'Edited' } })).status).toBe(200);
    expect(readFileSync(join(dir, 'catalog-info.yaml'), 'utf8')).toContain('description: Edited');
    await remove(location.id);
  });

  it('the same edit of a git location makes no commit', async () => {
    const work = makeRepo(temp.make('pave-edit-repo-'), { 'catalog-info.yaml': component('edit-git') });
    const remote = join(temp.make('pave-edit-remote-'), 'remote.git');
    git(work, 'clone', '--quiet', '--bare', work, remote);
    const { location } = await register('url', `file://${remote}#main:catalog-info.yaml`);
    const head = git(remote, 'rev-parse', 'main').trim();
    const entity = await json<ApiEntity>(await byName('edit-git'));
    const problem = await expectProblem(await put(pave.url, 'edit-git', { ...entity, spec: { ...entity.spec, leak: { $text: '/etc/passwd' } } }), 422);
    expectFieldError(problem, '/spec/leak');
    expect(git(remote, 'rev-parse', 'main').trim()).toBe(head);
    expect(git(remote, 'for-each-ref', '--format=%(refname)')).toBe('refs/heads/main\n');
    expect((await byName('edit-git')).status).toBe(200);
    await remove(location.id);
  });

  it('an edit that would make the file larger than catalog.maxFileBytes answers 422 and changes nothing', async () => {
    const small = await startApiPave({ config: { catalog: { ...defaultConfig().catalog, maxFileBytes: 2048 } } });
    try {
      const dir = temp.make('pave-edit-');
      writeFiles(dir, { 'catalog-info.yaml': component('edit-size') });
      await json(await call(small.url, '/api/catalog/locations', { body: { type: 'file', target: join(dir, 'catalog-info.yaml') } }), 201);
      const before = readFileSync(join(dir, 'catalog-info.yaml'));
      const entity = await json<ApiEntity>(await fetch(`${small.url}/api/catalog/entities/by-name/component/default/edit-size`));
      const problem = await expectProblem(await put(small.url, 'edit-size', { ...entity, metadata: { ...entity.metadata, description: 'x'.repeat(4000) } }), 422);
      expect(problem.errors).toContainEqual(expect.objectContaining({ rule: 'size' }));
      expect(readFileSync(join(dir, 'catalog-info.yaml')).equals(before)).toBe(true);
    } finally {
      await small.close();
    }
  });
});
