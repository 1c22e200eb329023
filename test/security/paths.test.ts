/**
 * Paths resolved, not compared as text: every file Pave serves or reads from a location (docs pages and
 * images, techdocs-ref, nested Location targets, placeholders) must have its real path inside its tree.
 * Each attack is made of real files, symbolic links and git repositories in temporary folders, played
 * over real HTTP on 127.0.0.1; the secrets are real files outside the tree (and the server's own
 * SQLite file, and /etc/passwd), and no answer or problem may hold a byte of them.
 */
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPave } from '../support/pave-server.js';
import { TempDirs, call, commitAll, component, entityYaml, expectFieldError, expectProblem, git, json, registerLocation, removeLocation, startApiPave, writeFiles } from '../api/support.js';
import { makeHostedRepository } from '../repositories/support.js';

const SECRET = 'SECRET-7c1f-outside-the-tree';
const temp = new TempDirs();
let pave: RunningPave;
/** A folder outside every location, holding what no answer may contain. */
let outside: string;
/** The server's own database file. */
let database: string;

beforeAll(async () => {
  pave = await startApiPave();
  database = join(pave.dataDir, 'pave.db');
  outside = temp.make('pave-outside-');
  writeFiles(outside, {
    'secret.txt': `${SECRET}\n`,
    'secret.yaml': component('outside-entity', { description: SECRET }),
    'docs/index.md': `# ${SECRET}\n`,
    'mkdocs.yml': 'site_name: Outside\n',
  });
});

afterAll(async () => {
  await pave?.close();
  temp.cleanup();
});

const register = (type: string, target: string) => registerLocation(pave.url, type, target);
const remove = (id: string) => removeLocation(pave.url, id);
const exists = async (ref: string) => {
  const [kind, rest] = ref.split(':') as [string, string];
  const [namespace, name] = rest.split('/') as [string, string];
  return (await fetch(`${pave.url}/api/catalog/entities/by-name/${kind}/${namespace}/${name}`)).status === 200;
};
const docsUrl = (name: string, what = '') => `${pave.url}/api/docs/by-name/component/default/${name}${what}`;
const page = (name: string, path: string) => fetch(docsUrl(name, `/page?path=${encodeURIComponent(path)}`));
const asset = (name: string, path: string) => fetch(docsUrl(name, `/asset?path=${encodeURIComponent(path)}`));
/** Everything a signed-in reader can see about ingestion and entities, as one string. */
const everythingVisible = async () =>
  JSON.stringify([await json(await fetch(`${pave.url}/api/catalog/entities`)), await json(await fetch(`${pave.url}/api/catalog/problems`))]);
const passwd = existsSync('/etc/passwd') ? readFileSync('/etc/passwd', 'utf8').split('\n')[0]! : 'root:x:0:0';

const withDocs = (name: string, techdocsRef = 'dir:.') => entityYaml('Component', name, { type: 'service', lifecycle: 'production', owner: 'team-a' }, { annotations: { 'backstage.io/techdocs-ref': techdocsRef } });

/** Docs files: one real page, and pages and images that are links to secrets. */
function docsWithLinks(dir: string, name: string): void {
  writeFiles(dir, {
    'catalog-info.yaml': withDocs(name),
    'mkdocs.yml': 'site_name: Linked\nnav:\n  - Home: index.md\n  - Passwd: passwd.md\n',
    'docs/index.md': '# Real page\n',
  });
  symlinkSync('/etc/passwd', join(dir, 'docs', 'passwd.md'));
  symlinkSync(database, join(dir, 'docs', 'database.md'));
  symlinkSync(join(outside, 'secret.txt'), join(dir, 'docs', 'secret.md'));
  symlinkSync('/etc/passwd', join(dir, 'docs', 'passwd.png'));
  symlinkSync(database, join(dir, 'docs', 'database.png'));
  symlinkSync(join(outside, 'docs'), join(dir, 'docs', 'linked-folder'));
}

async function expectDocsLinksRefused(name: string): Promise<void> {
  const real = await json<{ markdown: string }>(await page(name, 'index.md'));
  expect(real.markdown).toBe('# Real page\n');
  for (const path of ['passwd.md', 'database.md', 'secret.md', 'linked-folder/index.md']) {
    const problem = await expectProblem(await page(name, path), 400);
    expectFieldError(problem, '/path');
    expect(JSON.stringify(problem)).not.toContain(SECRET);
    expect(JSON.stringify(problem)).not.toContain(passwd);
  }
  for (const path of ['passwd.png', 'database.png']) {
    const response = await asset(name, path);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expectFieldError(await expectProblem(response, 400), '/path');
  }
}

describe('docs never follow a link out of the entity\'s tree', () => {
  it('a page or image that is a link to /etc/passwd, the SQLite file or a file outside is refused (file location)', async () => {
    const dir = temp.make('pave-docs-');
    docsWithLinks(dir, 'docs-linked');
    const { location } = await register('file', join(dir, 'catalog-info.yaml'));
    await expectDocsLinksRefused('docs-linked');
    await remove(location.id);
  });

  it('the same links committed to a git repository are refused (git location)', async () => {
    const repo = temp.make('pave-docs-repo-');
    git(repo, 'init', '--quiet', '--initial-branch=main');
    docsWithLinks(repo, 'docs-linked-git');
    commitAll(repo, 'docs with links');
    const { location } = await register('url', `file://${repo}#main:catalog-info.yaml`);
    await expectDocsLinksRefused('docs-linked-git');
    await remove(location.id);
  });

  it('a docs folder, docs_dir or mkdocs.yml that is a link out of the tree gives no pages from outside', async () => {
    const dir = temp.make('pave-docs-');
    writeFiles(dir, { 'a/catalog-info.yaml': withDocs('docs-dir-linked'), 'b/catalog-info.yaml': withDocs('docs-config-linked'), 'b/docs/index.md': '# B\n', 'c/catalog-info.yaml': withDocs('docs-docsdir-abs'), 'c/mkdocs.yml': `docs_dir: ${join(outside, 'docs')}\n` });
    symlinkSync(join(outside, 'docs'), join(dir, 'a', 'docs'));
    symlinkSync('/etc/passwd', join(dir, 'b', 'mkdocs.yml'));
    const { location } = await register('file', join(dir, '*/catalog-info.yaml'));
    expect(JSON.stringify(await (await fetch(docsUrl('docs-dir-linked'))).json())).not.toContain(SECRET);
    await expectProblem(await page('docs-dir-linked', 'index.md'), 400);
    // A linked mkdocs.yml is not read: the site falls back to its Markdown files.
    const site = await json<{ siteName: string }>(await fetch(docsUrl('docs-config-linked')));
    expect(site.siteName).toBe('Documentation');
    expect(JSON.stringify(site)).not.toContain('root');
    await expectProblem(await page('docs-docsdir-abs', 'index.md'), 400);
    await remove(location.id);
  });

  it('techdocs-ref dir: must resolve inside the entity\'s own tree: absolute, .. and linked folders give no docs', async () => {
    const parent = temp.make('pave-docs-');
    writeFiles(parent, {
      'cat/catalog-info.yaml': [
        withDocs('ref-absolute', `dir:${outside}`),
        withDocs('ref-etc', 'dir:/etc'),
        withDocs('ref-climb', 'dir:../../'),
        withDocs('ref-linked', 'dir:./linked'),
        withDocs('ref-inside', 'dir:./site'),
      ].join('---\n'),
      'cat/site/docs/index.md': '# Inside\n',
    });
    symlinkSync(outside, join(parent, 'cat', 'linked'));
    const { location } = await register('file', join(parent, 'cat', 'catalog-info.yaml'));
    for (const name of ['ref-absolute', 'ref-etc', 'ref-climb', 'ref-linked']) {
      for (const response of [await fetch(docsUrl(name)), await page(name, 'index.md'), await page(name, 'passwd')]) {
        const problem = await expectProblem(response, 404);
        expectFieldError(problem, '/metadata/annotations/backstage.io~1techdocs-ref');
        expect(JSON.stringify(problem)).not.toContain(SECRET);
      }
    }
    expect((await json<{ markdown: string }>(await page('ref-inside', 'index.md'))).markdown).toBe('# Inside\n');
    await remove(location.id);
  });
});

describe('nested Location targets are resolved, then confined', () => {
  it('absolute, file:, .. and linked targets outside the folder are refused with a problem at their field; one inside is read', async () => {
    const parent = temp.make('pave-nested-');
    const dir = join(parent, 'cat');
    writeFiles(parent, { 'outside.yaml': component('nested-climbed', { description: SECRET }) });
    writeFiles(dir, {
      'catalog-info.yaml': [
        component('nested-ok'),
        entityYaml('Location', 'nested-targets', {
          targets: ['/etc/passwd', join(outside, 'secret.yaml'), `file://${join(outside, 'secret.yaml')}`, '../outside.yaml', './link.yaml', join(dir, 'inside.yaml')],
        }),
      ].join('---\n'),
      'inside.yaml': component('nested-absolute-inside'),
    });
    symlinkSync(join(outside, 'secret.yaml'), join(dir, 'link.yaml'));
    const { location, errors } = await register('file', join(dir, 'catalog-info.yaml'));

    expect(await exists('component:default/nested-ok')).toBe(true);
    expect(await exists('component:default/nested-absolute-inside')).toBe(true);
    expect(await exists('component:default/outside-entity')).toBe(false);
    expect(await exists('component:default/nested-climbed')).toBe(false);
    for (const index of [0, 1, 2, 3, 4]) {
      expect(errors).toContainEqual(
        expect.objectContaining({
          pointer: `/spec/targets/${index}`,
          rule: 'allowed-roots',
          source: `file:${join(dir, 'catalog-info.yaml')}`,
          document: 1,
          line: expect.any(Number),
          entityRef: 'location:default/nested-targets',
        }),
      );
    }
    expect(await everythingVisible()).not.toContain(SECRET);
    expect(await everythingVisible()).not.toContain(passwd);
    // The Location entity lists its targets (that is its content); its problems do not repeat them.
    const problems = JSON.stringify(await json(await fetch(`${pave.url}/api/catalog/problems?locationId=${location.id}`)));
    for (const written of ['outside.yaml', 'secret.yaml', '/etc/passwd', 'link.yaml']) expect(problems).not.toContain(written);
    await remove(location.id);
  });

  it('in a git repository, absolute and linked targets are confined to the clone', async () => {
    const repo = temp.make('pave-nested-repo-');
    git(repo, 'init', '--quiet', '--initial-branch=main');
    writeFiles(repo, {
      'catalog-info.yaml': [component('git-nested-ok'), entityYaml('Location', 'git-nested', { type: 'file', targets: ['/etc/passwd', join(outside, 'secret.yaml'), './link.yaml', '/inside.yaml'] })].join('---\n'),
      'inside.yaml': component('git-nested-inside'),
    });
    symlinkSync(join(outside, 'secret.yaml'), join(repo, 'link.yaml'));
    commitAll(repo, 'nested');
    const { location, errors } = await register('url', `file://${repo}#main:catalog-info.yaml`);
    expect(await exists('component:default/git-nested-ok')).toBe(true);
    expect(await exists('component:default/outside-entity')).toBe(false);
    // `/inside.yaml` names a path of the host, not of the repository: outside the clone.
    expect(await exists('component:default/git-nested-inside')).toBe(false);
    for (const index of [0, 1, 2, 3]) expect(errors).toContainEqual(expect.objectContaining({ pointer: `/spec/targets/${index}`, rule: 'allowed-roots' }));
    expect(await everythingVisible()).not.toContain(SECRET);
    await remove(location.id);
  });

  it('a nested url target may not clone a repository of this machine outside the location\'s folder', async () => {
    const elsewhere = temp.make('pave-elsewhere-repo-');
    git(elsewhere, 'init', '--quiet', '--initial-branch=main');
    writeFiles(elsewhere, { 'catalog-info.yaml': component('elsewhere-entity', { description: SECRET }) });
    commitAll(elsewhere, 'elsewhere');
    const dir = temp.make('pave-nested-');
    writeFiles(dir, { 'catalog-info.yaml': entityYaml('Location', 'nested-local-repo', { type: 'url', targets: [`file://${elsewhere}#main`, `${elsewhere}#main`] }) });
    const { location, errors } = await register('file', join(dir, 'catalog-info.yaml'));
    expect(await exists('component:default/elsewhere-entity')).toBe(false);
    expect(errors).toEqual([expect.objectContaining({ pointer: '/spec/targets/0', rule: 'allowed-roots' }), expect.objectContaining({ pointer: '/spec/targets/1', rule: 'allowed-roots' })]);
    await remove(location.id);
  });

  it('a registered file location that is itself a link out of its folder is refused', async () => {
    const dir = temp.make('pave-nested-');
    symlinkSync(join(outside, 'secret.yaml'), join(dir, 'catalog-info.yaml'));
    const problem = await expectProblem(await call(pave.url, '/api/catalog/locations', { body: { type: 'file', target: join(dir, 'catalog-info.yaml') } }), 400);
    expectFieldError(problem, '/target');
    expect(JSON.stringify(problem)).not.toContain(SECRET);
  });
});

describe('placeholders are resolved, then confined', () => {
  it('$text, $json and $yaml through a link, an absolute path or .. are refused at their field, and never quoted', async () => {
    const parent = temp.make('pave-placeholders-');
    const dir = join(parent, 'cat');
    writeFiles(parent, { 'climb.txt': `${SECRET}\n` });
    writeFiles(dir, {
      'catalog-info.yaml': [
        entityYaml('API', 'ph-link', { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: { $text: './defs/link.txt' } }),
        entityYaml('API', 'ph-absolute', { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: { $text: join(outside, 'secret.txt') } }),
        entityYaml('API', 'ph-passwd', { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: { $text: '/etc/passwd' } }),
        entityYaml('API', 'ph-database', { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: { $text: database } }),
        entityYaml('API', 'ph-climb', { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: { $text: '../climb.txt' } }),
        entityYaml('Component', 'ph-data', { type: 'service', lifecycle: 'production', owner: 'team-a', a: { $json: './defs/json-link' }, b: { $yaml: './defs/yaml-link' } }),
        entityYaml('API', 'ph-inside', { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: { $text: join(dir, 'defs', 'real.yaml') } }),
      ].join('---\n'),
      'defs/real.yaml': 'openapi: 3.0.0\n',
    });
    symlinkSync(join(outside, 'secret.txt'), join(dir, 'defs', 'link.txt'));
    symlinkSync(join(outside, 'secret.txt'), join(dir, 'defs', 'json-link'));
    symlinkSync(join(outside, 'secret.yaml'), join(dir, 'defs', 'yaml-link'));
    const { location, errors } = await register('file', join(dir, 'catalog-info.yaml'));

    for (const [name, pointer] of [
      ['api:default/ph-link', '/spec/definition'],
      ['api:default/ph-absolute', '/spec/definition'],
      ['api:default/ph-passwd', '/spec/definition'],
      ['api:default/ph-database', '/spec/definition'],
      ['api:default/ph-climb', '/spec/definition'],
      ['component:default/ph-data', '/spec/a'],
      ['component:default/ph-data', '/spec/b'],
    ] as const) {
      expect(await exists(name)).toBe(false);
      expect(errors).toContainEqual(expect.objectContaining({ entityRef: name, pointer, rule: 'placeholder', line: expect.any(Number) }));
    }
    expect(await exists('api:default/ph-inside')).toBe(true);
    const visible = await everythingVisible();
    for (const leak of [SECRET, passwd, 'SQLite format', 'climb.txt', 'link.txt']) expect(visible).not.toContain(leak);
    await remove(location.id);
  });
});

describe('hosted repositories are read from git objects, never through links to host files', () => {
  it('a committed link to /etc/passwd or the SQLite file is shown as a link; a path through a linked folder does not exist', async () => {
    const repo = await makeHostedRepository(pave.app.repositories.root, 'acme', 'links', [
      {
        message: 'Links to the host',
        files: {
          'README.md': '# Links\n',
          'passwd': { link: '/etc/passwd' },
          'database': { link: database },
          'etc': { link: '/etc' },
          'data': { link: pave.dataDir },
        },
      },
    ]);
    const blob = async (path: string) => fetch(`${pave.url}/api/repositories/acme/links/blob?path=${encodeURIComponent(path)}`);
    const link = await json<Record<string, unknown>>(await blob('passwd'));
    expect(JSON.stringify(link)).toContain('/etc/passwd');
    expect(JSON.stringify(link)).not.toContain(passwd);
    expect(JSON.stringify(await json(await blob('database')))).not.toContain('SQLite format');
    for (const path of ['etc/passwd', 'data/pave.db']) expect((await blob(path)).status).toBe(404);
    const tree = await fetch(`${pave.url}/api/repositories/acme/links/tree?path=etc`);
    expect(tree.status).not.toBe(200);

    // Registered in the catalog (as catalog:register does), its docs may not follow those links either.
    await repo.commit('Docs', {
      'catalog-info.yaml': withDocs('hosted-links'),
      'docs/index.md': '# Hosted\n',
      'docs/passwd.md': { link: '/etc/passwd' },
      'docs/database.png': { link: database },
    });
    const { location } = await register('url', `file://${repo.dir}#main:catalog-info.yaml`);
    expect((await json<{ markdown: string }>(await page('hosted-links', 'index.md'))).markdown).toBe('# Hosted\n');
    await expectProblem(await page('hosted-links', 'passwd.md'), 400);
    await expectProblem(await asset('hosted-links', 'database.png'), 400);
    await remove(location.id);
  });
});
