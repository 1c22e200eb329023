/**
 * Ingestion end to end: real files and real git repositories (made with the git CLI) in temporary
 * folders, registered and refreshed over HTTP, read back over HTTP.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPave } from '../support/pave-server.js';
import { REFRESH_QUEUE } from '../../src/catalog/refresh-scheduler.js';
import {
  TempDirs,
  apiRef,
  call,
  commitAll,
  component,
  demoEntities,
  entityYaml,
  git,
  json,
  makeRepo,
  refOf,
  startApiPave,
  writeFiles,
  type RawEntity,
} from './support.js';

interface ApiEntity {
  kind: string;
  metadata: { name: string; namespace?: string; uid: string; description?: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  relations: Array<{ type: string; targetRef: string }>;
}

interface LocationStatus {
  id: string;
  type: string;
  target: string;
  status: {
    state: string;
    lastRefreshAt?: string;
    entityCount: number;
    errorCount: number;
    errors: Array<{ pointer: string; detail: string; rule?: string; source?: string; document?: number; line?: number; entityRef?: string; locationId?: string }>;
  };
}

interface Registered {
  location: { id: string; type: string; target: string };
  entities: ApiEntity[];
  entityCount: number;
  errors: LocationStatus['status']['errors'];
}

const temp = new TempDirs();
let pave: RunningPave;

beforeAll(async () => {
  pave = await startApiPave();
});

afterAll(async () => {
  await pave?.close();
  temp.cleanup();
});

const register = async (type: string, target: string) => json<Registered>(await call(pave.url, '/api/catalog/locations', { body: { type, target } }), 201);
const status = async (id: string) => json<LocationStatus>(await fetch(`${pave.url}/api/catalog/locations/${id}`));
const refreshLocation = async (id: string) => json<LocationStatus>(await call(pave.url, `/api/catalog/locations/${id}/refresh`, { method: 'POST' }));
const refreshEntity = async (entityRef: string) => json(await call(pave.url, '/api/catalog/refresh', { body: { entityRef } }));
const remove = async (id: string) => expect((await fetch(`${pave.url}/api/catalog/locations/${id}`, { method: 'DELETE' })).status).toBe(204);
const entity = async (ref: string): Promise<ApiEntity | undefined> => {
  const [kind, rest] = ref.split(':') as [string, string];
  const [namespace, name] = rest.split('/') as [string, string];
  const response = await fetch(`${pave.url}/api/catalog/entities/by-name/${kind}/${namespace}/${name}`);
  if (response.status === 404) return undefined;
  return json<ApiEntity>(response);
};
const names = (entities: Array<{ metadata: { name: string } }>) => entities.map(e => e.metadata.name).sort();
const locationYaml = (name: string, targets: string[]) => entityYaml('Location', name, { targets });
const group = (name: string) => entityYaml('Group', name, { type: 'team', children: [] });

describe('file locations', () => {
  it('follows nested Location entities relative to the file that holds them', async () => {
    const dir = temp.make();
    writeFiles(dir, {
      'catalog-info.yaml': locationYaml('root', ['./teams/*.yaml', 'services/svc.yaml']),
      'teams/a.yaml': [group('team-nested'), locationYaml('teams-more', ['./sub/more.yaml'])].join('---\n'),
      'teams/sub/more.yaml': component('nested-deep', { owner: 'team-nested' }),
      'services/svc.yaml': component('nested-svc', { owner: 'team-nested' }),
      // Must not be read: not named by any Location.
      'stray.yaml': component('nested-stray'),
    });
    const root = join(dir, 'catalog-info.yaml');
    const { location, entities, errors } = await register('file', root);
    expect(errors).toEqual([]);
    expect(names(entities)).toEqual(['nested-deep', 'nested-svc', 'root', 'team-nested', 'teams-more']);
    const deep = await entity('component:default/nested-deep');
    expect(deep?.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': `file:${join(dir, 'teams/sub/more.yaml')}`,
      'backstage.io/managed-by-origin-location': `file:${root}`,
    });
    expect(await entity('component:default/nested-stray')).toBeUndefined();
    await remove(location.id);
  });

  it('refuses a nested Location that climbs out of the location\'s folder', async () => {
    const parent = temp.make();
    writeFiles(parent, {
      'inner/catalog-info.yaml': [component('climb-ok'), locationYaml('climb', ['../outside.yaml'])].join('---\n'),
      'outside.yaml': component('climb-outside'),
    });
    const { location, errors } = await register('file', join(parent, 'inner/catalog-info.yaml'));
    // The problem points at the field that named the target (and never repeats what the file says).
    expect(errors).toContainEqual(expect.objectContaining({ rule: 'allowed-roots', pointer: '/spec/targets/0', document: 1, entityRef: 'location:default/climb', line: expect.any(Number) }));
    expect(JSON.stringify(errors)).not.toContain('outside.yaml');
    expect(await entity('component:default/climb-ok')).toBeDefined();
    expect(await entity('component:default/climb-outside')).toBeUndefined();
    await remove(location.id);
  });

  it('resolves $text, $json and $yaml placeholders, and refuses one that escapes the folder', async () => {
    const parent = temp.make();
    const definition = 'openapi: 3.0.0\ninfo: { title: Pets, version: 1.0.0 }\npaths: {}\n';
    writeFiles(parent, {
      'secret.txt': 'TOP SECRET\n',
      'cat/catalog-info.yaml': [
        entityYaml('API', 'placeholder-text', { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: { $text: './defs/pets.yaml' } }),
        entityYaml('Component', 'placeholder-data', { type: 'service', lifecycle: 'production', owner: 'team-a', fromJson: { $json: 'defs/data.json' }, fromYaml: { $yaml: './defs/data.yaml' } }),
        entityYaml('API', 'placeholder-escape', { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: { $text: '../secret.txt' } }),
      ].join('---\n'),
      'cat/defs/pets.yaml': definition,
      'cat/defs/data.json': JSON.stringify({ replicas: 3, zones: ['a', 'b'] }),
      'cat/defs/data.yaml': 'tier: gold\nports: [80, 443]\n',
    });
    const file = join(parent, 'cat/catalog-info.yaml');
    const { location, errors } = await register('file', file);

    expect((await entity('api:default/placeholder-text'))?.spec?.definition).toBe(definition);
    const data = await entity('component:default/placeholder-data');
    expect(data?.spec).toMatchObject({ fromJson: { replicas: 3, zones: ['a', 'b'] }, fromYaml: { tier: 'gold', ports: [80, 443] } });

    expect(await entity('api:default/placeholder-escape')).toBeUndefined();
    const escape = { source: `file:${file}`, document: 2, pointer: '/spec/definition', rule: 'placeholder', entityRef: 'api:default/placeholder-escape' };
    expect(errors).toContainEqual(expect.objectContaining(escape));
    const { status: current } = await status(location.id);
    expect(current.errors).toContainEqual(expect.objectContaining({ ...escape, line: expect.any(Number) }));
    expect(JSON.stringify(await json(await fetch(`${pave.url}/api/catalog/entities`)))).not.toContain('TOP SECRET');
    await remove(location.id);
  });

  it('reports status done with counts, and removes an entity that left its file on refresh', async () => {
    const dir = temp.make();
    const file = join(dir, 'catalog-info.yaml');
    writeFiles(dir, { 'catalog-info.yaml': [component('leaving-a'), component('leaving-b'), component('leaving-c'), entityYaml('Component', 'leaving-bad', { type: 'service' })].join('---\n') });
    const started = new Date().toISOString();
    const { location } = await register('file', file);

    const first = await status(location.id);
    expect(first.status).toMatchObject({ state: 'done', entityCount: 3, errorCount: first.status.errors.length });
    expect(first.status.errors.length).toBeGreaterThan(0);
    expect(first.status.lastRefreshAt! >= started).toBe(true);
    expect(first.status.errors.every(e => e.entityRef === 'component:default/leaving-bad')).toBe(true);

    // Through the location.
    writeFileSync(file, [component('leaving-a'), component('leaving-b')].join('---\n'));
    const afterLocationRefresh = await refreshLocation(location.id);
    expect(afterLocationRefresh.status).toMatchObject({ state: 'done', entityCount: 2, errorCount: 0, errors: [] });
    expect(afterLocationRefresh.status.lastRefreshAt! >= first.status.lastRefreshAt!).toBe(true);
    expect(await entity('component:default/leaving-c')).toBeUndefined();
    expect(await entity('component:default/leaving-bad')).toBeUndefined();

    // Through one of its entities.
    writeFileSync(file, component('leaving-a', { description: 'still here' }));
    await refreshEntity('component:default/leaving-a');
    expect(await entity('component:default/leaving-b')).toBeUndefined();
    expect((await entity('component:default/leaving-a'))?.metadata.description).toBe('still here');
    expect((await status(location.id)).status).toMatchObject({ state: 'done', entityCount: 1 });
    await remove(location.id);
  });

  it('answers a registration with at most 1000 of its entities and how many there are; a dry run lists them all', async () => {
    const dir = temp.make();
    const file = join(dir, 'catalog-info.yaml');
    const all = Array.from({ length: 1001 }, (_, i) => `many-${String(i).padStart(4, '0')}`);
    writeFiles(dir, { 'catalog-info.yaml': all.map(name => component(name)).join('---\n') });
    const dry = await json<Registered>(await call(pave.url, '/api/catalog/locations?dryRun=true', { body: { type: 'file', target: file } }), 201);
    expect(dry.entityCount).toBe(1001);
    expect(names(dry.entities)).toEqual(all);

    const { location, entities, entityCount } = await register('file', file);
    expect(entityCount).toBe(1001);
    expect(names(entities)).toEqual(all.slice(0, 1000));
    // The ones left out of the answer are stored all the same.
    expect(await entity('component:default/many-1000')).toBeDefined();
    expect((await status(location.id)).status).toMatchObject({ state: 'done', entityCount: 1001 });
    await remove(location.id);
  });

  it('a ref defined by two locations is a conflict on both; the first owner\'s entity is unchanged', async () => {
    const dirA = temp.make();
    const dirB = temp.make();
    writeFiles(dirA, { 'catalog-info.yaml': component('contested', { description: 'from A' }) });
    writeFiles(dirB, { 'catalog-info.yaml': [component('contested', { description: 'from B' }), component('b-only')].join('---\n') });
    const a = await register('file', join(dirA, 'catalog-info.yaml'));
    const before = await entity('component:default/contested');
    const b = await register('file', join(dirB, 'catalog-info.yaml'));

    const conflict = { rule: 'conflict', entityRef: 'component:default/contested', source: `file:${join(dirB, 'catalog-info.yaml')}`, document: 0 };
    expect(b.errors).toContainEqual(expect.objectContaining(conflict));
    const statusB = await status(b.location.id);
    expect(statusB.status).toMatchObject({ state: 'done', entityCount: 1 });
    expect(statusB.status.errors).toContainEqual(expect.objectContaining({ ...conflict, locationId: b.location.id }));
    const statusA = await status(a.location.id);
    expect(statusA.status.errors).toContainEqual(expect.objectContaining({ ...conflict, locationId: b.location.id }));
    expect(statusA.status.errorCount).toBe(statusA.status.errors.length);

    const after = await entity('component:default/contested');
    expect(after).toEqual(before);
    expect(after?.metadata.annotations?.['backstage.io/managed-by-location']).toBe(`file:${join(dirA, 'catalog-info.yaml')}`);
    expect(await entity('component:default/b-only')).toBeDefined();

    // Refreshing B again changes nothing for A; removing B clears the conflict from A's status.
    await refreshLocation(b.location.id);
    expect(await entity('component:default/contested')).toEqual(before);
    await remove(b.location.id);
    expect((await status(a.location.id)).status.errors).toEqual([]);
    expect(await entity('component:default/contested')).toEqual(before);
    await remove(a.location.id);
  });

  it('derives relations in both directions', async () => {
    const dir = temp.make();
    writeFiles(dir, {
      'catalog-info.yaml': [
        group('rel-team'),
        entityYaml('System', 'rel-system', { owner: 'rel-team' }),
        component('rel-a', { owner: 'rel-team', system: 'rel-system' }),
        component('rel-b', { owner: 'group:default/rel-team', dependsOn: ['component:rel-a'] }),
      ].join('---\n'),
    });
    const { location } = await register('file', join(dir, 'catalog-info.yaml'));
    const team = await entity('group:default/rel-team');
    expect(team?.relations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'ownerOf', targetRef: 'component:default/rel-a' }),
        expect.objectContaining({ type: 'ownerOf', targetRef: 'component:default/rel-b' }),
        expect.objectContaining({ type: 'ownerOf', targetRef: 'system:default/rel-system' }),
      ]),
    );
    const a = await entity('component:default/rel-a');
    expect(a?.relations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'ownedBy', targetRef: 'group:default/rel-team' }),
        expect.objectContaining({ type: 'partOf', targetRef: 'system:default/rel-system' }),
        expect.objectContaining({ type: 'dependencyOf', targetRef: 'component:default/rel-b' }),
      ]),
    );
    expect((await entity('system:default/rel-system'))?.relations).toContainEqual(expect.objectContaining({ type: 'hasPart', targetRef: 'component:default/rel-a' }));
    expect((await entity('component:default/rel-b'))?.relations).toContainEqual(expect.objectContaining({ type: 'dependsOn', targetRef: 'component:default/rel-a' }));

    const owned = await json<ApiEntity[]>(await fetch(`${pave.url}/api/catalog/entities?filter=relations.ownedBy=group:default/rel-team`));
    expect(owned.map(apiRef).sort()).toEqual(['component:default/rel-a', 'component:default/rel-b', 'system:default/rel-system']);
    await remove(location.id);
    // The reverse relations go with the entities that caused them.
    expect(await entity('group:default/rel-team')).toBeUndefined();
  });

  it('the refresh scheduler runs a due job and updates entities', async () => {
    const dir = temp.make();
    const file = join(dir, 'catalog-info.yaml');
    writeFiles(dir, { 'catalog-info.yaml': component('scheduled', { description: 'before' }) });
    const { location } = await register('file', file);
    const { scheduler } = pave.app.catalog;
    const jobs = async () => (await pave.app.queue.list(REFRESH_QUEUE)).filter(job => job.key === location.id);

    // Registering scheduled a periodic refresh, not due yet.
    expect(await jobs()).toHaveLength(1);
    expect(await scheduler.runDue()).toBe(0);

    writeFileSync(file, [component('scheduled', { description: 'after' }), component('scheduled-new')].join('---\n'));
    await pave.app.queue.enqueue(REFRESH_QUEUE, location.id, { locationId: location.id }, { runAt: new Date(Date.now() - 1000) });
    expect(await scheduler.runDue()).toBe(1);
    expect((await entity('component:default/scheduled'))?.metadata.description).toBe('after');
    expect(await entity('component:default/scheduled-new')).toBeDefined();

    // The job is rescheduled for the next period, not run again at once.
    const [job] = await jobs();
    expect(job!.run_at > new Date().toISOString()).toBe(true);
    expect(await scheduler.runDue()).toBe(0);
    await remove(location.id);
    expect(await jobs()).toEqual([]);
  });
});

describe('git locations', () => {
  it('reads a branch and a glob, follows nested Locations in the repository, and picks up new commits', async () => {
    const repo = makeRepo(temp.make('pave-repo-'), {
      'catalog-info.yaml': component('git-main-only'),
      'catalog/a.yaml': component('git-a'),
    });
    git(repo, 'checkout', '--quiet', '-b', 'feature');
    writeFiles(repo, {
      'catalog/b.yaml': [component('git-b'), locationYaml('git-nested', ['../more/c.yaml'])].join('---\n'),
      'more/c.yaml': component('git-c'),
    });
    commitAll(repo, 'feature');
    git(repo, 'checkout', '--quiet', 'main');

    const target = `file://${repo}#feature:catalog/*.yaml`;
    const { location, entities, errors } = await register('url', target);
    expect(errors).toEqual([]);
    expect(names(entities)).toEqual(['git-a', 'git-b', 'git-c', 'git-nested']);
    expect((await entity('component:default/git-c'))?.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': `url:file://${repo}#feature:more/c.yaml`,
      'backstage.io/managed-by-origin-location': `url:${target}`,
    });
    expect(await entity('component:default/git-main-only')).toBeUndefined();

    // A new commit on the branch: one entity changes, one goes, one comes.
    git(repo, 'checkout', '--quiet', 'feature');
    writeFiles(repo, { 'catalog/a.yaml': component('git-a', { description: 'changed on feature' }), 'catalog/d.yaml': component('git-d') });
    rmSync(join(repo, 'more/c.yaml'));
    commitAll(repo, 'change');
    git(repo, 'checkout', '--quiet', 'main');
    const refreshed = await refreshLocation(location.id);
    expect(refreshed.status.errors).toContainEqual(expect.objectContaining({ rule: 'not-found' }));
    expect(refreshed.status.entityCount).toBe(4);
    expect((await entity('component:default/git-a'))?.metadata.description).toBe('changed on feature');
    expect(await entity('component:default/git-c')).toBeUndefined();
    expect(await entity('component:default/git-d')).toBeDefined();
    await remove(location.id);
  });

  it('reads catalog-info.yaml at HEAD when no branch or path is given', async () => {
    const repo = makeRepo(temp.make('pave-repo-'), { 'catalog-info.yaml': component('git-head') });
    const { location, entities } = await register('url', `file://${repo}`);
    expect(names(entities)).toEqual(['git-head']);
    await remove(location.id);
  });

  it('does not follow a symlink in the repository that points outside it', async () => {
    const outside = temp.make('pave-outside-');
    writeFiles(outside, { 'secret.yaml': component('git-secret'), 'secret.txt': 'TOP SECRET\n', 'dir/other.yaml': component('git-secret-dir') });
    const repo = temp.make('pave-repo-');
    git(repo, 'init', '--quiet', '--initial-branch=main');
    writeFiles(repo, {
      'catalog/good.yaml': [component('git-good'), entityYaml('API', 'git-leaky-api', { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: { $text: '../defs/link.txt' } })].join('---\n'),
    });
    symlinkSync(join(outside, 'secret.yaml'), join(repo, 'catalog/link.yaml'));
    mkdirSync(join(repo, 'defs'));
    symlinkSync(join(outside, 'secret.txt'), join(repo, 'defs/link.txt'));
    symlinkSync(join(outside, 'dir'), join(repo, 'catalog/linked-dir'));
    commitAll(repo, 'symlinks');

    const { location, errors } = await register('url', `file://${repo}#main:catalog/**/*.yaml`);
    expect(await entity('component:default/git-good')).toBeDefined();
    expect(await entity('component:default/git-secret')).toBeUndefined();
    expect(await entity('component:default/git-secret-dir')).toBeUndefined();
    expect(await entity('api:default/git-leaky-api')).toBeUndefined();
    expect(errors).toContainEqual(expect.objectContaining({ pointer: '/spec/definition', rule: 'placeholder', entityRef: 'api:default/git-leaky-api' }));
    expect(JSON.stringify(await json(await fetch(`${pave.url}/api/catalog/entities`)))).not.toContain('TOP SECRET');

    // Naming the symlink directly is refused as well.
    const direct = await call(pave.url, '/api/catalog/locations', { body: { type: 'url', target: `file://${repo}#main:catalog/link.yaml` } });
    expect(direct.status).toBe(400);
    await remove(location.id);
  });
});

describe('full-text search over the demo', () => {
  let demoPave: RunningPave;
  let demo: RawEntity[];

  beforeAll(async () => {
    demoPave = await startApiPave({ demo: true });
    demo = demoEntities();
  });

  afterAll(async () => {
    await demoPave?.close();
  });

  interface Hit {
    entityRef: string;
    name: string;
    title?: string;
    description?: string;
    score: number;
  }
  const search = async (q: string, extra = '') => (await json<{ query: string; results: Hit[] }>(await fetch(`${demoPave.url}/api/search?q=${encodeURIComponent(q)}${extra}`))).results;
  const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

  it('finds demo entities by a phrase from the middle of their description', async () => {
    const described = demo.filter(e => e.kind === 'Component' && (e.metadata.description?.split(/\s+/).length ?? 0) > 12);
    expect(described.length).toBeGreaterThan(5);
    for (const raw of described.filter((_, i) => i % Math.ceil(described.length / 6) === 0)) {
      const phrase = words(raw.metadata.description!).slice(5, 9).join(' ');
      const hits = await search(phrase, '&limit=100');
      expect(hits.map(h => h.entityRef), `"${phrase}" finds ${refOf(raw)}`).toContain(refOf(raw));
    }
  });

  it('matches the last word as a prefix, while typing', async () => {
    const hits = await search('substitution eng');
    expect(hits[0]?.entityRef).toBe('component:default/substitution-engine');
  });

  it('ranks name matches above description-only matches', async () => {
    const word = 'checkout';
    const hits = await search(word, '&limit=100');
    const inName = hits.filter(h => words(h.name).includes(word));
    const onlyInDescription = hits.filter(h => !words(h.name).includes(word) && !words(h.title ?? '').includes(word) && words(h.description ?? '').includes(word));
    expect(inName.length).toBeGreaterThan(1);
    expect(onlyInDescription.length).toBeGreaterThan(0);
    expect(Math.min(...inName.map(h => h.score))).toBeGreaterThan(Math.max(...onlyInDescription.map(h => h.score)));
    const position = (h: Hit) => hits.indexOf(h);
    expect(Math.max(...inName.map(position))).toBeLessThan(Math.min(...onlyInDescription.map(position)));
  });

  it('filters by kind and answers nothing for a query of no words', async () => {
    const hits = await search('checkout', '&kind=system&kind=group');
    expect(hits.length).toBeGreaterThan(0);
    expect(new Set(hits.map(h => h.entityRef.split(':')[0]))).toEqual(new Set(['system', 'group']));
    expect(await search('  ?!  ')).toEqual([]);
  });
});
