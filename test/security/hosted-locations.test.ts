/**
 * Attacks on locations at hosted git pages (boundary 19 of SECURITY.md): a location on a host with a
 * configured integration is cloned only under the reading policy and the integration's token goes only to
 * that host, at the integration's own scheme and port. Played against provider stand-ins on 127.0.0.1 whose
 * repositories are private and that record every request and token: a refused clone must reach none of them,
 * a host no integration names or a downgraded (http) URL never hears a token, and an entity's own annotations
 * (docs at `url:`) never borrow it to read a private repository.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScmIntegrations } from '../../src/integrations/scm-integrations.js';
import { defaultConfig } from '../../src/pave-config.js';
import { runGit } from '../../src/git/run-git.js';
import { startProviderStandIn, type ProviderStandIn } from '../support/git-provider-stand-in.js';
import type { RunningPave } from '../support/pave-server.js';
import { call, entityYaml, expectProblem, startApiPave } from '../api/support.js';

const TOKEN = 'reader-token-7c1e';
let dir: string;
/** Configured under integrations.github and listed on reading.allow. */
let configured: ProviderStandIn;
/** Configured under integrations.github, but not on reading.allow. */
let unlisted: ProviderStandIn;
/** On reading.allow, but named by no integration: it must never hear the token. */
let stranger: ProviderStandIn;
/** Configured under integrations.github at https (its apiBaseUrl says so) and listed, but it serves http: a downgraded URL reaches it. */
let downgraded: ProviderStandIn;
let pave: RunningPave;

async function seedShop(standIn: ProviderStandIn): Promise<void> {
  const repository = await standIn.seed('github', 'acme', 'shop');
  const work = join(dir, `work-${new URL(standIn.url).port}`);
  await runGit(['clone', '-q', '-b', 'main', standIn.gitDir(repository), work]);
  await writeFile(join(work, 'catalog-info.yaml'), entityYaml('Component', `shop-${new URL(standIn.url).port}`));
  await runGit(['add', '.'], { cwd: work });
  await runGit(['-c', 'user.name=Seed', '-c', 'user.email=seed@example.com', 'commit', '-q', '-m', 'catalog'], { cwd: work });
  await runGit(['push', '-q', 'origin', 'HEAD:main'], { cwd: work });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pave-hosted-location-attacks-'));
  const start = async (name: string) => startProviderStandIn({ root: join(dir, name), tokens: { [TOKEN]: ['read'] }, privateGit: true });
  [configured, unlisted, stranger, downgraded] = [await start('configured'), await start('unlisted'), await start('stranger'), await start('downgraded')];
  for (const standIn of [configured, unlisted, stranger, downgraded]) await seedShop(standIn);
  await writeFile(join(dir, 'token'), `${TOKEN}\n`);
  const token = { $file: join(dir, 'token') };
  const github = (standIn: ProviderStandIn) => ({ host: new URL(standIn.url).host, apiBaseUrl: `${standIn.url}/api/v3`, token });
  pave = await startApiPave({
    config: {
      reading: { ...defaultConfig().reading, allow: [configured, stranger, downgraded].map(standIn => ({ host: new URL(standIn.url).host })) },
      integrations: {
        ...defaultConfig().integrations,
        github: [github(configured), github(unlisted), { ...github(downgraded), apiBaseUrl: `${downgraded.url.replace(/^http:/, 'https:')}/api/v3` }],
      },
    },
  });
});
afterAll(async () => {
  await pave?.close();
  for (const standIn of [configured, unlisted, stranger, downgraded]) await standIn?.close();
  await rm(dir, { recursive: true, force: true });
});

const register = (standIn: ProviderStandIn) => call(pave.url, '/api/catalog/locations', { body: { type: 'url', target: `${standIn.url}/acme/shop/blob/main/catalog-info.yaml` } });

describe('a location on an integration host', () => {
  it('is cloned with the token when the host is listed (the control)', async () => {
    expect((await register(configured)).status).toBe(201);
    expect(configured.requests).toContain('GET /acme/shop.git/info/refs');
  });

  it('is not cloned at all when the host is not on reading.allow: the problem names the setting, the host hears nothing', async () => {
    const before = unlisted.requests.length;
    const problem = await expectProblem(await register(unlisted), 400);
    expect(problem.errors?.map(e => e.detail)).toEqual([expect.stringMatching(/acme\/shop\.git is not on the reading allow-list \(reading\.allow/)]);
    expect(unlisted.requests.length).toBe(before);
  });

  it('sends the token to no host an integration does not name: a private repository elsewhere stays unread', async () => {
    const problem = await expectProblem(await register(stranger), 400);
    expect(stranger.requests).toContain('GET /acme/shop.git/info/refs');
    expect(JSON.stringify(problem)).not.toContain(TOKEN);
    expect(JSON.stringify(problem)).not.toContain(Buffer.from(`x-access-token:${TOKEN}`).toString('base64'));
  });
});

describe('the integration token and the URL scheme', () => {
  it('is not given for an http:// URL of an https integration host, nor for another port (the control: https is)', async () => {
    const integrations = new ScmIntegrations({ ...defaultConfig().integrations, github: [{ host: 'github.com', token: { $env: 'F1_TOKEN' } }] }, { F1_TOKEN: TOKEN });
    expect((await integrations.hostedClone(new URL('https://github.com/acme/private.git')))?.credentials?.password).toBe(TOKEN);
    expect(await integrations.hostedClone(new URL('http://github.com/acme/private.git'))).toEqual({});
    expect(await integrations.hostedClone(new URL('https://github.com:8443/acme/private.git'))).toBeUndefined();
  });

  it('a location registered at http:// on an https integration host is cloned as anyone may: the host hears no token', async () => {
    const problem = await expectProblem(await register(downgraded), 400);
    expect(downgraded.requests).toContain('GET /acme/shop.git/info/refs');
    // No credentials at all: not the token, and not an askpass program's answer after the host's 401.
    expect(downgraded.tokensHeard).toEqual([]);
    expect(JSON.stringify(problem)).not.toContain(TOKEN);
  });
});

describe("an entity's own annotations", () => {
  it('docs at techdocs-ref url: on an integration host are cloned without its token: a private repository stays unread, the problem says why', async () => {
    const folder = join(dir, 'developer');
    await mkdir(folder, { recursive: true });
    const docs = `url:${configured.url}/acme/shop/tree/main`;
    await writeFile(join(folder, 'catalog-info.yaml'), entityYaml('Component', 'nosy', { type: 'service', lifecycle: 'production', owner: 'team-a' }, { annotations: { 'backstage.io/techdocs-ref': docs } }));
    expect((await call(pave.url, '/api/catalog/locations', { body: { type: 'file', target: join(folder, 'catalog-info.yaml') } })).status).toBe(201);
    const heard = configured.tokensHeard.length;
    const cloned = configured.requests.filter(r => r.endsWith('/info/refs')).length;
    const response = await fetch(`${pave.url}/api/docs/by-name/component/default/nosy`);
    // The provider refused the anonymous clone: a gateway problem naming the repository and why no token was sent.
    expect(response.status).toBe(502);
    const problem = (await response.json()) as { detail: string };
    expect(problem.detail).toMatch(/acme\/shop\.git.*without credentials/);
    expect(configured.requests.filter(r => r.endsWith('/info/refs')).length).toBeGreaterThan(cloned);
    expect(configured.tokensHeard.slice(heard)).toEqual([]);
    expect(JSON.stringify(problem)).not.toContain(TOKEN);
  });
});
