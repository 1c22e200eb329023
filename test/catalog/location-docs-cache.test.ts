/**
 * `techdocs-ref: dir:` docs of an entity whose `url` location is a remote repository (on a host no integration
 * names) are read from a clone kept by (repository, commit), as `url:` docs are: views of one commit share one
 * clone, a new commit is seen at once. Clones are counted by what a real git smart-HTTP server on 127.0.0.1
 * served: upload-pack requests that asked for objects (`ls-remote` asks for none).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../../src/git/run-git.js';
import type { RunningPave } from '../support/pave-server.js';
import { entityYaml, json, registerLocation, startApiPave } from '../api/support.js';
import { startGitHttpServer, type GitHttpServer } from '../templates/support.js';

let dir: string;
let work: string;
let git: GitHttpServer;
let pave: RunningPave;

async function commitFiles(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) await writeFile(join(work, path), text);
  await runGit(['add', '.'], { cwd: work });
  await runGit(['-c', 'user.name=Docs', '-c', 'user.email=docs@example.com', 'commit', '-q', '-m', 'docs'], { cwd: work });
  await runGit(['push', '-q', 'origin', 'HEAD:main'], { cwd: work });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pave-location-docs-'));
  await runGit(['init', '-q', '--bare', '--initial-branch=main', join(dir, 'served', 'acme', 'shop.git')]);
  work = join(dir, 'work');
  await runGit(['clone', '-q', join(dir, 'served', 'acme', 'shop.git'), work]);
  await mkdir(join(work, 'docs'));
  await commitFiles({
    'mkdocs.yml': 'site_name: Shop\nnav:\n  - Home: index.md\n',
    'catalog-info.yaml': entityYaml('Component', 'shop', { type: 'service', lifecycle: 'production', owner: 'team-a' }, { annotations: { 'backstage.io/techdocs-ref': 'dir:.' } }),
    'docs/index.md': '# Shop\n\nFirst words.\n',
  });
  git = await startGitHttpServer(join(dir, 'served'));
  pave = await startApiPave();
});
afterAll(async () => {
  await pave?.close();
  await git?.close();
  await rm(dir, { recursive: true, force: true });
});

const view = async () => (await json<{ markdown: string }>(await fetch(`${pave.url}/api/docs/by-name/component/default/shop/page?path=index.md`))).markdown;
const clones = () => git.packs.get('/acme/shop.git') ?? 0;

describe('dir: docs of a url location on a host no integration names', () => {
  it('two views of one commit clone once; a new commit is cloned once more', async () => {
    const { errors } = await registerLocation(pave.url, 'url', `${git.url}/acme/shop.git#main:catalog-info.yaml`);
    expect(errors).toEqual([]);
    const afterRegistering = clones();
    expect(afterRegistering).toBeGreaterThan(0);
    expect(await view()).toContain('First words.');
    expect(await view()).toContain('First words.');
    expect(clones()).toBe(afterRegistering + 1);
    await commitFiles({ 'docs/index.md': '# Shop\n\nNewer words.\n' });
    expect(await view()).toContain('Newer words.');
    expect(await view()).toContain('Newer words.');
    expect(clones()).toBe(afterRegistering + 2);
  });
});
