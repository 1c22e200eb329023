import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { adminQuery, postgresFactory } from '../support/stores.js';
import { POSTGRES_URL } from '../support/require-all.js';
import { RECONCILE_QUEUE } from '../../src/platform/reconciler.js';
import type { PaveApp } from '../../src/app.js';
import { OPERATOR, isReady, repoCommits, repoFiles, startHarness, type Harness } from './support/platform-harness.js';
import { startReconcilerProcess, type ReconcilerProcess } from './support/child-process.js';

const request = (i: number, generationMark = '1Gi') => ({
  apiVersion: 'databases.pave.dev/v1alpha1',
  kind: 'PostgreSQL',
  metadata: { name: `db-${String(i).padStart(3, '0')}`, namespace: 'load-team' },
  // Half go to dev, half to prod, so both destinations' pushes run side by side.
  spec: { environment: i % 2 ? 'prod' : 'dev', storage: generationMark },
});

/** A catalog file of `count` components, each marked with `mark` (what a refresh must have loaded). */
function components(count: number, mark: string): string {
  return Array.from({ length: count }, (_, i) =>
    ['apiVersion: backstage.io/v1alpha1', 'kind: Component', 'metadata:', `  name: storm-${i}`, 'spec:', '  type: service', `  lifecycle: storm-${mark}`, '  owner: load-team'].join('\n'),
  ).join('\n---\n');
}

async function allReady(app: PaveApp, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const views = await app.platform.listRequests({ namespace: 'load-team' });
    if (views.length === count && views.every(isReady)) return;
    if (Date.now() > deadline) {
      const stuck = views.filter(v => !isReady(v)).slice(0, 3);
      throw new Error(`not all Ready after ${timeoutMs} ms: ${views.filter(isReady).length}/${count}; e.g. ${JSON.stringify(stuck.map(v => [v.metadata.name, v.status.phase, v.status.message]))}`);
    }
    // Listing hundreds of requests is not free: a calm poll leaves the machine to the reconcilers.
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

/**
 * What must hold in both destinations after any history of crashes and races: every (request, generation)
 * was committed exactly once; every commit is whole (for each request it names, that request's files
 * together with its ownership index, and nothing of a request it does not name); the final tree holds
 * exactly the newest render.
 */
async function expectExactlyOnceAndWhole(h: Harness, app: PaveApp, count: number): Promise<number> {
  let total = 0;
  const seen = new Map<string, number>();
  for (const destination of ['dev', 'prod'] as const) {
    const commits = (await repoCommits(h.repos[destination])).slice(1);
    for (const commit of commits) {
      total += commit.deliveries.length;
      const names = commit.deliveries.map(delivery => delivery['Pave-Request']!.split('/')[1]!);
      for (const delivery of commit.deliveries) {
        const key = `${delivery['Pave-Request']}#${delivery['Pave-Generation']}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      const named = commit.files.filter(f => names.some(name => f.includes(`/postgresql/${name}/`) || f.endsWith(`/postgresql/${name}.json`)));
      expect(named, `commit ${commit.sha} touches files of requests it does not name`).toEqual(commit.files);
      for (const name of names) {
        expect(commit.files.some(f => f.endsWith(`/.pave/owners/load-team/postgresql/${name}.json`)), `commit ${commit.sha} lacks ${name}'s ownership index`).toBe(true);
        expect(commit.files.some(f => f.includes(`/postgresql/${name}/`)), `commit ${commit.sha} lacks ${name}'s files`).toBe(true);
      }
    }
  }
  const duplicates = [...seen].filter(([, n]) => n > 1);
  expect(duplicates).toEqual([]);
  const views = await app.platform.listRequests({ namespace: 'load-team' });
  for (const view of views) expect(seen.get(`load-team/${view.metadata.name}#${view.metadata.generation}`), `${view.metadata.name} generation ${view.metadata.generation} never committed`).toBe(1);
  for (const destination of ['dev', 'prod'] as const) {
    const files = await repoFiles(h.repos[destination], `clusters/${destination}/load-team`);
    const expected = views.filter(v => v.status.deliveries[0]!.destination === destination);
    expect(files.size).toBe(expected.length);
    for (const view of expected) {
      const cluster = files.get(`clusters/${destination}/load-team/postgresql/${view.metadata.name}/cluster.yaml`)!;
      expect(cluster).toContain(`size: ${(view.spec as { storage: string }).storage}`);
    }
  }
  expect(views).toHaveLength(count);
  return total;
}

describe('crash safety: a reconciler process killed at random points', () => {
  let h: Harness | undefined;
  const children: ReconcilerProcess[] = [];
  afterEach(async () => {
    for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
    await Promise.all(children.map(c => c.exited));
    children.length = 0;
    await h?.close();
  });

  it('loses nothing and leaves no duplicate or partial commit over 120 reconciles (SQLite, SIGKILL mid-reconcile)', async () => {
    // Sizes: enough for five kills mid-work with work left after each, no more (the survivor's share is time).
    const COUNT = 120;
    const KILLS = 5;
    const UPDATED = 24;
    h = await startHarness();
    for (let i = 0; i < COUNT; i++) await h.app.platform.applyRequest(request(i), OPERATOR);
    const env = { PAVE_DATA_DIR: h.dataDir, PAVE_LEASE_SECONDS: '2', PAVE_WORKERS: '4' };
    const readyCount = async () => (await h!.app.platform.listRequests({ namespace: 'load-team' })).filter(isReady).length;
    let kills = 0;
    // Updated requests that were already committed at generation 1 have two commits.
    let committedBeforeUpdate = 0;
    for (let round = 0; round < KILLS; round++) {
      const child = startReconcilerProcess(env);
      children.push(child);
      await child.ready;
      // Kill once it has done a random share of the work, a random moment into whatever it does then,
      // so each kill lands while reconciles run (mid-render, mid-commit, mid-push or mid-status).
      // Kills land in the first half of the work, so that some is always left however fast a replica commits.
      const target = Math.min(COUNT / 2, (await readyCount()) + 3 + Math.floor(Math.random() * 12));
      // Each count lists every request: polled calmly, so the test does not take the CPU from the replica it watches.
      while ((await readyCount()) < target) await new Promise(resolve => setTimeout(resolve, 100));
      await new Promise(resolve => setTimeout(resolve, Math.random() * 150));
      expect(await readyCount(), 'the kill came after all the work was done').toBeLessThan(COUNT);
      child.child.kill('SIGKILL');
      await child.exited;
      kills++;
      // Users keep working while reconcilers die: some requests (done or not yet) get a new generation.
      if (round === 1) {
        const views = await h.app.platform.listRequests({ namespace: 'load-team' });
        for (let i = 0; i < UPDATED; i++) {
          if (views.find(v => v.metadata.name === request(i * 5).metadata.name && isReady(v))) committedBeforeUpdate++;
          await h.app.platform.applyRequest(request(i * 5, '2Gi'), OPERATOR);
        }
      }
    }
    const survivor = startReconcilerProcess(env);
    children.push(survivor);
    await survivor.ready;
    await allReady(h.app, COUNT, 180_000);
    expect(kills).toBe(KILLS);
    const commits = await expectExactlyOnceAndWhole(h, h.app, COUNT);
    expect(commits).toBeGreaterThanOrEqual(COUNT + committedBeforeUpdate);
    expect(commits).toBeLessThanOrEqual(COUNT + UPDATED);
    // A run cut short by a kill is marked Abandoned by the run that took over; none stays Running.
    const runs = (await Promise.all((await h.app.platform.listRequests({ namespace: 'load-team' })).map(v => h!.app.platform.listRuns('load-team', v.metadata.name)))).flat();
    expect(runs.filter(r => r.phase === 'Running')).toEqual([]);
    expect(runs.filter(r => r.phase === 'Abandoned').length, 'no kill landed mid-run').toBeGreaterThan(0);
    expect(runs.filter(r => r.phase === 'Succeeded').length).toBeGreaterThanOrEqual(COUNT + committedBeforeUpdate);
  }, 300_000);
});

const pg = await postgresFactory();

describe.skipIf(Boolean(pg.unavailable))('replicas: two reconciler processes on one PostgreSQL', () => {
  let h: Harness | undefined;
  let schema = '';
  const children: ReconcilerProcess[] = [];
  afterEach(async () => {
    for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGTERM');
    await Promise.all(children.map(c => c.exited));
    children.length = 0;
    await h?.close();
    if (schema) await adminQuery(`DROP SCHEMA ${schema} CASCADE`);
  });

  it('commits each of 250 generations exactly once while one replica is killed mid-storm and a catalog refresh runs (200 requests, a quarter updated)', async () => {
    // Enough that both replicas are at work when one dies and most of the storm is left to the survivor.
    const COUNT = 200;
    schema = `pave_platform_${Date.now()}_${Math.random().toString(36).slice(2, 7)}`;
    await adminQuery(`CREATE SCHEMA ${schema}`);
    h = await startHarness({ databaseUrl: POSTGRES_URL, databaseSchema: schema });
    for (let i = 0; i < COUNT; i++) await h.app.platform.applyRequest(request(i), OPERATOR);
    // A location both replicas refresh every second; it changes after the kill, so only the survivor can load the change.
    const catalogFile = join(h.dataDir, 'storm-catalog.yaml');
    await writeFile(catalogFile, components(100, 'before'));
    const location = await h.app.catalog.locations.register({ type: 'file', target: catalogFile });
    // Due now, for the replicas (the harness itself refreshes nothing).
    await h.app.catalog.scheduler.schedule(location.location, 0);
    const common = {
      PAVE_DATABASE_URL: POSTGRES_URL,
      PAVE_DATABASE_SCHEMA: schema,
      PAVE_LEASE_SECONDS: '5',
      PAVE_WORKERS: '8',
      PAVE_CHILD_WORKERS: 'catalog.refresh',
      PAVE_REFRESH_INTERVAL_SECONDS: '1',
      PAVE_REFRESH_LEASE_SECONDS: '5',
    };
    // Each replica has its own data folder (its own git working copies), as separate machines would.
    const a = startReconcilerProcess({ ...common, PAVE_DATA_DIR: `${h.dataDir}/replica-a` });
    const b = startReconcilerProcess({ ...common, PAVE_DATA_DIR: `${h.dataDir}/replica-b` });
    children.push(a, b);
    await Promise.all([a.ready, b.ready]);
    const readyCount = async () => (await h!.app.platform.listRequests({ namespace: 'load-team' })).filter(isReady).length;
    // Both at work (each has committed something), then b dies mid-storm.
    const committers = async () => new Set((await Promise.all((['dev', 'prod'] as const).map(d => repoCommits(h!.repos[d])))).flat().flatMap(c => c.deliveries.map(d => d['Pave-Reconciler']!.split(':')[1]!)));
    await expect.poll(async () => (await committers()).size, { timeout: 240_000, interval: 250 }).toBe(2);
    expect(await readyCount(), 'the kill came after all the work was done').toBeLessThan(COUNT);
    b.child.kill('SIGKILL');
    await b.exited;
    await writeFile(catalogFile, components(120, 'after'));
    await allReady(h.app, COUNT, 240_000);
    // A second generation of a quarter of them, for the survivor alone.
    for (let i = 0; i < COUNT / 4; i++) await h.app.platform.applyRequest(request(i, '3Gi'), OPERATOR);
    await allReady(h.app, COUNT, 240_000);
    await expectExactlyOnceAndWhole(h, h.app, COUNT);
    // Every generation succeeded exactly once; a run the kill cut short is Abandoned, none stays Running.
    const runs = (await Promise.all((await h.app.platform.listRequests({ namespace: 'load-team' })).map(v => h!.app.platform.listRuns('load-team', v.metadata.name)))).flat();
    const succeeded = new Map<string, number>();
    for (const run of runs.filter(r => r.phase === 'Succeeded')) succeeded.set(`${run.name}#${run.generation}`, (succeeded.get(`${run.name}#${run.generation}`) ?? 0) + 1);
    expect([...succeeded.values()].filter(n => n !== 1)).toEqual([]);
    expect(succeeded.size).toBe(COUNT + COUNT / 4);
    expect(runs.filter(r => r.phase !== 'Succeeded' && r.phase !== 'Abandoned').map(r => [r.name, r.generation, r.phase, r.error])).toEqual([]);
    expect([...(await committers())].sort()).toEqual([String(a.child.pid), String(b.child.pid)].sort());
    expect(await h.app.queue.list(RECONCILE_QUEUE)).toHaveLength(COUNT);
    // The survivor also refreshed the catalog after the kill: every component of the changed file, as changed.
    await expect
      .poll(async () => (await h!.app.catalog.entities.query({ filter: ['spec.lifecycle=storm-after'], limit: 1 })).totalItems, { timeout: 60_000, interval: 250 })
      .toBe(120);
  }, 600_000);
});
