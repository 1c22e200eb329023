/**
 * `pave score render|apply` as real CLI processes on a local store with real git destinations: render writes
 * nothing; apply --wait makes the demo workload's requests, reconciles them, commits its manifests (its files'
 * sources read in) and exits 0.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { runCli } from '../../support/run-cli.js';
import { DEMO_PLATFORM, repoCommits, repoFiles, startHarness } from '../support/platform-harness.js';
import { kubernetesProblems } from '../support/kubernetes-schemas.js';

const SCORE = join(DEMO_PLATFORM, 'workloads/orders.score.yaml');

describe('pave score (real CLI processes)', { timeout: 180_000 }, () => {
  let dataDir: string;
  let devRepo: string;
  let cwd: string;
  beforeAll(async () => {
    const h = await startHarness();
    dataDir = h.dataDir;
    devRepo = h.repos.dev;
    await h.close({ keepData: true });
    cwd = await mkdtemp(join(tmpdir(), 'pave-score-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await rm(cwd, { recursive: true, force: true });
  });

  it('renders, then applies and waits; the workload is Ready in git and the process exits 0', async () => {
    const env = { PAVE_DATA_DIR: dataDir };
    const commitsBefore = (await repoCommits(devRepo)).length;
    const rendered = await runCli(['score', 'render', SCORE, '-n', 'checkout-team'], { cwd, env });
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(rendered.stdout).toContain('# clusters/dev/checkout-team/workload/orders/deployment.yaml\napiVersion: apps/v1\nkind: Deployment');
    expect(rendered.stdout).toContain('# clusters/dev/checkout-team/postgresql/orders-db/cluster.yaml');
    expect(rendered.stderr).toContain('note: filled in once those requests are Ready: ${requests.orders-db.outputs.host}');
    expect((await repoCommits(devRepo)).length).toBe(commitsBefore);

    // --wait reconciles them in this process, which then ends on its own with 0 (its evaluator processes closed).
    const applied = await runCli(['--json', 'score', 'apply', SCORE, '-n', 'checkout-team', '--wait', '--timeout', '120'], { cwd, env });
    expect(applied.code, applied.stderr).toBe(0);
    const result = JSON.parse(applied.stdout) as { items: Array<{ kind: string; metadata: { name: string }; status: { phase: string } }> };
    expect(result.items.map(v => [v.kind, v.metadata.name, v.status.phase])).toEqual([
      ['Redis', 'checkout-cache', 'Ready'],
      ['PostgreSQL', 'orders-db', 'Ready'],
      ['Workload', 'orders', 'Ready'],
    ]);
    const files = await repoFiles(devRepo, 'clusters/dev/checkout-team/workload/orders');
    for (const [path, content] of files) expect(kubernetesProblems(content, path)).toEqual([]);
    const deployment = parseYaml(files.get('clusters/dev/checkout-team/workload/orders/deployment.yaml')!);
    expect(deployment.spec.template.spec.containers[0].env).toContainEqual({ name: 'DATABASE_HOST', value: 'orders-db-rw.checkout-team.svc.cluster.local' });
    const configMap = parseYaml(files.get('clusters/dev/checkout-team/workload/orders/files.yaml')!);
    expect(Object.values(configMap.data)[0]).toContain('database = orders-db-rw.checkout-team.svc.cluster.local');

    const bad = await runCli(['score', 'apply', SCORE, '-n', 'nobody-owns-this'], { cwd, env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('nobody-owns-this');
  });

  it('applied again without its database, the database request is deleted and its files pruned', async () => {
    const env = { PAVE_DATA_DIR: dataDir };
    const score = parseYaml(await readFile(SCORE, 'utf8'));
    delete score.resources.db;
    score.containers.api = { image: score.containers.api.image, variables: { REDIS_ADDRESS: score.containers.api.variables.REDIS_ADDRESS } };
    const file = join(cwd, 'orders-without-db.score.yaml');
    await writeFile(file, stringifyYaml(score));
    const applied = await runCli(['--json', 'score', 'apply', file, '-n', 'checkout-team', '--wait', '--timeout', '120'], { cwd, env });
    expect(applied.code, applied.stderr).toBe(0);
    const result = JSON.parse(applied.stdout) as { removed: Array<{ metadata: { name: string } }>; items: Array<{ metadata: { name: string }; status: { phase: string } }> };
    expect(result.removed.map(view => view.metadata.name)).toEqual(['orders-db']);
    expect(result.items.map(view => [view.metadata.name, view.status.phase])).toEqual([
      ['checkout-cache', 'Ready'],
      ['orders', 'Ready'],
    ]);
    expect([...(await repoFiles(devRepo, 'clusters/dev/checkout-team/postgresql/orders-db')).keys()]).toEqual([]);
    const listed = await runCli(['request', 'list', '-n', 'checkout-team'], { cwd, env });
    expect(listed.stdout).not.toContain('orders-db');
  });
});
