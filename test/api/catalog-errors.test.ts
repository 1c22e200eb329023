/**
 * Bad input over real HTTP: every mistake answers an RFC 9457 problem (application/problem+json with
 * type, title, status, detail and `errors[]` naming the field as a JSON pointer), and a registration
 * that fails leaves nothing behind.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPave } from '../support/pave-server.js';
import { TempDirs, call, component, expectFieldError, expectProblem, json, makeRepo, startApiPave, writeFiles } from './support.js';

const temp = new TempDirs();
let pave: RunningPave;
/** The only folder file locations may read in this server. */
let allowed: string;
/** A folder outside it. */
let outside: string;

beforeAll(async () => {
  allowed = temp.make('pave-allowed-');
  outside = temp.make('pave-outside-');
  writeFiles(allowed, { 'ok/catalog-info.yaml': component('allowed-one') });
  writeFiles(outside, { 'catalog-info.yaml': component('outside-one') });
  pave = await startApiPave({ config: { catalog: { allowedRoots: [allowed], refreshIntervalSeconds: 300, orphanStrategy: 'delete', maxDocumentBytes: 1024 * 1024 } } });
});

afterAll(async () => {
  await pave?.close();
  temp.cleanup();
});

const get = (path: string) => fetch(pave.url + path);
const register = (body: unknown, query = '') => call(pave.url, `/api/catalog/locations${query}`, { body });
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('query parameters', () => {
  it.each([
    ['/api/catalog/entities?filter==component', '/filter/0'],
    ['/api/catalog/entities?filter=kind=component&filter=,=x', '/filter/1'],
    ['/api/catalog/entities/by-query?filter=kind=api,=x', '/filter/0'],
    ['/api/catalog/entity-facets?facet=kind&filter==x', '/filter/0'],
  ])('an invalid filter: %s', async (path, pointer) => {
    expectFieldError(await expectProblem(await get(path), 400), pointer);
  });

  it.each([
    ['not base64 JSON', 'abc'],
    ['JSON of another shape', b64({ filter: 'kind=component', boundary: 3 })],
    ['a cursor with a bad direction', b64({ filter: [], orderFields: [], boundary: ['a', 'b'], direction: 'sideways', totalItems: 1 })],
  ])('an invalid cursor: %s', async (_label, cursor) => {
    expectFieldError(await expectProblem(await get(`/api/catalog/entities/by-query?cursor=${cursor}`), 400), '/cursor');
  });

  it('an invalid `after` cursor on /entities', async () => {
    expectFieldError(await expectProblem(await get('/api/catalog/entities?after=bm90LWEtbnVtYmVy'), 400), '/after');
  });

  it.each(['metadata.name,sideways', 'metadata.name,asc,extra', ',asc'])('an invalid orderField: %s', async orderField => {
    expectFieldError(await expectProblem(await get(`/api/catalog/entities/by-query?orderField=${encodeURIComponent(orderField)}`), 400), '/orderField/0');
  });

  it.each(['metadata.name', 'up:metadata.name', 'asc:'])('an invalid order: %s', async order => {
    expectFieldError(await expectProblem(await get(`/api/catalog/entities?order=${encodeURIComponent(order)}`), 400), '/order/0');
  });

  it.each([
    ['/api/catalog/entities?limit=-1', 'limit'],
    ['/api/catalog/entities/by-query?limit=-5', 'limit'],
    ['/api/catalog/entities?limit=ten', 'limit'],
    ['/api/catalog/entities?offset=-1', 'offset'],
    ['/api/catalog/entities/by-query?offset=1.5', 'offset'],
    ['/api/search?q=checkout&limit=0', 'limit'],
    ['/api/search?q=checkout&limit=101', 'limit'],
  ])('an out-of-range number: %s', async (path, field) => {
    expectFieldError(await expectProblem(await get(path), 400), `/${field}`);
  });

  it('a missing or oversized search query', async () => {
    expectFieldError(await expectProblem(await get('/api/search'), 400), '/q');
    expectFieldError(await expectProblem(await get(`/api/search?q=${'a'.repeat(501)}`), 400), '/q');
  });

  it('facets without a facet', async () => {
    expectFieldError(await expectProblem(await get('/api/catalog/entity-facets'), 400), '/facet');
  });
});

describe('routes and bodies', () => {
  it.each([
    ['GET', '/api/catalog/nope'],
    ['GET', '/api/nope'],
    ['POST', '/api/catalog/entities'],
    ['PATCH', '/api/catalog/locations'],
  ])('an unknown route: %s %s', async (method, path) => {
    const problem = await expectProblem(await fetch(pave.url + path, { method }), 404);
    expect(problem.detail).toContain(path);
  });

  it('an unknown /api route is a problem even when the portal is served', async () => {
    const portal = temp.make('pave-portal-');
    writeFiles(portal, { 'index.html': '<!doctype html><title>Pave</title>' });
    const withPortal = await startApiPave({ portalDir: portal });
    try {
      await expectProblem(await fetch(`${withPortal.url}/api/catalog/nope`), 404);
      const page = await fetch(`${withPortal.url}/catalog/some/page`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    } finally {
      await withPortal.close();
    }
  });

  it('missing things are 404 problems', async () => {
    await expectProblem(await get('/api/catalog/entities/by-name/component/default/nope'), 404);
    await expectProblem(await get('/api/catalog/entities/by-uid/nope'), 404);
    await expectProblem(await fetch(`${pave.url}/api/catalog/entities/by-uid/nope`, { method: 'DELETE' }), 404);
    await expectProblem(await get('/api/catalog/locations/nope'), 404);
    await expectProblem(await fetch(`${pave.url}/api/catalog/locations/nope`, { method: 'DELETE' }), 404);
    await expectProblem(await call(pave.url, '/api/catalog/locations/nope/refresh', { method: 'POST' }), 404);
    await expectProblem(await get('/api/catalog/locations/by-entity/component/default/nope'), 404);
    await expectProblem(await call(pave.url, '/api/catalog/refresh', { body: { entityRef: 'component:default/nope' } }), 404);
  });

  it('a malformed JSON body', async () => {
    await expectProblem(await call(pave.url, '/api/catalog/locations', { body: '{"type": "file", "target":' }), 400);
  });

  // KNOWN BUG (src/api/problem-handler.ts): Fastify's own errors leave as title "FastifyError" with no
  // errors[]; a malformed body should name the body (pointer "" or "/body") and have a human title.
  it('a malformed JSON body names the body and has a human title', async () => {
    const problem = await expectProblem(await call(pave.url, '/api/catalog/locations', { body: '{"type": "file", "target":' }), 400);
    expect(problem.title).not.toMatch(/Fastify/);
    expect(problem.errors?.map(e => e.pointer)).toEqual(expect.arrayContaining([expect.stringMatching(/^(\/body)?$/)]));
  });

  it('an oversized body is refused before it is read', async () => {
    const body = JSON.stringify({ type: 'file', target: 'x'.repeat(6 * 1024 * 1024) });
    await expectProblem(await call(pave.url, '/api/catalog/locations', { body }), 413);
  });

  // KNOWN BUG (src/api/problem-handler.ts): a 413 leaves with type .../bad-request and title "FastifyError".
  it('an oversized body is a too-large problem with a human title', async () => {
    const body = JSON.stringify({ type: 'file', target: 'x'.repeat(6 * 1024 * 1024) });
    const problem = await expectProblem(await call(pave.url, '/api/catalog/locations', { body }), 413);
    expect(problem.type).toMatch(/too-large$/);
    expect(problem.title).not.toMatch(/Fastify/);
  });

  it.each([
    ['a body that is not an object', '[1, 2]', '/body'],
    ['a missing target', { type: 'file' }, 'target'],
    ['a target that is not a string', { type: 'file', target: 42 }, 'target'],
  ])('a location body of the wrong shape: %s', async (_label, body, field) => {
    expectFieldError(await expectProblem(await register(body), 400), field);
  });

  it('by-refs without a list of refs', async () => {
    expectFieldError(await expectProblem(await call(pave.url, '/api/catalog/entities/by-refs', { body: { entityRefs: { ref: 'component:a' } } }), 400), '/entityRefs');
  });

  it('validate-entity with an invalid entity names each bad field', async () => {
    const entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'Bad Name!' }, spec: { type: 'service', lifecycle: 'production' } };
    const problem = await expectProblem(await call(pave.url, '/api/catalog/validate-entity', { body: { entity, location: 'url:https://example.com/x.yaml' } }), 400);
    expectFieldError(problem, '/metadata/name');
    expectFieldError(problem, '/spec/owner');
  });

  it('saving an entity under another name, or an invalid one', async () => {
    const entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'saved' }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a' } };
    expectFieldError(await expectProblem(await call(pave.url, '/api/catalog/entities/by-name/component/default/other', { method: 'PUT', body: entity }), 400), '/metadata/name');
    const invalid = { ...entity, spec: { type: 'service' } };
    expectFieldError(await expectProblem(await call(pave.url, '/api/catalog/entities/by-name/component/default/saved', { method: 'PUT', body: invalid }), 422), '/spec/owner');
  });
});

describe('registering locations', () => {
  it('an unknown location type, an empty target, or both', async () => {
    expectFieldError(await expectProblem(await register({ type: 'ftp', target: join(allowed, 'ok/catalog-info.yaml') }), 400), '/type');
    expectFieldError(await expectProblem(await register({ type: 'file', target: '   ' }), 400), '/target');
    const both = await expectProblem(await register({ type: '', target: '' }), 400);
    expectFieldError(both, '/type');
    expectFieldError(both, '/target');
  });

  it('a git URL that cannot be cloned', async () => {
    const problem = await expectProblem(await register({ type: 'url', target: 'file:///nonexistent.git' }), 400);
    expectFieldError(problem, '/target');
    expect(problem.errors?.[0]).toMatchObject({ rule: 'git' });
    expect(problem.detail).toMatch(/nonexistent\.git/);
  });

  it('a branch that does not exist in a real repository', async () => {
    const repo = makeRepo(temp.make('pave-repo-'), { 'catalog-info.yaml': component('repo-one') });
    const problem = await expectProblem(await register({ type: 'url', target: `file://${repo}#no-such-branch` }), 400);
    expectFieldError(problem, '/target');
    expect(problem.detail).toMatch(/no-such-branch/);
  });

  it('a target that is not a git URL', async () => {
    expectFieldError(await expectProblem(await register({ type: 'url', target: 'ftp://example.com/catalog.yaml' }), 400), '/target');
  });

  it('a file that does not exist, and a glob that matches nothing', async () => {
    const missing = await expectProblem(await register({ type: 'file', target: join(allowed, 'missing.yaml') }), 400);
    expectFieldError(missing, '/target');
    expect(missing.errors?.[0]).toMatchObject({ rule: 'not-found' });
    expectFieldError(await expectProblem(await register({ type: 'file', target: join(allowed, 'none/*.yaml') }), 400), '/target');
  });

  it('a file outside catalog.allowedRoots, however it is reached', async () => {
    const direct = await expectProblem(await register({ type: 'file', target: join(outside, 'catalog-info.yaml') }), 400);
    expectFieldError(direct, '/target');
    expect(direct.errors?.[0]).toMatchObject({ rule: 'allowed-roots' });
    // A `..` path that leaves the allowed folder.
    await expectProblem(await register({ type: 'file', target: `${allowed}/ok/../../${outside.split('/').pop()}/catalog-info.yaml` }), 400);
    // A symlink inside the allowed folder that points outside it.
    symlinkSync(join(outside, 'catalog-info.yaml'), join(allowed, 'escape.yaml'));
    expectFieldError(await expectProblem(await register({ type: 'file', target: join(allowed, 'escape.yaml') }), 400), '/target');
    // A dry run gives the same verdict as the real thing.
    await expectProblem(await register({ type: 'file', target: join(outside, 'catalog-info.yaml') }, '?dryRun=true'), 400);
    expect(await json<unknown[]>(await get('/api/catalog/entities?filter=metadata.name=outside-one'))).toEqual([]);
  });

  it('a file inside catalog.allowedRoots is read', async () => {
    const response = await register({ type: 'file', target: join(allowed, 'ok/catalog-info.yaml') });
    const body = await json<{ location: { id: string }; entities: Array<{ metadata: { name: string } }> }>(response, 201);
    expect(body.entities.map(e => e.metadata.name)).toEqual(['allowed-one']);
    const again = await expectProblem(await register({ type: 'file', target: join(allowed, 'ok/catalog-info.yaml') }), 409);
    expect(again.existingId).toBe(body.location.id);
    expectFieldError(again, '/target');
  });

  it('registering the same target twice at once: one 201, one 409, one location', async () => {
    writeFiles(allowed, { 'race/catalog-info.yaml': component('race-one') });
    const target = join(allowed, 'race/catalog-info.yaml');
    const responses = await Promise.all([register({ type: 'file', target }), register({ type: 'file', target })]);
    expect(responses.map(r => r.status).sort()).toEqual([201, 409]);
    await expectProblem(responses.find(r => r.status === 409)!, 409);
    const locations = await json<Array<{ data: { target: string } }>>(await get('/api/catalog/locations'));
    expect(locations.filter(l => l.data.target === target)).toHaveLength(1);
  });

  it('a malformed YAML file among good ones: the good ones load, status names file, document and line', async () => {
    writeFiles(allowed, {
      'mixed/a.yaml': component('mixed-a'),
      'mixed/b.yaml': [
        component('mixed-b'), // document 0: fine
        ['apiVersion: backstage.io/v1alpha1', 'kind: Component', 'metadata:', '  name: mixed-broken', '  name: twice', 'spec: {}', ''].join('\n'), // document 1: duplicate key on its line 5
        component('mixed-c'), // document 2: fine
      ].join('---\n'),
      'mixed/c.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: [oops\n',
      'mixed/d.yaml': component('mixed-d'),
    });
    const response = await register({ type: 'file', target: join(allowed, 'mixed/*.yaml') });
    const body = await json<{ location: { id: string }; entities: Array<{ metadata: { name: string } }>; errors: Array<{ source: string }> }>(response, 201);
    expect(body.entities.map(e => e.metadata.name).sort()).toEqual(['mixed-a', 'mixed-b', 'mixed-c', 'mixed-d']);
    for (const name of ['mixed-a', 'mixed-b', 'mixed-c', 'mixed-d']) await json(await get(`/api/catalog/entities/by-name/component/default/${name}`));

    const location = await json<{ status: { state: string; entityCount: number; errorCount: number; errors: Array<Record<string, unknown>> } }>(await get(`/api/catalog/locations/${body.location.id}`));
    expect(location.status).toMatchObject({ state: 'done', entityCount: 4 });
    expect(location.status.errorCount).toBe(location.status.errors.length);
    const linesBefore = component('mixed-b').split('\n').length; // lines of document 0 plus its `---`
    expect(location.status.errors).toContainEqual(expect.objectContaining({ source: `file:${join(allowed, 'mixed/b.yaml')}`, document: 1, line: linesBefore + 5, rule: 'yaml' }));
    expect(location.status.errors).toContainEqual(expect.objectContaining({ source: `file:${join(allowed, 'mixed/c.yaml')}`, document: 0, line: expect.any(Number) }));
    expect(location.status.errors.every(e => e.source !== `file:${join(allowed, 'mixed/a.yaml')}`)).toBe(true);
  });

  it('nothing is half-written after failed registrations', async () => {
    const snapshot = async () => ({
      locations: await json(await get('/api/catalog/locations')),
      entities: await json(await get('/api/catalog/entities?fields=metadata.uid,metadata.etag')),
      problems: await json(await get('/api/catalog/problems')),
    });
    writeFiles(allowed, { 'kept/catalog-info.yaml': component('kept-one') });
    expect((await register({ type: 'file', target: join(allowed, 'kept/catalog-info.yaml') })).status).toBe(201);
    const before = await snapshot();
    const failures = [
      { type: 'url', target: 'file:///nonexistent.git' },
      { type: 'url', target: `file://${allowed}/not-a-repo` },
      { type: 'file', target: join(outside, 'catalog-info.yaml') },
      { type: 'file', target: join(allowed, 'missing/*.yaml') },
      { type: 'file', target: join(allowed, 'kept/catalog-info.yaml') }, // already registered
      { type: 'nope', target: 'x' },
    ];
    for (const failure of failures) expect((await register(failure)).status).toBeGreaterThanOrEqual(400);
    expect(await snapshot()).toEqual(before);
  });
});
