/**
 * Attacks on placeholders at an integration host (boundary 28 of SECURITY.md): whoever can write a registered
 * location's files must not make Pave read, with the organisation's token, a private repository they cannot
 * read. A `$text` placeholder reads signed in only a file of its own location's repository, or of a repository
 * listed in `catalog.placeholderRepositories`; any other is read as anyone may. Played against a provider
 * stand-in on 127.0.0.1 whose repositories are private (git and raw-file reads want the token) and that
 * records every request and token.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../../src/git/run-git.js';
import { defaultConfig } from '../../src/pave-config.js';
import { startProviderStandIn, type ProviderStandIn } from '../support/git-provider-stand-in.js';
import type { RunningPave } from '../support/pave-server.js';
import { entityYaml, json, registerLocation, startApiPave } from '../api/support.js';

const TOKEN = 'org-token-91b3';
const SECRET = 'db-password: hunter2-from-repository-b';
let dir: string;
let host: ProviderStandIn;
let pave: RunningPave;

async function seed(name: string, files: Record<string, string>): Promise<void> {
  const repository = await host.seed('github', 'acme', name);
  const work = join(dir, `work-${name}`);
  await runGit(['clone', '-q', '-b', 'main', host.gitDir(repository), work]);
  for (const [path, text] of Object.entries(files)) await writeFile(join(work, path), text);
  await runGit(['add', '.'], { cwd: work });
  await runGit(['-c', 'user.name=Seed', '-c', 'user.email=seed@example.com', 'commit', '-q', '-m', 'files'], { cwd: work });
  await runGit(['push', '-q', 'origin', 'HEAD:main'], { cwd: work });
}

const api = (name: string, url: string) => entityYaml('API', name, { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: { $text: url } });
const page = (repository: string, file: string) => `${host.url}/acme/${repository}/blob/main/${file}`;
const definitionOf = async (name: string) => (await json<{ spec: { definition: string } }>(await fetch(`${pave.url}/api/catalog/entities/by-name/api/default/${name}`))).spec.definition;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pave-placeholder-attacks-'));
  host = await startProviderStandIn({ root: join(dir, 'git'), tokens: { [TOKEN]: ['read'] }, privateGit: true });
  await seed('b', { 'secrets.yaml': `${SECRET}\n` });
  await seed('schemas', { 'openapi.yaml': 'openapi: 3.0.0 # shared\n' });
  await seed('a', {
    'openapi.yaml': 'openapi: 3.0.0 # own\n',
    'catalog-info.yaml': [
      api('own-file', page('a', 'openapi.yaml')),
      api('steals-b', page('b', 'secrets.yaml')),
      api('listed-shared', page('schemas', 'openapi.yaml')),
    ].join('---\n'),
  });
  await writeFile(join(dir, 'token'), `${TOKEN}\n`);
  pave = await startApiPave({
    config: {
      catalog: { ...defaultConfig().catalog, placeholderRepositories: [`${host.url}/acme/schemas.git`] },
      reading: { ...defaultConfig().reading, allow: [{ host: new URL(host.url).host }] },
      integrations: { ...defaultConfig().integrations, github: [{ host: new URL(host.url).host, apiBaseUrl: `${host.url}/api/v3`, token: { $file: join(dir, 'token') } }] },
    },
  });
});
afterAll(async () => {
  await pave?.close();
  await host?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Raw-file reads of repository b that carried the token: the stand-in answers those with b's content. */
const tokenReadsOfB = () => host.requests.filter(r => r.startsWith('GET /api/v3/repos/acme/b/'));

describe('a placeholder in repository A naming a private file of repository B', () => {
  it("does not get B's content: the entity loads with a problem at the field, and B's file is never asked for with the token", async () => {
    const { errors } = await registerLocation(pave.url, 'url', page('a', 'catalog-info.yaml'));
    expect(await definitionOf('steals-b')).not.toContain('hunter2');
    expect(errors.filter(e => e.entityRef === 'api:default/steals-b').map(e => [e.pointer, e.rule])).toEqual([['/spec/definition', 'placeholder-url']]);
    expect(JSON.stringify(errors)).not.toContain('hunter2');
    expect(tokenReadsOfB()).toEqual([]);
  });

  it("the control: a file of A's own repository, and of a repository the operator listed, are read signed in", async () => {
    expect(await definitionOf('own-file')).toBe('openapi: 3.0.0 # own\n');
    expect(await definitionOf('listed-shared')).toBe('openapi: 3.0.0 # shared\n');
    expect(host.requests).toEqual(expect.arrayContaining(['GET /api/v3/repos/acme/a/contents/openapi.yaml', 'GET /api/v3/repos/acme/schemas/contents/openapi.yaml']));
  });

  it("a file location on this machine has no repository of its own: B's file is read as anyone may, so not at all", async () => {
    const folder = join(dir, 'local');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'catalog-info.yaml'), api('local-steals-b', page('b', 'secrets.yaml')));
    const { errors } = await registerLocation(pave.url, 'file', join(folder, 'catalog-info.yaml'));
    expect(errors.map(e => e.rule)).toEqual(['placeholder-url']);
    expect(await definitionOf('local-steals-b')).not.toContain('hunter2');
    expect(tokenReadsOfB()).toEqual([]);
  });
});
