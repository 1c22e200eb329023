import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGit } from '../git/run-git.js';
import { Store } from '../store/store.js';
import { SqliteStoreDialect } from '../store/sqlite-dialect.js';
import { JobQueue } from '../store/job-queue.js';
import { GitWorkspace } from './git-workspace.js';
import { ensureBareRepository } from '../git/bare-repository.js';
import { QueuePushTurns } from './push-turns.js';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

describe('QueuePushTurns', { timeout: 90_000 }, () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pave-turns-'));
    store = await Store.open(new SqliteStoreDialect({ file: join(dir, 'pave.db') }));
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('hands the turn on with the head, and takes it over from a holder that stopped', async () => {
    const a = new QueuePushTurns(new JobQueue(store, { owner: 'a' }), { leaseMs: 60_000 });
    const b = new QueuePushTurns(new JobQueue(store, { owner: 'b' }), { leaseMs: 300, pollMs: 10 });
    const first = await a.take('repo#main');
    expect(first.head).toBeUndefined();
    let bHasIt = false;
    const waiting = b.take('repo#main').then(turn => ((bHasIt = true), turn));
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(bHasIt).toBe(false);
    await first.end('c0ffee');
    const second = await waiting;
    expect(second.head).toBe('c0ffee');
    // b never ends its turn (as if killed): a gets it once b's lease runs out. The head it reads may be
    // stale then; a push from there is refused and catches up, as without turns.
    const third = await a.take('repo#main');
    expect(third.head).toBe('c0ffee');
    await third.end(undefined);
    expect((await b.take('repo#main')).head).toBeUndefined();
  });

  it('lets two processes writing one branch push in turns, so neither refuses the other', async () => {
    const bare = join(dir, 'dest.git');
    const url = await ensureBareRepository(bare);
    // Nobody dies here, so no turn may be taken over: the lease (the safety net for a killed holder) outlasts any
    // push, however busy the machine.
    const workspaces = ['a', 'b'].map(
      owner => new GitWorkspace({ root: join(dir, owner), url, branch: 'main', turns: new QueuePushTurns(new JobQueue(store, { owner }), { leaseMs: 600_000 }) }),
    );
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) => workspaces[i % 2]!.deliver({ folder: `team/kind/r${i}`, files: new Map([['cm.yaml', cm(`r${i}`)]]) }, `r${i}\n\nPave-Run: r${i}`)),
    );
    await Promise.all(workspaces.map(ws => ws.close()));
    // The writer whose turn comes after the other's fetches first: no push is ever refused.
    expect(results.map(r => r.pushAttempts)).toEqual(results.map(() => 1));
    // Every delivery is carried by exactly one commit, which names it.
    const runs = (await runGit(['--git-dir', bare, 'log', '--format=%(trailers:key=Pave-Run,valueonly)', 'main'])).stdout.split('\n').filter(Boolean);
    expect(runs.sort()).toEqual(Array.from({ length: 24 }, (_, i) => `r${i}`).sort());
    // Each delivery's commit is the one on the branch that carried it.
    const onBranch = new Set((await runGit(['--git-dir', bare, 'log', '--format=%H', 'main'])).stdout.trim().split('\n'));
    for (const [i, result] of results.entries()) {
      expect(onBranch.has(result.commit!)).toBe(true);
      expect((await runGit(['--git-dir', bare, 'show', '--format=', '--name-only', result.commit!])).stdout).toContain(`team/kind/r${i}/cm.yaml`);
    }
  });
});
