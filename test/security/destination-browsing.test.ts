/**
 * Attacks on browsing destinations (SECURITY.md §27). A destination holds every team's manifests; a caller
 * sees the folders of the requests they may read (the whole destination's folder when they may read every
 * request), and nothing else of the repository: not another team's files, not the ownership index, not a
 * commit that changed only what they may not see, not what lies outside the destination's folder; refs and
 * paths cannot be turned into options, revision expressions or a way out of the tree.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../../src/git/run-git.js';
import type { DestinationSummary } from '../../src/platform/model/destination-views.js';
import type { TreeView } from '../../src/repositories/repository-views.js';
import { expectProblem, json } from '../api/support.js';
import { bearer } from '../auth/support.js';
import { startBrowsingSetup, type BrowsingSetup } from '../platform/support/destination-browsing-setup.js';

describe('a destination shows each caller only what they may read', { timeout: 120_000 }, () => {
  let setup: BrowsingSetup;
  let outside: string;
  const get = (who: keyof BrowsingSetup['tokens'] | undefined, path: string) => fetch(setup.pave.url + path, { headers: who ? bearer(setup.tokens[who]) : {} });
  const hiddenPath = () => setup.hidden.status.deliveries[0]!.path;
  const hiddenCommit = () => setup.hidden.status.deliveries[0]!.commit!;

  beforeAll(async () => {
    setup = await startBrowsingSetup();
    // Someone else's file in the same repository, outside the destination's folder, committed on its branch.
    const work = await mkdtemp(join(tmpdir(), 'pave-outside-'));
    await runGit(['clone', '--quiet', '--branch', 'main', setup.repo, work]);
    await writeFile(join(work, 'secret.txt'), 'not a destination file\n');
    await runGit(['-C', work, 'add', 'secret.txt']);
    await runGit(['-C', work, '-c', 'user.name=Eve', '-c', 'user.email=eve@example.test', 'commit', '--quiet', '-m', 'outside']);
    await runGit(['-C', work, 'push', '--quiet', 'origin', 'HEAD:main']);
    outside = (await runGit(['-C', work, 'rev-parse', 'HEAD'])).stdout.trim();
  });
  afterAll(async () => setup?.pave.close());

  it("refuses another team's files, folders and commits as if they did not exist", async () => {
    const base = '/api/platform/destinations/dev';
    for (const path of [`${base}/tree?path=${hiddenPath()}`, `${base}/blob?path=${hiddenPath()}/namespace.yaml`, `${base}/commits/${hiddenCommit()}`, `${base}/tree?path=clusters/dev/.pave`]) {
      const problem = await expectProblem(await get('bob', path), 404);
      // The answer is the one for a path or commit that does not exist (it only repeats what was asked).
      const missing = path.replace('/hidden', '/nosuch').replace(hiddenCommit(), '0'.repeat(40));
      const expected = await expectProblem(await get('bob', missing), 404);
      expect(JSON.stringify(problem).replaceAll('/hidden', '/nosuch').replaceAll(hiddenCommit(), '0'.repeat(40)), path).toBe(JSON.stringify(expected));
    }
    // The same file is there for a caller who may read every request.
    await json(await get('dave', `${base}/blob?path=${hiddenPath()}/namespace.yaml`));
    const summary = await json<DestinationSummary>(await get('bob', `${base}/repository`));
    expect(JSON.stringify(summary)).not.toMatch(/platform-team|hidden/);
    expect(summary.commits.map(c => c.id)).not.toContain(hiddenCommit());
  });

  it("shows nothing outside the destination's folder, even to a caller who reads every request", async () => {
    const base = '/api/platform/destinations/dev';
    const root = await json<TreeView>(await get('dave', `${base}/tree`));
    expect(root.entries.map(e => e.path)).toEqual(['clusters']);
    await expectProblem(await get('dave', `${base}/blob?path=secret.txt`), 404);
    await expectProblem(await get('dave', `${base}/commits/${outside}`), 404);
    const summary = await json<DestinationSummary>(await get('dave', `${base}/repository`));
    expect(summary.commits.map(c => c.id)).not.toContain(outside);
  });

  it('refuses paths that leave the tree, and refs that are options, expressions or no commit, naming the field', async () => {
    const base = '/api/platform/destinations/dev';
    const tree = (await runGit(['--git-dir', setup.repo, 'rev-parse', 'main^{tree}'])).stdout.trim();
    const blob = (await runGit(['--git-dir', setup.repo, 'rev-parse', 'main:secret.txt'])).stdout.trim();
    const cases: Array<[string, number, string]> = [
      [`${base}/tree?path=${setup.cart.status.deliveries[0]!.path}/../../platform-team`, 400, '/path'],
      [`${base}/blob?path=../../etc/passwd`, 400, '/path'],
      [`${base}/blob?path=%2Fetc%2Fpasswd`, 404, '/path'],
      [`${base}/tree?ref=--output=/tmp/x`, 400, '/ref'],
      [`${base}/tree?ref=main~1`, 400, '/ref'],
      [`${base}/tree?ref=main@{1}`, 400, '/ref'],
      [`${base}/tree?ref=${tree}`, 404, '/ref'],
      [`${base}/commits/${blob}`, 404, '/commit'],
      [`${base}/commits/${tree}`, 404, '/commit'],
      ['/api/platform/destinations/nowhere/tree', 404, '/name'],
      ['/api/platform/destinations/..%2F..%2Fetc/repository', 404, '/name'],
    ];
    for (const [path, status, pointer] of cases) {
      const problem = await expectProblem(await get('dave', path), status);
      expect(problem.errors?.map(e => e.pointer), path).toContain(pointer);
    }
  });

  it("shows a local destination's server path only to who may change destinations: not in the destination, the list, or run records", async () => {
    const dir = setup.repo.replace(/\/$/, '');
    const reads = ['/api/platform/destinations/dev', '/api/platform/destinations', '/api/platform/requests/checkout-team/cart/runs', '/api/platform/requests/checkout-team/cart'];
    for (const path of reads) {
      const body = JSON.stringify(await json(await get('bob', path)));
      expect(body, path).not.toContain(dir);
      expect(body, path).not.toContain('file://');
    }
    const runs = await json<{ items: Array<{ id: string; commits: Array<{ url?: string; destination: string }> }> }>(await get('bob', '/api/platform/requests/checkout-team/cart/runs'));
    const run = runs.items.find(r => r.commits.length)!;
    expect(run.commits[0]!.destination).toBe('dev');
    expect(JSON.stringify(await json(await get('bob', `/api/platform/runs/${run.id}`)))).not.toContain(dir);
    // A remote destination's URL is where it is hosted: shown as before.
    expect((await json<{ spec: { git: { url: string } } }>(await get('bob', '/api/platform/destinations/remote'))).spec.git.url).toBe('git@git.example.test:acme/gitops.git');
    // The platform team, who set it, still sees it.
    expect(JSON.stringify(await json(await get('alice', '/api/platform/destinations/dev')))).toContain(dir);
    expect(JSON.stringify(await json(await get('alice', `/api/platform/runs/${run.id}`)))).toContain(dir);
  });

  it('answers nobody who is not signed in', async () => {
    await expectProblem(await get(undefined, '/api/platform/destinations/dev/repository'), 401);
  });
});
