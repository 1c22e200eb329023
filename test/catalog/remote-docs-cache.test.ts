/**
 * The clones `techdocs-ref: url:` docs are read from are kept by (repository, commit), against a real git
 * smart-HTTP server on 127.0.0.1 (listed on the reading allow-list): reads of one commit share one clone, a
 * new commit is seen at once, tags name their commit, the least recently used clone goes first, and close
 * removes them all.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteDocsCache } from '../../src/catalog/docs/remote-docs-cache.js';
import { runGit } from '../../src/git/run-git.js';
import { gitWebUrl } from '../../src/reading/git-web-url.js';
import { UrlReader } from '../../src/reading/url-reader.js';
import { defaultConfig } from '../../src/pave-config.js';
import { startGitHttpServer, type GitHttpServer } from '../templates/support.js';

let dir: string;
let work: string;
let git: GitHttpServer;
let reader: UrlReader;

async function commitPage(text: string): Promise<string> {
  await writeFile(join(work, 'index.md'), text);
  await runGit(['add', '.'], { cwd: work });
  await runGit(['-c', 'user.name=Docs', '-c', 'user.email=docs@example.com', 'commit', '-q', '-m', text], { cwd: work });
  await runGit(['push', '-q', 'origin', 'HEAD:main', '--tags'], { cwd: work });
  return (await runGit(['rev-parse', 'HEAD'], { cwd: work })).stdout.trim();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pave-docs-cache-test-'));
  await runGit(['init', '-q', '--bare', '--initial-branch=main', join(dir, 'served', 'acme', 'handbook.git')]);
  work = join(dir, 'work');
  await runGit(['clone', '-q', join(dir, 'served', 'acme', 'handbook.git'), work]);
  git = await startGitHttpServer(join(dir, 'served'));
  reader = new UrlReader({ ...defaultConfig().reading, allow: [{ host: new URL(git.url).host }] });
});
afterAll(async () => {
  await git?.close();
  await rm(dir, { recursive: true, force: true });
});

const web = (ref: string) => gitWebUrl(new URL(`${git.url}/acme/handbook/tree/${ref}`))!;
const page = (cache: RemoteDocsCache, ref = 'main') => cache.withClone(web(ref), root => readFile(join(root, 'index.md'), 'utf8'));

describe('RemoteDocsCache', () => {
  it('serves reads of one commit from one clone, and a new commit from a new one', async () => {
    const cache = new RemoteDocsCache(reader);
    const first = await commitPage('# First\n');
    expect([await page(cache), await page(cache), await page(cache)]).toEqual(['# First\n', '# First\n', '# First\n']);
    expect(cache.kept()).toEqual([`${git.url}/acme/handbook.git@${first}`]);
    const second = await commitPage('# Second\n');
    expect(await page(cache)).toBe('# Second\n');
    expect(cache.kept()).toEqual([`${git.url}/acme/handbook.git@${first}`, `${git.url}/acme/handbook.git@${second}`]);
    await cache.close();
  });

  it('keys a tag by the commit it names, refuses a ref the repository lacks, and keeps only the most recently used', async () => {
    const cache = new RemoteDocsCache(reader, 1);
    await runGit(['tag', '-a', 'v1', '-m', 'v1'], { cwd: work });
    const tagged = await commitPage('# After the tag\n');
    const atTag = (await runGit(['rev-parse', 'v1^{commit}'], { cwd: work })).stdout.trim();
    expect(await page(cache, 'v1')).not.toBe('# After the tag\n');
    expect(cache.kept()).toEqual([`${git.url}/acme/handbook.git@${atTag}`]);
    expect(await page(cache)).toBe('# After the tag\n');
    expect(cache.kept()).toEqual([`${git.url}/acme/handbook.git@${tagged}`]);
    await expect(page(cache, 'no-such-branch')).rejects.toMatchObject({ failure: 'not-found', message: expect.stringMatching(/has no branch or tag no-such-branch/) });
    const root = await cache.withClone(web('main'), async clone => clone);
    await cache.close();
    expect(existsSync(root)).toBe(false);
  });
});
