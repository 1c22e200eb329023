import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runGit } from '../git/run-git.js';
import { GitWorkspace, PushFailedError } from './git-workspace.js';
import { ensureBareRepository, initBareRepository } from '../git/bare-repository.js';
import { Store } from '../store/store.js';
import { SqliteStoreDialect } from '../store/sqlite-dialect.js';
import { JobQueue } from '../store/job-queue.js';
import { QueuePushTurns } from './push-turns.js';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

async function log(bare: string, format = '%s'): Promise<string[]> {
  return (await runGit(['--git-dir', bare, 'log', `--format=${format}`, 'main'])).stdout.trim().split('\n');
}

async function repoFile(bare: string, path: string): Promise<string> {
  return (await runGit(['--git-dir', bare, 'show', `main:${path}`])).stdout;
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

  it('carries deliveries made together in one commit and one push, each told what it changed', async () => {
    await runGit(['--git-dir', bare, 'config', 'core.logAllRefUpdates', 'always']);
    const ws = workspace();
    await ws.deliver({ folder: 'team/kind/r0', files: new Map([['f.yaml', cm('r0')]]) }, 'pave: configure r0\n\nPave-Run: 0');
    const message = (i: number) => `pave: configure r${i}\n\nPave-Run: ${i}\nPave-Request: team/r${i}`;
    // r0 is written already: it changes nothing and is not in the commit.
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => ws.deliver({ folder: `team/kind/r${i}`, files: new Map([['f.yaml', cm(`r${i}`)]]) }, message(i))));
    expect(results[0]).toEqual({ diff: [], contentCommit: (await log(bare, '%H'))[1], pushAttempts: 1 });
    const carried = results.slice(1);
    expect(new Set(carried.map(r => r.commit)).size).toBe(1);
    for (const [i, result] of carried.entries()) expect(result.diff).toEqual([{ path: `team/kind/r${i + 1}/f.yaml`, change: 'added' }]);
    const commit = carried[0]!.commit!;
    expect((await runGit(['--git-dir', bare, 'rev-parse', 'main'])).stdout.trim()).toBe(commit);
    const files = (await runGit(['--git-dir', bare, 'show', '--format=', '--name-only', commit])).stdout.trim().split('\n');
    expect(files).toEqual(Array.from({ length: 7 }, (_, i) => `team/kind/r${i + 1}/f.yaml`));
    // Every delivery it carries is named in its trailers.
    const trailers = (await runGit(['--git-dir', bare, 'log', '-1', '--format=%(trailers:key=Pave-Run,valueonly)', commit])).stdout.trim().split('\n');
    expect(trailers).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect((await log(bare))[0]).toBe('pave: 7 changes');
    const pushes = (await runGit(['--git-dir', bare, 'reflog', 'show', '--format=%H', 'main'])).stdout.trim().split('\n');
    expect(pushes).toHaveLength(2);
  });

  it('makes the commit again over a writer that got there first, and notices a branch that moved under an unchanged write', async () => {
    const store = await Store.open(new SqliteStoreDialect({ file: join(dir, 'pave.db') }));
    try {
      // a takes turns; b is a writer outside them (a person, another tool): a trusts the head its last turn
      // left, so its push is refused once and it fetches, and commits again on b's commit.
      const a = new GitWorkspace({ root: join(dir, 'a'), url, branch: 'main', turns: new QueuePushTurns(new JobQueue(store, { owner: 'a' }), { leaseMs: 600_000 }) });
      workspaces.push(a);
      const b = workspace('b');
      await a.deliver({ folder: 'x', files: new Map([['f.yaml', cm('x')]]) }, 'a1');
      await b.deliver({ folder: 'y', files: new Map([['f.yaml', cm('y')]]) }, 'b1');
      const second = await a.deliver({ folder: 'z', files: new Map([['f.yaml', cm('z')]]) }, 'a2');
      expect(second.pushAttempts).toBe(2);
      expect(second.diff).toEqual([{ path: 'z/f.yaml', change: 'added' }]);
      expect(await log(bare)).toEqual(['a2', 'b1', 'a1', 'Initial commit']);
      expect(await repoFile(bare, 'y/f.yaml')).toBe(cm('y'));
      // b removes x behind a's back: a's unchanged write checks the remote and writes it again.
      await b.deliver({ folder: 'x', files: null }, 'b2');
      const repaired = await a.deliver({ folder: 'x', files: new Map([['f.yaml', cm('x')]]) }, 'a3');
      expect(repaired.diff).toEqual([{ path: 'x/f.yaml', change: 'added' }]);
      expect((await log(bare))[0]).toBe('a3');
      await a.close();
    } finally {
      await store.close();
    }
  });

  it('repairs a repository a killed process left behind, and writes to a repository with no branch yet', async () => {
    const ws = workspace();
    await ws.deliver({ folder: 'x', files: new Map([['f.yaml', cm('x')]]) }, 'one');
    await ws.close();
    const slot = join(dir, 'ws', readdirSync(join(dir, 'ws'))[0]!, 'slot-0.git');
    await writeFile(join(slot, 'refs', 'pave', 'import.lock'), '');
    await writeFile(join(slot, 'refs', 'remotes', 'origin', 'main.lock'), '');
    await writeFile(join(slot, 'objects', 'pack', 'tmp_pack_half'), 'half written');
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
