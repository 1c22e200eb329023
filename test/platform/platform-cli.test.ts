import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/run-cli.js';
import { DEMO_PLATFORM, repoCommits, repoFiles, startHarness } from './support/platform-harness.js';
import { kubernetesProblems } from './support/kubernetes-schemas.js';

describe('pave request / capability / render (real CLI processes)', () => {
  let dataDir: string;
  let devRepo: string;
  let empty: string;

  beforeAll(async () => {
    // Destinations and capabilities are set up in-process on the store the CLI then opens.
    const h = await startHarness();
    dataDir = h.dataDir;
    devRepo = h.repos.dev;
    await h.close({ keepData: true });
    empty = await mkdtemp(join(tmpdir(), 'pave-render-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await rm(empty, { recursive: true, force: true });
  });

  it('pave render prints exactly what would be committed, with no store', { timeout: 60_000 }, async () => {
    const result = await runCli(['render', join(DEMO_PLATFORM, 'capabilities/redis.yaml'), join(DEMO_PLATFORM, 'requests/sessions-cache.yaml')], { cwd: empty });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^# storefront-team\/redis\/sessions-cache\/deployment\.yaml\napiVersion: apps\/v1\nkind: Deployment\n/);
    expect(result.stdout).toContain('# storefront-team/redis/sessions-cache/service.yaml\napiVersion: v1\nkind: Service');
    for (const part of result.stdout.split(/^---$/m)) expect(kubernetesProblems(part.replace(/^# .*$/m, ''))).toEqual([]);
    expect(existsSync(join(empty, '.pave'))).toBe(false);

    const bad = await runCli(['render', join(DEMO_PLATFORM, 'capabilities/postgresql.yaml'), join(DEMO_PLATFORM, 'requests/sessions-cache.yaml')], { cwd: empty });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error: The request is not a PostgreSQL');
    expect(bad.stderr).toContain('/kind: must be PostgreSQL for capability postgresql');
  });

  it('applies a request and waits for Ready, lists it, shows its runs, and deletes it', { timeout: 120_000 }, async () => {
    const env = { PAVE_DATA_DIR: dataDir };
    const applied = await runCli(['--json', 'request', 'apply', '-f', join(DEMO_PLATFORM, 'requests/checkout-db.yaml'), '--wait', '--timeout', '60'], { cwd: empty, env });
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const [view] = JSON.parse(applied.stdout).items;
    expect(view.status).toMatchObject({ phase: 'Ready', outputs: { host: 'checkout-db-rw.checkout-team.svc.cluster.local', database: 'checkout' } });
    const files = await repoFiles(devRepo, 'clusters/dev/checkout-team/postgresql/checkout-db');
    expect(files.get('clusters/dev/checkout-team/postgresql/checkout-db/cluster.yaml')).toContain('instances: 2');

    const listed = await runCli(['request', 'list', '-n', 'checkout-team'], { cwd: empty, env });
    expect(listed.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+KIND\s+PHASE/);
    expect(listed.stdout).toMatch(/checkout-team\s+checkout-db\s+PostgreSQL\s+Ready\s+1\/1\s+1\.1\.0/);

    // The local operator's change is audited as it, and the catalog mirror caught up before the command ended.
    const store = await startHarness({ dataDir, publish: false });
    try {
      const { items } = await store.app.audit.query({ action: 'platform.request.create', entityRef: 'resource:checkout-team/checkout-db' });
      expect(items.map(entry => entry.actor)).toEqual([store.app.auth.localOperator().principal]);
      expect((await store.app.catalog.entities.byRef('resource:checkout-team/checkout-db'))?.spec?.owner).toBe('group:default/checkout-team');
    } finally {
      await store.close({ keepData: true });
    }

    // Where its files are, with the API path of the commit that holds them (the destination browsing API).
    const shown = await runCli(['request', 'get', 'checkout-team/checkout-db'], { cwd: empty, env });
    const commit = view.status.deliveries[0].commit as string;
    expect(shown.stdout).toContain(`dev: clusters/dev/checkout-team/postgresql/checkout-db @ ${commit.slice(0, 12)}  (/api/platform/destinations/dev/commits/${commit})`);

    const runs = await runCli(['request', 'runs', 'checkout-db', '-n', 'checkout-team', '--logs'], { cwd: empty, env });
    expect(runs.stdout).toContain('configure checkout-team/checkout-db generation 1 (postgresql@1.1.0) — Succeeded');
    expect(runs.stdout).toContain('[cluster] rendered cluster.yaml');

    const deleted = await runCli(['request', 'delete', 'checkout-team/checkout-db', '--wait', '--timeout', '60'], { cwd: empty, env });
    expect(deleted.stdout.trim()).toBe('deleted checkout-team/checkout-db');
    expect((await repoFiles(devRepo, 'clusters/dev')).size).toBe(0);
    expect((await repoCommits(devRepo)).map(c => c.trailers['Pave-Action']).slice(1)).toEqual(['configure', 'delete']);
  });
});
