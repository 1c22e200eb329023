/**
 * Attacks on edits pushed to locations at integration hosts (boundary 28 of SECURITY.md): the integration's
 * token goes only where the location's own clone would send it. Played against a provider stand-in on
 * 127.0.0.1 that serves real git over http (anyone clones, only a token with the push scope pushes) and records
 * every token it hears. The integration says its host serves https, so a location registered at `http://`
 * must be edited without the token: the push is refused, nothing lands, no token crosses the network.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../../src/git/run-git.js';
import { defaultConfig } from '../../src/pave-config.js';
import { startProviderStandIn, type ProviderStandIn } from '../support/git-provider-stand-in.js';
import type { RunningPave } from '../support/pave-server.js';
import { entityYaml, registerLocation, startApiPave } from '../api/support.js';

const TOKEN = 'pusher-token-e41c';
let dir: string;
let downgraded: ProviderStandIn;
let pave: RunningPave;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pave-hosted-edit-attacks-'));
  downgraded = await startProviderStandIn({ root: join(dir, 'git'), tokens: { [TOKEN]: ['read', 'push'] } });
  const repository = await downgraded.seed('github', 'acme', 'shop');
  const work = join(dir, 'work');
  await runGit(['clone', '-q', '-b', 'main', downgraded.gitDir(repository), work]);
  await writeFile(join(work, 'catalog-info.yaml'), entityYaml('Component', 'shop', { type: 'service', lifecycle: 'production', owner: 'team-a' }));
  await runGit(['add', '.'], { cwd: work });
  await runGit(['-c', 'user.name=Seed', '-c', 'user.email=seed@example.com', 'commit', '-q', '-m', 'catalog'], { cwd: work });
  await runGit(['push', '-q', 'origin', 'HEAD:main'], { cwd: work });
  await writeFile(join(dir, 'token'), `${TOKEN}\n`);
  const host = new URL(downgraded.url).host;
  pave = await startApiPave({
    config: {
      reading: { ...defaultConfig().reading, allow: [{ host }] },
      integrations: { ...defaultConfig().integrations, github: [{ host, apiBaseUrl: `https://${host}/api/v3`, token: { $file: join(dir, 'token') } }] },
    },
  });
});
afterAll(async () => {
  await pave?.close();
  await downgraded?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('an edit of a location registered at http:// on an https integration host', () => {
  it('is pushed without the token: the host refuses, nothing lands, the problem says why and never names the token', async () => {
    expect((await registerLocation(pave.url, 'url', `${downgraded.url}/acme/shop/blob/main/catalog-info.yaml`)).errors).toEqual([]);
    const at = `${pave.url}/api/catalog/entities/by-name/component/default/shop`;
    const entity = (await (await fetch(at)).json()) as { metadata: Record<string, unknown> };
    const before = (await runGit(['--git-dir', downgraded.gitDir(downgraded.repositories[0]!), 'rev-parse', 'main'])).stdout;
    const response = await fetch(at, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...entity, metadata: { ...entity.metadata, description: 'changed' } }) });
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(text).toMatch(/refused the push \(the integration for .* gave no credentials for this URL/);
    expect(text).not.toContain(TOKEN);
    expect(downgraded.tokensHeard).toEqual([]);
    expect((await runGit(['--git-dir', downgraded.gitDir(downgraded.repositories[0]!), 'rev-parse', 'main'])).stdout).toBe(before);
  });
});
