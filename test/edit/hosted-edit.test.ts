/**
 * Edits saved to a `url` location on a git host push with the host's integration credentials (as a header
 * to the integration's own origin, under the reading policy), and without an integration the push is refused
 * with a problem saying what to configure. Played against provider stand-ins on 127.0.0.1 serving real git
 * over HTTP, where anyone clones and only a token with the push scope pushes; the token never shows in an
 * answer or a log line.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type PaveApp } from '../../src/app.js';
import { createServer } from '../../src/api/server.js';
import { createLogger } from '../../src/core/logger.js';
import { runGit } from '../../src/git/run-git.js';
import { defaultConfig, type PaveConfig } from '../../src/pave-config.js';
import { startProviderStandIn, type ProviderStandIn } from '../support/git-provider-stand-in.js';
import { call, entityYaml } from '../api/support.js';

const TOKEN = 'pusher-token-5d0a';
let dir: string;
/** Named under integrations.github (with the token) and listed on reading.allow. */
let configured: ProviderStandIn;
/** Named by no integration. */
let unconfigured: ProviderStandIn;
/** Named under integrations.github, but its token may only read there. */
let readOnly: ProviderStandIn;
let app: PaveApp;
let url: string;
let close: () => Promise<void>;
let log = '';

async function seedShop(standIn: ProviderStandIn, name: string): Promise<void> {
  const repository = await standIn.seed('github', 'acme', 'shop');
  const work = join(dir, `work-${name}`);
  await runGit(['clone', '-q', '-b', 'main', standIn.gitDir(repository), work]);
  await writeFile(join(work, 'catalog-info.yaml'), entityYaml('Component', name, { type: 'service', lifecycle: 'production', owner: 'team-a' }, { description: 'Sells things' }));
  await runGit(['add', '.'], { cwd: work });
  await runGit(['-c', 'user.name=Seed', '-c', 'user.email=seed@example.com', 'commit', '-q', '-m', 'catalog'], { cwd: work });
  await runGit(['push', '-q', 'origin', 'HEAD:main'], { cwd: work });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pave-hosted-edit-'));
  configured = await startProviderStandIn({ root: join(dir, 'configured'), tokens: { [TOKEN]: ['read', 'push'] } });
  unconfigured = await startProviderStandIn({ root: join(dir, 'unconfigured'), tokens: { [TOKEN]: ['read', 'push'] } });
  readOnly = await startProviderStandIn({ root: join(dir, 'read-only'), tokens: { [TOKEN]: ['read'] } });
  await seedShop(configured, 'shop-hosted');
  await seedShop(unconfigured, 'shop-elsewhere');
  await seedShop(readOnly, 'shop-read-only');
  await writeFile(join(dir, 'token'), `${TOKEN}\n`);
  const config: PaveConfig = {
    ...defaultConfig(),
    dataDir: await mkdtemp(join(tmpdir(), 'pave-test-')),
    port: 0,
    auth: { ...defaultConfig().auth, enabled: false },
    reading: { ...defaultConfig().reading, allow: [configured, unconfigured, readOnly].map(standIn => ({ host: new URL(standIn.url).host })) },
    integrations: {
      ...defaultConfig().integrations,
      github: [configured, readOnly].map(standIn => ({ host: new URL(standIn.url).host, apiBaseUrl: `${standIn.url}/api/v3`, token: { $file: join(dir, 'token') } })),
    },
  };
  const sink = new Writable({ write: (chunk, _encoding, done) => ((log += String(chunk)), done()) });
  app = await createApp(config, { logger: createLogger('trace', sink) });
  const server = await createServer(app);
  url = await server.listen({ host: '127.0.0.1', port: 0 });
  close = async () => {
    await server.close();
    await app.close();
    await rm(config.dataDir, { recursive: true, force: true });
  };
  for (const standIn of [configured, unconfigured, readOnly]) {
    expect((await call(url, '/api/catalog/locations', { body: { type: 'url', target: `${standIn.url}/acme/shop/blob/main/catalog-info.yaml` } })).status).toBe(201);
  }
});
afterAll(async () => {
  await close?.();
  for (const standIn of [configured, unconfigured, readOnly]) await standIn?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Changes the entity's description through the API, as the portal's edit form does. */
async function editDescription(name: string, description: string): Promise<Response> {
  const at = `${url}/api/catalog/entities/by-name/component/default/${name}`;
  const entity = (await (await fetch(at)).json()) as { metadata: Record<string, unknown> };
  return fetch(at, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...entity, metadata: { ...entity.metadata, description } }) });
}

const fileOn = async (standIn: ProviderStandIn) => (await runGit(['--git-dir', standIn.gitDir(standIn.repositories[0]!), 'show', 'main:catalog-info.yaml'])).stdout;
const basic = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');

describe('an edit to a location on an integration host', () => {
  it('is pushed with the integration token: the commit lands, and the token went only in a header', async () => {
    const response = await editDescription('shop-hosted', 'Sells things online');
    const body = await response.text();
    expect(response.status, body).toBe(200);
    expect(response.headers.get('pave-saved-to')).toBe('git');
    expect(await fileOn(configured)).toContain('description: "Sells things online"');
    expect(configured.requests).toContain('POST /acme/shop.git/git-receive-pack');
    expect(configured.tokensHeard).toContain(TOKEN);
    expect(body).not.toContain(TOKEN);
  });

  it('is refused with a problem saying what to configure when no integration names the host; nothing is pushed', async () => {
    const before = await fileOn(unconfigured);
    const response = await editDescription('shop-elsewhere', 'Sells things online');
    expect(response.status).toBe(502);
    const problem = (await response.json()) as { title: string; detail: string };
    expect(problem.title).toBe('Edit not pushed');
    expect(problem.detail).toMatch(/acme\/shop\.git refused the push \(no integration names 127\.0\.0\.1:\d+: add the host under integrations .* reading\.allow\)/);
    expect(await fileOn(unconfigured)).toBe(before);
    expect(unconfigured.tokensHeard).toEqual([]);
  });

  it("is refused with a problem naming the integration's token when that token may not push", async () => {
    const before = await fileOn(readOnly);
    const response = await editDescription('shop-read-only', 'Sells things online');
    expect(response.status).toBe(502);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/refused the push \(it refused the integration's credentials: the token configured under integrations for 127\.0\.0\.1:\d+ may not push to this repository\)/);
    expect(await fileOn(readOnly)).toBe(before);
  });

  it('never writes the token, or its Basic form, in an answer or a log line', async () => {
    const audit = await (await fetch(`${url}/api/audit?limit=100`)).text();
    for (const text of [log, audit]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(basic);
    }
    // The log is live: it holds both edits' requests.
    expect(log).toContain('"method":"PUT","url":"/api/catalog/entities/by-name/component/default/shop-hosted"');
  });
});
