/**
 * Read-only git smart HTTP, tested with the git CLI itself: clone and fetch over real HTTP with an API
 * token (as a bearer header, or as the Basic password git's credential helpers send), in both wire
 * protocols; no credentials, a user the rules refuse and an unknown repository all refused. That it never
 * takes a push is an attack test: test/security/git.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GitError, runGit } from '../../src/git/run-git.js';
import { startAuthPave, tokenFor } from '../auth/support.js';
import { filesAt, makeHostedRepository } from './support.js';

const pave = await startAuthPave({
  auth: { rules: [{ id: 'test.dave-no-repositories', description: 'dave reads no repository', effect: 'deny', actions: ['repositories.repository.read'], subjects: ['user:default/dave'] }] },
});
const token = await tokenFor(pave.app, 'user:default/bob');
const refusedToken = await tokenFor(pave.app, 'user:default/dave');
const shop = await makeHostedRepository(pave.app.repositories.root, 'acme', 'shop', [
  { message: 'Start', files: { 'README.md': '# Shop\n', 'src/index.ts': 'export const shop = 1;\n' } },
  { message: 'More', files: { 'src/basket.ts': 'export const basket = [];\n' } },
]);
const work = await mkdtemp(join(tmpdir(), 'pave-git-http-'));
const url = `${pave.url}/git/acme/shop.git`;

afterAll(async () => {
  await pave.close();
  await rm(work, { recursive: true, force: true });
});

/** git with no user configuration and no prompts (the runner's hardening): what a fresh machine's git does. */
function git(args: string[], cwd = work) {
  return runGit(args, { cwd, timeoutMs: 60_000 });
}
const withBearer = (secret: string) => ['-c', `http.extraHeader=Authorization: Bearer ${secret}`];
async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error, 'git should have failed').toBeInstanceOf(GitError);
  return (error as GitError).stderr;
}

describe('git clone over HTTP', () => {
  it('clones with a bearer token, in protocol v2 and v0, with the full history', async () => {
    for (const version of ['2', '0']) {
      const target = join(work, `bearer-v${version}`);
      await git([...withBearer(token), '-c', `protocol.version=${version}`, 'clone', '--quiet', url, target]);
      expect(await filesAt(join(target, '.git'))).toEqual(['README.md', 'src/basket.ts', 'src/index.ts']);
      expect((await git(['log', '--format=%H'], target)).stdout.trim().split('\n')).toEqual([...shop.commits].reverse());
    }
  });

  it('clones with the token as the Basic password (any user name), then fetches a new commit', async () => {
    const target = join(work, 'basic');
    const withCredentials = url.replace('http://', `http://git:${token}@`);
    await git(['clone', '--quiet', withCredentials, target]);
    expect(await filesAt(join(target, '.git'))).toEqual(['README.md', 'src/basket.ts', 'src/index.ts']);
    const next = await shop.commit('Add checkout', { 'src/checkout.ts': 'export const checkout = 2;\n' });
    await git(['pull', '--quiet', '--ff-only'], target);
    expect((await git(['rev-parse', 'HEAD'], target)).stdout.trim()).toBe(next);
  });

  it('refuses a clone without credentials (401 with a Basic challenge) and a user the rules refuse (403)', async () => {
    expect(await failure(git(['clone', '--quiet', url, join(work, 'anonymous')]))).toMatch(/could not read Username|Authentication failed/);
    const challenge = await fetch(`${url}/info/refs?service=git-upload-pack`);
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get('www-authenticate')).toMatch(/^Basic realm="Pave git"/);
    expect(await challenge.json()).toMatchObject({ status: 401, action: 'repositories.repository.read' });
    expect(await failure(git([...withBearer('pave_not-a-token'), 'clone', '--quiet', url, join(work, 'bad-token')]))).toMatch(/401|Authentication failed|could not read Username/);
    expect(await failure(git([...withBearer(refusedToken), 'clone', '--quiet', url, join(work, 'refused')]))).toMatch(/403/);
  });

  it('answers an unknown or unsafe repository name with a problem, before running git', async () => {
    expect(await failure(git([...withBearer(token), 'clone', '--quiet', `${pave.url}/git/acme/nope.git`, join(work, 'nope')]))).toMatch(/404|not found/);
    const unsafe = await fetch(`${pave.url}/git/acme/..%2F..%2Fetc/info/refs?service=git-upload-pack`, { headers: { authorization: `Bearer ${token}` } });
    expect(unsafe.status).toBe(400);
    expect(await unsafe.json()).toMatchObject({ errors: [{ pointer: '/repo' }] });
  });
});
