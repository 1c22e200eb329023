/**
 * `$text` placeholders that point at a file page on a hosted git provider (GitHub, GitLab, Bitbucket Server,
 * Gitea) with a configured integration are read through that provider's raw-file API with the host's token,
 * under the reading allow-list: against the provider stand-in on 127.0.0.1, whose raw-file API wants a token.
 * The placeholders sit in a file location, which has no repository of its own, so the spec repositories are
 * listed in `catalog.placeholderRepositories` (SECURITY.md §28).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/pave-config.js';
import { runGit } from '../../src/git/run-git.js';
import { startProviderStandIn, type ProviderStandIn } from '../support/git-provider-stand-in.js';
import type { RunningPave } from '../support/pave-server.js';
import { TempDirs, entityYaml, json, registerLocation, startApiPave, writeFiles } from './support.js';

const DEFINITION = 'openapi: 3.0.0\ninfo: { title: Private specs, version: 1.0.0 }\npaths: {}\n';
const temp = new TempDirs();
let dir: string;
let standIn: ProviderStandIn;
let pave: RunningPave;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pave-hosted-blob-'));
  standIn = await startProviderStandIn({ root: join(dir, 'git'), tokens: { reader: ['read'] } });
  for (const [provider, owner] of [['github', 'acme'], ['gitlab', 'acme'], ['bitbucketServer', 'ACME'], ['gitea', 'acme']] as const) {
    // Each provider's repository under its own name: the stand-in keeps them all in one folder tree.
    const repository = await standIn.seed(provider, owner, `${provider.toLowerCase()}-specs`);
    const work = join(dir, `work-${provider}`);
    await runGit(['clone', '-q', '-b', 'main', standIn.gitDir(repository), work]);
    await writeFile(join(work, 'openapi.yaml'), DEFINITION);
    await runGit(['add', '.'], { cwd: work });
    await runGit(['-c', 'user.name=Seed', '-c', 'user.email=seed@example.com', 'commit', '-q', '-m', 'the spec'], { cwd: work });
    await runGit(['push', '-q', 'origin', 'HEAD:main'], { cwd: work });
  }
  await writeFile(join(dir, 'token'), 'reader\n');
  const token = { $file: join(dir, 'token') };
  pave = await startApiPave({
    config: {
      catalog: {
        ...defaultConfig().catalog,
        placeholderRepositories: [
          'https://github.example.test/acme/github-specs.git',
          'https://gitlab.example.test/acme/gitlab-specs',
          'https://bitbucket.example.test/scm/acme/bitbucketserver-specs.git',
          'https://gitea.example.test/acme/gitea-specs.git',
        ],
      },
      reading: { ...defaultConfig().reading, allow: [{ host: new URL(standIn.url).host }] },
      integrations: {
        github: [{ host: 'github.example.test', apiBaseUrl: `${standIn.url}/api/v3`, token }],
        gitlab: [{ host: 'gitlab.example.test', apiBaseUrl: `${standIn.url}/api/v4`, token }],
        bitbucketServer: [{ host: 'bitbucket.example.test', apiBaseUrl: `${standIn.url}/rest/api/1.0`, token }],
        gitea: [{ host: 'gitea.example.test', baseUrl: standIn.url, token: { $file: join(dir, 'wrong-token') } }],
      },
    },
  });
  await writeFile(join(dir, 'wrong-token'), 'not-a-token\n');
});
afterAll(async () => {
  await pave?.close();
  await standIn?.close();
  await rm(dir, { recursive: true, force: true });
  temp.cleanup();
});

const api = (name: string, url: string) => entityYaml('API', name, { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: { $text: url } });
const definitionOf = async (name: string) => (await json<{ spec: { definition: string } }>(await fetch(`${pave.url}/api/catalog/entities/by-name/api/default/${name}`))).spec.definition;

describe('hosted file pages read through their integration', () => {
  it('reads GitHub, GitLab and Bitbucket Server file pages through each raw-file API with the host token', async () => {
    const folder = temp.make();
    writeFiles(folder, {
      'catalog-info.yaml': [
        api('from-github', 'https://github.example.test/acme/github-specs/blob/main/openapi.yaml'),
        api('from-gitlab', 'https://gitlab.example.test/acme/gitlab-specs/-/blob/main/openapi.yaml'),
        api('from-bitbucket', 'https://bitbucket.example.test/projects/ACME/repos/bitbucketserver-specs/browse/openapi.yaml?at=main'),
      ].join('---\n'),
    });
    const { errors } = await registerLocation(pave.url, 'file', join(folder, 'catalog-info.yaml'));
    expect(errors).toEqual([]);
    for (const name of ['from-github', 'from-gitlab', 'from-bitbucket']) expect(await definitionOf(name), name).toBe(DEFINITION);
    expect(standIn.requests).toEqual(
      expect.arrayContaining([
        'GET /api/v3/repos/acme/github-specs/contents/openapi.yaml',
        'GET /api/v4/projects/acme%2Fgitlab-specs/repository/files/openapi.yaml/raw',
        'GET /rest/api/1.0/projects/ACME/repos/bitbucketserver-specs/raw/openapi.yaml',
      ]),
    );
  });

  it('a token the provider refuses leaves the entity loaded with a problem naming the placeholder and the status, never the token', async () => {
    const folder = temp.make();
    writeFiles(folder, { 'catalog-info.yaml': api('from-gitea', 'https://gitea.example.test/acme/gitea-specs/src/branch/main/openapi.yaml') });
    const { errors } = await registerLocation(pave.url, 'file', join(folder, 'catalog-info.yaml'));
    expect(errors.map(e => e.detail)).toEqual([expect.stringMatching(/^\$text: .*\/api\/v1\/repos\/acme\/gitea-specs\/raw\/openapi\.yaml answered HTTP 401/)]);
    expect(JSON.stringify(errors)).not.toContain('not-a-token');
    expect(standIn.requests).toContain('GET /api/v1/repos/acme/gitea-specs/raw/openapi.yaml');
  });
});
