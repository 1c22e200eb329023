/**
 * Git cannot be turned against the host (SECURITY.md, boundary 10). Every git command Pave runs goes
 * through `src/git/` with one hardened configuration; these attacks are played against a real Pave:
 * - the read-only git HTTP endpoint is asked to take a push and to serve files the dumb protocol reads;
 * - catalog locations name a branch that reads as an option, or a nested Location names a transport that
 *   runs a command;
 * - the account Pave runs as has a ~/.gitconfig that rewrites every file:// URL to such a transport and
 *   points hooks at a script, and the repository read has hooks of its own.
 * A marker file proves whether anything ran. `src/git/*.test.ts` tries each mechanism on its own.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { commit } from '../../src/git/commit.js';
import { GitError, runGit } from '../../src/git/run-git.js';
import { startAuthPave, tokenFor } from '../auth/support.js';
import { makeHostedRepository } from '../repositories/support.js';

const pave = await startAuthPave();
const token = await tokenFor(pave.app, 'user:default/bob');
const shop = await makeHostedRepository(pave.app.repositories.root, 'acme', 'shop', [{ message: 'Start', files: { 'README.md': '# Shop\n' } }]);
const work = await mkdtemp(join(tmpdir(), 'pave-git-attacks-'));
afterAll(async () => {
  await pave.close();
  await rm(work, { recursive: true, force: true });
});

let marker: string;
let n = 0;
beforeEach(() => {
  marker = join(work, `ran-${++n}`);
});

/** A repository on this machine holding `catalog-info.yaml`, with hooks planted in it. */
async function catalogRepository(name: string, catalogInfo: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(join(dir, '.git', 'hooks'), { recursive: true });
  await runGit(['init', '--quiet', '--initial-branch=main'], { cwd: dir });
  for (const hook of ['post-checkout', 'post-merge', 'pre-commit']) {
    await writeFile(join(dir, '.git', 'hooks', hook), `#!/bin/sh\ntouch '${marker}'\n`);
    await chmod(join(dir, '.git', 'hooks', hook), 0o755);
  }
  await writeFile(join(dir, 'catalog-info.yaml'), catalogInfo);
  await commit(dir, { message: 'catalog' });
  return dir;
}
const component = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: checkout-team\n`;
const register = (target: string) => pave.app.catalog.locations.register({ type: 'url', target });

describe('git cannot be turned against the host', () => {
  it('the git HTTP endpoint never accepts a push, and serves only the smart protocol', async () => {
    const url = `${pave.url}/git/acme/shop.git`;
    const withBearer = ['-c', `http.extraHeader=Authorization: Bearer ${token}`];
    const target = join(work, 'pusher');
    await runGit([...withBearer, 'clone', '--quiet', url, target]);
    await runGit(['-c', 'user.name=Mallory', '-c', 'user.email=m@example.test', 'commit', '--quiet', '--allow-empty', '-m', 'Sneaky'], { cwd: target });
    const push = await runGit([...withBearer, 'push', '--quiet', 'origin', 'HEAD:main'], { cwd: target }).catch((error: unknown) => error);
    expect(push).toBeInstanceOf(GitError);
    expect((push as GitError).stderr).toMatch(/403/);
    expect((await runGit(['--git-dir', shop.dir, 'rev-parse', 'main'])).stdout.trim()).toBe(shop.commits.at(-1));
    const headers = { authorization: `Bearer ${token}` };
    const receive = await fetch(`${url}/info/refs?service=git-receive-pack`, { headers });
    expect(receive.status).toBe(403);
    expect(await receive.json()).toMatchObject({ detail: expect.stringMatching(/read-only/), errors: [{ pointer: '/querystring/service' }] });
    expect((await fetch(`${url}/info/refs`, { headers })).status).toBe(403);
    // The dumb protocol's file reads and receive-pack have no route at all.
    expect((await fetch(`${url}/HEAD`, { headers })).status).toBe(404);
    expect((await fetch(`${url}/objects/info/packs`, { headers })).status).toBe(404);
    expect((await fetch(`${url}/git-receive-pack`, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-git-receive-pack-request' }, body: '0000' })).status).toBe(404);
  });

  it("a location's branch that reads as an option is refused before git runs", async () => {
    const repo = await catalogRepository('option-branch', component('option-branch'));
    const refused = await register(`file://${repo}#--upload-pack=touch ${marker}:catalog-info.yaml`).catch((error: unknown) => error);
    expect(refused).toMatchObject({ problem: { status: 400, errors: [{ pointer: '/target', detail: expect.stringMatching(/must not start with "-"/) }] } });
    expect(existsSync(marker)).toBe(false);
  });

  it('a nested Location naming a transport that runs a command reads nothing and runs nothing', async () => {
    const nested = `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: nested\nspec:\n  type: url\n  targets:\n    - "ext::sh -c touch% ${marker}"\n    - "fd::7"\n`;
    const repo = await catalogRepository('nested-transport', nested);
    const result = await register(`file://${repo}#main:catalog-info.yaml`);
    expect(result.errors.map(error => error.detail)).toEqual([expect.stringMatching(/not a git repository URL/), expect.stringMatching(/not a git repository URL/)]);
    expect(existsSync(marker)).toBe(false);
  });

  it("the ~/.gitconfig of the account Pave runs as, and the hooks of the repository it reads, change nothing", async () => {
    const repo = await catalogRepository('gitconfig', component('gitconfig-reader'));
    const home = join(work, 'home');
    await mkdir(join(home, 'hooks'), { recursive: true });
    await writeFile(join(home, 'hooks', 'post-checkout'), `#!/bin/sh\ntouch '${marker}'\n`);
    await chmod(join(home, 'hooks', 'post-checkout'), 0o755);
    await writeFile(
      join(home, '.gitconfig'),
      `[url "ext::sh -c touch% ${marker}% #"]\n  insteadOf = file://\n[protocol]\n  allow = always\n[core]\n  hooksPath = ${join(home, 'hooks')}\n[init]\n  templateDir = ${home}\n`,
    );
    const saved = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };
    Object.assign(process.env, { HOME: home, XDG_CONFIG_HOME: home });
    try {
      const result = await register(`file://${repo}#main:catalog-info.yaml`);
      expect(result.entities.map(entity => entity.metadata.name)).toEqual(['gitconfig-reader']);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    expect(existsSync(marker)).toBe(false);
  });
});
