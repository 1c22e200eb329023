/**
 * `pave catalog validate` reads placeholders at file pages of integration hosts as the server does: through
 * the provider's raw-file API with the host's token (the configured `integrations` and `reading` sections),
 * against a provider stand-in on 127.0.0.1 whose repository is private (no anonymous clone). A local file has
 * no repository of its own, so the repository is listed in `catalog.placeholderRepositories` (SECURITY.md §28).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../../src/git/run-git.js';
import { startProviderStandIn, type ProviderStandIn } from '../support/git-provider-stand-in.js';
import { runCli } from '../support/run-cli.js';
import { entityYaml } from '../api/support.js';

let dir: string;
let standIn: ProviderStandIn;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pave-cli-hosted-'));
  standIn = await startProviderStandIn({ root: join(dir, 'git'), tokens: { reader: ['read'] }, privateGit: true });
  const repository = await standIn.seed('github', 'acme', 'specs');
  const work = join(dir, 'work');
  await runGit(['clone', '-q', '-b', 'main', standIn.gitDir(repository), work]);
  await writeFile(join(work, 'openapi.yaml'), 'openapi: 3.0.0\ninfo: { title: Specs, version: 1.0.0 }\npaths: {}\n');
  await runGit(['add', '.'], { cwd: work });
  await runGit(['-c', 'user.name=Seed', '-c', 'user.email=seed@example.com', 'commit', '-q', '-m', 'spec'], { cwd: work });
  await runGit(['push', '-q', 'origin', 'HEAD:main'], { cwd: work });
  await writeFile(join(dir, 'token'), 'reader\n');
  const host = new URL(standIn.url).host;
  await writeFile(
    join(dir, 'pave.config.yaml'),
    `catalog:\n  placeholderRepositories: ["${standIn.url}/acme/specs.git"]\nreading:\n  allow:\n    - host: "${host}"\nintegrations:\n  github:\n    - host: "${host}"\n      apiBaseUrl: ${standIn.url}/api/v3\n      token: { $file: ${join(dir, 'token')} }\n`,
  );
  await writeFile(join(dir, 'api.yaml'), entityYaml('API', 'specs', { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: { $text: `${standIn.url}/acme/specs/blob/main/openapi.yaml` } }));
});
afterAll(async () => {
  await standIn?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('pave catalog validate', () => {
  it('reads a placeholder at a private file page through the integration', async () => {
    const result = await runCli(['catalog', 'validate', 'api.yaml'], { cwd: dir });
    expect(result.stdout).toContain('ok: 1 valid entities in 1 file(s)');
    expect(result.code).toBe(0);
    expect(standIn.requests).toContain('GET /api/v3/repos/acme/specs/contents/openapi.yaml');
  });
});
