/**
 * Locations and `techdocs-ref: url:` docs at file and folder pages of hosted git providers with a configured
 * integration (GitHub, GitLab, Bitbucket Server, Gitea), against one provider stand-in each on 127.0.0.1
 * whose repositories are private (a clone needs the integration's token), with real git over HTTP: the
 * repository is cloned through the reading allow-list with the host's credentials, nested targets,
 * placeholders and `dir:` docs are read from that clone, and a clone over `reading.maxCloneBytes` is refused;
 * `techdocs-ref: url:` docs (an entity's annotation) are cloned without the token, so private ones are refused.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/pave-config.js';
import { runGit } from '../../src/git/run-git.js';
import { startProviderStandIn, type ProviderStandIn } from '../support/git-provider-stand-in.js';
import type { RunningPave } from '../support/pave-server.js';
import { TempDirs, call, entityYaml, expectProblem, json, registerLocation, removeLocation, startApiPave, writeFiles } from './support.js';

type Provider = 'github' | 'gitlab' | 'bitbucketServer' | 'gitea';
const PROVIDERS: Provider[] = ['github', 'gitlab', 'bitbucketServer', 'gitea'];
const DEFINITION = 'openapi: 3.0.0\ninfo: { title: Shop, version: 1.0.0 }\npaths: {}\n';
const MAX_CLONE_BYTES = 2 * 1024 * 1024;
const temp = new TempDirs();
let dir: string;
const standIns = new Map<Provider, ProviderStandIn>();
let pave: RunningPave;

/** The page a person copies from each provider for a file (or folder) of `repo` on main. */
function page(provider: Provider, repo: string, path: string): string {
  const base = standIns.get(provider)!.url;
  switch (provider) {
    case 'github':
      return `${base}/acme/${repo}/blob/main/${path}`;
    case 'gitlab':
      return `${base}/acme/${repo}/-/blob/main/${path}`;
    case 'bitbucketServer':
      return `${base}/projects/ACME/repos/${repo}/browse/${path}?at=refs%2Fheads%2Fmain`;
    case 'gitea':
      return `${base}/acme/${repo}/src/branch/main/${path}`;
  }
}

async function push(standIn: ProviderStandIn, provider: Provider, repo: string, files: Record<string, string | Buffer>): Promise<void> {
  const repository = await standIn.seed(provider, provider === 'bitbucketServer' ? 'ACME' : 'acme', repo);
  const work = join(dir, `work-${provider}-${repo}`);
  await runGit(['clone', '-q', '-b', 'main', standIn.gitDir(repository), work]);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(work, path)), { recursive: true });
    await writeFile(join(work, path), content);
  }
  await runGit(['add', '.'], { cwd: work });
  await runGit(['-c', 'user.name=Seed', '-c', 'user.email=seed@example.com', 'commit', '-q', '-m', 'catalog'], { cwd: work });
  await runGit(['push', '-q', 'origin', 'HEAD:main'], { cwd: work });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pave-hosted-locations-'));
  for (const provider of PROVIDERS) {
    const standIn = await startProviderStandIn({ root: join(dir, `git-${provider}`), tokens: { reader: ['read'] }, privateGit: true });
    standIns.set(provider, standIn);
    const p = provider.toLowerCase();
    await push(standIn, provider, 'shop', {
      'catalog-info.yaml': [
        entityYaml('Component', `${p}-shop`, { type: 'service', lifecycle: 'production', owner: 'team-a' }, { annotations: { 'backstage.io/techdocs-ref': 'dir:.' } }),
        entityYaml('Location', `${p}-more`, { target: './more.yaml' }),
      ].join('---\n'),
      'more.yaml': entityYaml('API', `${p}-api`, { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: { $text: './openapi.yaml' } }),
      'openapi.yaml': DEFINITION,
      'mkdocs.yml': `site_name: Shop on ${provider}\n`,
      'docs/index.md': '# Shop\n',
    });
  }
  // Incompressible, so that its clone is as large on disk as it is here.
  await push(standIns.get('github')!, 'github', 'big', { 'catalog-info.yaml': entityYaml('Component', 'big'), 'blob.bin': randomBytes(MAX_CLONE_BYTES + 1024) });
  await writeFile(join(dir, 'token'), 'reader\n');
  const token = { $file: join(dir, 'token') };
  const host = (provider: Provider) => new URL(standIns.get(provider)!.url).host;
  const url = (provider: Provider) => standIns.get(provider)!.url;
  pave = await startApiPave({
    config: {
      reading: { ...defaultConfig().reading, allow: PROVIDERS.map(provider => ({ host: host(provider) })), maxCloneBytes: MAX_CLONE_BYTES },
      integrations: {
        github: [{ host: host('github'), apiBaseUrl: `${url('github')}/api/v3`, token }],
        gitlab: [{ host: host('gitlab'), apiBaseUrl: `${url('gitlab')}/api/v4`, token }],
        bitbucketServer: [{ host: host('bitbucketServer'), apiBaseUrl: `${url('bitbucketServer')}/rest/api/1.0`, token }],
        gitea: [{ host: host('gitea'), baseUrl: url('gitea'), token }],
      },
    },
  });
});
afterAll(async () => {
  await pave?.close();
  for (const standIn of standIns.values()) await standIn.close();
  await rm(dir, { recursive: true, force: true });
  temp.cleanup();
});

const byName = async <T>(kind: string, name: string) => json<T>(await fetch(`${pave.url}/api/catalog/entities/by-name/${kind}/default/${name}`));

describe('a location at a hosted file page', () => {
  it.each(PROVIDERS)('%s: clones the private repository with the host token, reads nested targets, placeholders and dir: docs from it', async provider => {
    const p = provider.toLowerCase();
    const { location, errors, entities } = await registerLocation(pave.url, 'url', page(provider, 'shop', 'catalog-info.yaml'));
    expect(errors).toEqual([]);
    expect(entities.map(e => e.metadata.name).sort()).toEqual([`${p}-api`, `${p}-more`, `${p}-shop`]);
    expect((await byName<{ spec: { definition: string } }>('api', `${p}-api`)).spec.definition).toBe(DEFINITION);
    expect(standIns.get(provider)!.requests).toContain(`GET /${provider === 'bitbucketServer' ? 'scm/acme' : 'acme'}/shop.git/info/refs`);
    const shop = await byName<{ metadata: { annotations: Record<string, string> } }>('component', `${p}-shop`);
    expect(JSON.stringify(shop)).not.toContain('reader');
    // Its docs sit beside it in the same private repository: cloned again, signed in the same way.
    const docs = await json<{ siteName: string }>(await fetch(`${pave.url}/api/docs/by-name/component/default/${p}-shop`));
    expect(docs.siteName).toBe(`Shop on ${provider}`);
    await removeLocation(pave.url, location.id);
  });

  it('refuses a repository larger than reading.maxCloneBytes, naming the setting', async () => {
    const response = await call(pave.url, '/api/catalog/locations', { body: { type: 'url', target: page('github', 'big', 'catalog-info.yaml') } });
    const problem = await expectProblem(response, 400);
    expect(problem.errors?.map(e => e.detail)).toEqual([expect.stringMatching(new RegExp(`acme/big\\.git is larger than the clone limit of ${MAX_CLONE_BYTES} bytes \\(reading\\.maxCloneBytes\\)`))]);
    expect((await fetch(`${pave.url}/api/catalog/entities/by-name/component/default/big`)).status).toBe(404);
  });
});

describe('techdocs-ref url: at a hosted folder or file page', () => {
  // An entity's annotation is anyone's to write, so its docs are cloned without the host token (SECURITY §19):
  // these private repositories are asked for at the right clone URL, and refused.
  it('asks a Gitea and a Bitbucket Server folder page and a GitHub file page for their repository without the host token, and says so when refused', async () => {
    const folder = temp.make();
    const docs = (name: string, url: string) => entityYaml('Component', name, { type: 'service', lifecycle: 'production', owner: 'team-a' }, { annotations: { 'backstage.io/techdocs-ref': `url:${url}` } });
    writeFiles(folder, {
      'catalog-info.yaml': [
        docs('gitea-folder-docs', `${standIns.get('gitea')!.url}/acme/shop/src/branch/main`),
        docs('bitbucket-folder-docs', `${standIns.get('bitbucketServer')!.url}/projects/ACME/repos/shop/browse?at=main`),
        docs('github-file-docs', page('github', 'shop', 'mkdocs.yml')),
      ].join('---\n'),
    });
    const { location, errors } = await registerLocation(pave.url, 'file', join(folder, 'catalog-info.yaml'));
    expect(errors).toEqual([]);
    const refused = async (name: string, provider: Provider, repository: string) => {
      const heard = standIns.get(provider)!.tokensHeard.length;
      const problem = await expectProblem(await fetch(`${pave.url}/api/docs/by-name/component/default/${name}`), 502);
      expect(problem.detail).toContain(`${standIns.get(provider)!.url}/${repository}.git for main (read without credentials`);
      expect(standIns.get(provider)!.tokensHeard.slice(heard)).not.toContain('reader');
    };
    await refused('gitea-folder-docs', 'gitea', 'acme/shop');
    await refused('bitbucket-folder-docs', 'bitbucketServer', 'scm/acme/shop');
    await refused('github-file-docs', 'github', 'acme/shop');
    await removeLocation(pave.url, location.id);
  });
});
