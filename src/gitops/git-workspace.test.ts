import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runGit } from '../git/run-git.js';
import { GitWorkspace, PushFailedError } from './git-workspace.js';
import { ensureBareRepository, initBareRepository } from '../git/bare-repository.js';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

async function log(bare: string): Promise<string[]> {
  return (await runGit(['--git-dir', bare, 'log', '--format=%s', 'main'])).stdout.trim().split('\n');
}

describe('GitWorkspace', { timeout: 90_000 }, () => {
  let dir: string;
  let bare: string;
  let url: string;
  const workspaces: GitWorkspace[] = [];
  const workspace = (root = 'ws') => {
    const ws = new GitWorkspace({ root: join(dir, root), url, branch: 'main' });
    workspaces.push(ws);
    return ws;
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pave-gitops-'));
    bare = join(dir, 'dest.git');
    url = await ensureBareRepository(bare);
  });
  afterEach(async () => {
    await Promise.all(workspaces.splice(0).map(ws => ws.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('commits only when content changes, and prunes files no longer written', async () => {
    const ws = workspace();
    const first = await ws.deliver({ folder: 'team/kind/a', files: new Map([['one.yaml', cm('one')], ['two.yaml', cm('two')]]) }, 'first');
    expect(first.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(first.diff.map(d => `${d.change} ${d.path}`)).toEqual(['added team/kind/a/one.yaml', 'added team/kind/a/two.yaml']);
    const again = await ws.deliver({ folder: 'team/kind/a', files: new Map([['one.yaml', cm('one')], ['two.yaml', cm('two')]]) }, 'again');
    expect(again).toEqual({ diff: [], contentCommit: first.commit, pushAttempts: 0 });
    const pruned = await ws.deliver({ folder: 'team/kind/a', files: new Map([['one.yaml', cm('one')]]) }, 'prune');
    expect(pruned.diff).toEqual([{ path: 'team/kind/a/two.yaml', change: 'deleted' }]);
    const removed = await ws.deliver({ folder: 'team/kind/a', files: null }, 'remove');
    expect(removed.diff).toEqual([{ path: 'team/kind/a/one.yaml', change: 'deleted' }]);
    expect(await log(bare)).toEqual(['remove', 'prune', 'first', 'Initial commit']);
  });

  it('gives deliveries made together a commit each, carried by fewer pushes', async () => {
    await runGit(['--git-dir', bare, 'config', 'core.logAllRefUpdates', 'always']);
    const ws = workspace();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => ws.deliver({ folder: `team/kind/r${i}`, files: new Map([['f.yaml', cm(`r${i}`)]]) }, `r${i}`)));
    expect((await log(bare)).slice(0, -1).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `r${i}`));
    expect(new Set(results.map(r => r.commit)).size).toBe(8);
    for (const [i, result] of results.entries()) {
      expect(result.diff).toEqual([{ path: `team/kind/r${i}/f.yaml`, change: 'added' }]);
      expect((await runGit(['--git-dir', bare, 'log', '-1', '--format=%s', result.commit!])).stdout.trim()).toBe(`r${i}`);
    }
    const pushes = (await runGit(['--git-dir', bare, 'reflog', 'show', '--format=%H', 'main'])).stdout.trim().split('\n');
    expect(pushes.length).toBeLessThan(8);
  });

  it('rebases on a concurrent writer and notices a branch that moved under an unchanged write', async () => {
    const a = workspace('a');
    const b = workspace('b');
    await a.deliver({ folder: 'x', files: new Map([['f.yaml', cm('x')]]) }, 'a1');
    await b.deliver({ folder: 'y', files: new Map([['f.yaml', cm('y')]]) }, 'b1');
    // a's working copy is now behind: its push is refused, it fetches and rebases.
    const second = await a.deliver({ folder: 'z', files: new Map([['f.yaml', cm('z')]]) }, 'a2');
    expect(second.pushAttempts).toBe(2);
    expect(await log(bare)).toEqual(['a2', 'b1', 'a1', 'Initial commit']);
    // b removes x behind a's back: a's unchanged write checks the remote and repairs it.
    await b.deliver({ folder: 'x', files: null }, 'b2');
    const repaired = await a.deliver({ folder: 'x', files: new Map([['f.yaml', cm('x')]]) }, 'a3');
    expect(repaired.diff).toEqual([{ path: 'x/f.yaml', change: 'added' }]);
    expect((await log(bare))[0]).toBe('a3');
  });

  it('repairs a working copy a killed process left behind, and writes to a repository with no branch yet', async () => {
    const ws = workspace();
    await ws.deliver({ folder: 'x', files: new Map([['f.yaml', cm('x')]]) }, 'one');
    await ws.close();
    const slot = join(dir, 'ws', readdirSync(join(dir, 'ws'))[0]!, 'slot-0');
    await writeFile(join(slot, '.git', 'index.lock'), '');
    await mkdir(join(slot, '.git', 'rebase-merge'), { recursive: true });
    await writeFile(join(slot, 'stray.yaml'), 'half written');
    const again = workspace();
    const result = await again.deliver({ folder: 'x', files: new Map([['f.yaml', cm('x2')]]) }, 'two');
    expect(result.diff).toEqual([{ path: 'x/f.yaml', change: 'modified' }]);
    expect(await log(bare)).toEqual(['two', 'one', 'Initial commit']);

    const emptyBare = join(dir, 'empty.git');
    await initBareRepository(emptyBare);
    const fresh = new GitWorkspace({ root: join(dir, 'fresh'), url: pathToFileURL(emptyBare).href, branch: 'main' });
    workspaces.push(fresh);
    expect((await fresh.deliver({ folder: 'x', files: new Map([['f.yaml', cm('x')]]) }, 'root commit')).commit).toBeDefined();
    expect(await log(emptyBare)).toEqual(['root commit']);
  });

  it('reports a refused push with what the remote said', async () => {
    // The remote's own hooks are its business: a push to a repository on this machine runs them as a server would.
    await mkdir(join(bare, 'hooks'), { recursive: true });
    await writeFile(join(bare, 'hooks', 'pre-receive'), '#!/bin/sh\necho "branch is frozen for the release" >&2\nexit 1\n');
    await chmod(join(bare, 'hooks', 'pre-receive'), 0o755);
    const ws = workspace();
    const error = await ws.deliver({ folder: 'x', files: new Map([['f.yaml', cm('x')]]) }, 'refused').catch(e => e as Error);
    expect(error).toBeInstanceOf(PushFailedError);
    expect((error as Error).message).toContain('branch is frozen for the release');
    expect(await log(bare)).toEqual(['Initial commit']);
  });
});
