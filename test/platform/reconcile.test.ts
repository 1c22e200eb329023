import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runGit } from '../../src/git/run-git.js';
import { RECONCILE_QUEUE } from '../../src/platform/reconciler.js';
import { OPERATOR, isReady, refusePushesWhile, repoCommits, repoFiles, startHarness, waitForGone, waitForRequest, type Harness } from './support/platform-harness.js';
import { kubernetesProblems } from './support/kubernetes-schemas.js';

const db = (name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) => ({
  apiVersion: 'databases.pave.dev/v1alpha1',
  kind: 'PostgreSQL',
  metadata: { name, namespace: 'checkout-team', ...metadata },
  spec,
});

describe('reconciler (SQLite, real git repositories)', { timeout: 120_000 }, () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await h.app.workers.start(['platform.reconciler']);
  });
  afterEach(async () => h?.close());

  it('takes a request to Ready with valid Kubernetes manifests committed once, with the run id in the message', async () => {
    const { request, outcome } = await h.app.platform.applyRequest(db('orders-db', { instances: 2, storage: '5Gi' }), OPERATOR);
    expect(outcome).toBe('created');
    expect(request.status.phase).toBe('Pending');
    const ready = await waitForRequest(h.app, 'checkout-team', 'orders-db', isReady);

    expect(ready.status.conditions.map(c => `${c.type}=${c.status}`)).toEqual(['Accepted=True', 'DependenciesReady=True', 'Configured=True', 'Written=True', 'Ready=True']);
    expect(ready.status.observedGeneration).toBe(1);
    expect(ready.status.capabilityVersion).toBe('1.1.0');
    expect(ready.status.outputs).toEqual({ host: 'orders-db-rw.checkout-team.svc.cluster.local', port: 5432, secretName: 'orders-db-app', database: 'app' });
    expect(ready.status.deliveries).toEqual([{ destination: 'dev', path: 'clusters/dev/checkout-team/postgresql/orders-db', commit: expect.stringMatching(/^[0-9a-f]{40}$/) }]);

    const files = await repoFiles(h.repos.dev, 'clusters/dev');
    expect([...files.keys()].sort()).toEqual(['clusters/dev/.pave/owners/checkout-team/postgresql/orders-db.json', 'clusters/dev/checkout-team/postgresql/orders-db/cluster.yaml']);
    const cluster = files.get('clusters/dev/checkout-team/postgresql/orders-db/cluster.yaml')!;
    expect(kubernetesProblems(cluster)).toEqual([]);
    expect(parseYaml(cluster)).toMatchObject({ kind: 'Cluster', spec: { instances: 2, storage: { size: '5Gi' } } });

    const commits = (await repoCommits(h.repos.dev)).slice(1);
    expect(commits).toHaveLength(1);
    const [run] = await h.app.platform.listRuns('checkout-team', 'orders-db');
    expect(run).toMatchObject({ action: 'configure', phase: 'Succeeded', generation: 1, trigger: 'apply', capabilityVersion: '1.1.0' });
    expect(commits[0]!.trailers['Pave-Run']).toBe(run!.id);
    expect(commits[0]!.trailers['Pave-Generation']).toBe('1');
    expect(run!.commits).toEqual([expect.objectContaining({ destination: 'dev', commit: commits[0]!.sha })]);
    expect(run!.diff.map(d => `${d.change} ${d.path}`)).toEqual([
      'added clusters/dev/.pave/owners/checkout-team/postgresql/orders-db.json',
      'added clusters/dev/checkout-team/postgresql/orders-db/cluster.yaml',
    ]);
    expect(run!.steps).toEqual([expect.objectContaining({ name: 'cluster', phase: 'Succeeded', log: [expect.stringContaining('rendered cluster.yaml')] })]);

    // The catalog shows it as a Resource owned by the team (the catalog mirror reads the event log).
    await h.app.eventConsumers.drain();
    const resource = await h.app.catalog.entities.byRef('resource:checkout-team/orders-db');
    expect(resource?.spec).toMatchObject({ type: 'postgresql', owner: 'group:default/checkout-team' });

    // Applying the same document again changes nothing: no new generation, run or commit.
    expect((await h.app.platform.applyRequest(db('orders-db', { instances: 2, storage: '5Gi' }), OPERATOR)).outcome).toBe('unchanged');
    await h.app.platform.reconciler.drain();
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(await repoCommits(h.repos.dev)).toHaveLength(2);
    expect(await h.app.platform.listRuns('checkout-team', 'orders-db')).toHaveLength(1);

    // A change is a new generation, rendered and committed once.
    await h.app.platform.applyRequest(db('orders-db', { instances: 3, storage: '5Gi' }), OPERATOR);
    const updated = await waitForRequest(h.app, 'checkout-team', 'orders-db', v => isReady(v) && v.metadata.generation === 2);
    expect(updated.status.observedGeneration).toBe(2);
    const after = (await repoCommits(h.repos.dev)).slice(1);
    expect(after.map(c => c.trailers['Pave-Generation'])).toEqual(['1', '2']);
    expect(parseYaml((await repoFiles(h.repos.dev, 'clusters/dev')).get('clusters/dev/checkout-team/postgresql/orders-db/cluster.yaml')!)).toMatchObject({ spec: { instances: 3 } });
  });

  it('gives every run of requests reconciled together a commit (shared or not) that changed exactly its files', async () => {
    const names = Array.from({ length: 24 }, (_, i) => `batch-${String(i).padStart(2, '0')}`);
    await Promise.all(names.map((name, i) => h.app.platform.applyRequest(db(name, { environment: i % 2 ? 'prod' : 'dev', storage: `${i + 1}Gi` }), OPERATOR)));
    for (const name of names) await waitForRequest(h.app, 'checkout-team', name, isReady);
    // Which runs each commit says it carries, and the files it changed.
    const carried = new Map<string, { runs: string[]; files: string[] }>();
    for (const destination of ['dev', 'prod'] as const) {
      for (const commit of (await repoCommits(h.repos[destination])).slice(1)) carried.set(commit.sha, { runs: commit.deliveries.map(d => d['Pave-Run']!), files: commit.files });
    }
    const diffsByCommit = new Map<string, string[]>();
    for (const name of names) {
      const [run] = await h.app.platform.listRuns('checkout-team', name);
      const destination = run!.diff[0]!.destination as 'dev' | 'prod';
      expect(run!.commits).toEqual([expect.objectContaining({ destination, path: `clusters/${destination}/checkout-team/postgresql/${name}` })]);
      const { commit } = run!.commits[0]!;
      expect(carried.get(commit)?.runs, `commit ${commit} does not name run ${run!.id}`).toContain(run!.id);
      // The commit changed exactly the run's files, and its tree holds the request's files as they are now.
      const mine = carried.get(commit)!.files.filter(f => f.includes(`/postgresql/${name}/`) || f.endsWith(`/postgresql/${name}.json`));
      expect(mine).toEqual(run!.diff.map(d => d.path).sort());
      const atCommit = (await runGit(['--git-dir', h.repos[destination], 'ls-tree', '-r', '--name-only', commit, '--', `clusters/${destination}/checkout-team/postgresql/${name}`])).stdout.trim().split('\n');
      expect(atCommit).toEqual([...(await repoFiles(h.repos[destination], `clusters/${destination}/checkout-team/postgresql/${name}`)).keys()]);
      diffsByCommit.set(commit, [...(diffsByCommit.get(commit) ?? []), ...run!.diff.map(d => d.path)]);
    }
    // And nothing else: each commit's files are its runs' diffs together.
    for (const [commit, files] of diffsByCommit) expect(files.sort()).toEqual([...carried.get(commit)!.files].sort());
  });

  it('orders requests by their output references, and deletes them in reverse order, pruning their files', async () => {
    const docs = [
      { apiVersion: 'environments.pave.dev/v1alpha1', kind: 'Environment', metadata: { name: 'checkout-dev', namespace: 'checkout-team' }, spec: { namespace: '${requests.checkout-ns.outputs.namespace}', databaseHost: '${requests.checkout-db.outputs.host}', databasePort: '${requests.checkout-db.outputs.port}', databaseSecret: '${requests.checkout-db.outputs.secretName}' } },
      { apiVersion: 'teams.pave.dev/v1alpha1', kind: 'TeamNamespace', metadata: { name: 'checkout-ns', namespace: 'checkout-team' }, spec: { namespace: 'checkout', admins: ['checkout-leads'] } },
      db('checkout-db', { namespace: 'checkout' }),
    ];
    for (const doc of docs) await h.app.platform.applyRequest(doc, OPERATOR);
    const env = await waitForRequest(h.app, 'checkout-team', 'checkout-dev', isReady);
    expect(env.status.outputs).toEqual({ configMap: 'checkout-dev-environment', serviceAccount: 'checkout-dev' });
    const files = await repoFiles(h.repos.dev, 'clusters/dev/checkout-team');
    const config = parseYaml(files.get('clusters/dev/checkout-team/environment/checkout-dev/config.yaml')!) as { data: Record<string, string>; metadata: { namespace: string } };
    expect(config.metadata.namespace).toBe('checkout');
    expect(config.data).toMatchObject({ DATABASE_HOST: 'checkout-db-rw.checkout.svc.cluster.local', DATABASE_PORT: '5432', DATABASE_CREDENTIALS_SECRET: 'checkout-db-app' });
    for (const [path, content] of files) expect(kubernetesProblems(content, path)).toEqual([]);
    // The environment was committed after both of its dependencies.
    // By delivery, not by commit: deliveries that meet in one push share a commit (batched delivery).
    const order = (await repoCommits(h.repos.dev)).slice(1).flatMap(c => c.deliveries.map(delivery => delivery['Pave-Request']));
    expect(order.indexOf('checkout-team/checkout-dev')).toBeGreaterThan(order.indexOf('checkout-team/checkout-db'));
    expect(order.indexOf('checkout-team/checkout-dev')).toBeGreaterThan(order.indexOf('checkout-team/checkout-ns'));
    await h.app.eventConsumers.drain();
    const resource = await h.app.catalog.entities.byRef('resource:checkout-team/checkout-dev');
    expect(resource?.spec?.dependsOn).toEqual(['resource:checkout-team/checkout-db', 'resource:checkout-team/checkout-ns', 'capability:default/environment']);

    // Deleting the database first waits for the environment that depends on it.
    await h.app.platform.deleteRequest('checkout-team', 'checkout-db', OPERATOR);
    const blocked = await waitForRequest(h.app, 'checkout-team', 'checkout-db', v => v.status.message?.startsWith('deleting after') === true);
    expect(blocked.status.phase).toBe('Deleting');
    expect(blocked.status.message).toContain('checkout-dev');
    await h.app.platform.deleteRequest('checkout-team', 'checkout-dev', OPERATOR);
    await h.app.platform.deleteRequest('checkout-team', 'checkout-ns', OPERATOR);
    for (const name of ['checkout-dev', 'checkout-db', 'checkout-ns']) await waitForGone(h.app, 'checkout-team', name);

    expect([...(await repoFiles(h.repos.dev, 'clusters/dev')).keys()]).toEqual([]);
    const deletions = (await repoCommits(h.repos.dev)).flatMap(c => c.deliveries.filter(delivery => delivery['Pave-Action'] === 'delete').map(delivery => delivery['Pave-Request']));
    expect(deletions.indexOf('checkout-team/checkout-dev')).toBeLessThan(deletions.indexOf('checkout-team/checkout-db'));
    await h.app.eventConsumers.drain();
    expect(await h.app.catalog.entities.byRef('resource:checkout-team/checkout-db')).toBeUndefined();
    // Runs outlive the request.
    expect((await h.app.platform.listRuns('checkout-team', 'checkout-db')).map(r => r.action)).toContain('delete');
  });

  it('commits the delete steps\u2019 files in the deletion commit, in place of the configure files, and leaves them behind', async () => {
    const capability = structuredClone((await h.app.platform.getCapability('postgresql')).capability);
    capability.spec.version = '1.2.0';
    const job = [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: ${{ metadata.name }}-final-backup',
      '  namespace: ${{ spec.namespace | default(metadata.namespace) }}',
      'spec:',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
      '      containers:',
      '        - name: backup',
      '          image: ghcr.io/cloudnative-pg/postgresql:${{ spec.version }}',
      '          command: [pg_dump, --host, ${{ metadata.name }}-rw, --dbname, ${{ spec.database }}, --file, /backup/final.sql]',
      '',
    ].join('\n');
    capability.spec.workflows.delete = [{ name: 'final-backup', type: 'template', files: [{ path: 'final-backup.yaml', content: job }], message: 'final backup of ${{ metadata.name }}' }];
    await h.app.platform.publishCapability(capability, OPERATOR);
    await h.app.platform.applyRequest(db('archive-db', { storage: '2Gi' }), OPERATOR);
    await h.app.platform.applyRequest(db('vault-db', { environment: 'prod' }), OPERATOR);
    await waitForRequest(h.app, 'checkout-team', 'archive-db', v => isReady(v) && v.status.capabilityVersion === '1.2.0');
    await waitForRequest(h.app, 'checkout-team', 'vault-db', v => isReady(v) && v.status.capabilityVersion === '1.2.0');
    const folder = 'clusters/dev/checkout-team/postgresql/archive-db';
    const index = 'clusters/dev/.pave/owners/checkout-team/postgresql/archive-db.json';
    const before = (await repoCommits(h.repos.dev)).length;

    await h.app.platform.deleteRequest('checkout-team', 'archive-db', OPERATOR);
    await h.app.platform.deleteRequest('checkout-team', 'vault-db', OPERATOR);
    await waitForGone(h.app, 'checkout-team', 'archive-db');
    await waitForGone(h.app, 'checkout-team', 'vault-db');

    // One commit swaps the Cluster for the backup Job, and the ownership index follows.
    const deletion = (await repoCommits(h.repos.dev)).slice(before);
    expect(deletion.map(c => [c.trailers['Pave-Request'], c.trailers['Pave-Action']])).toEqual([['checkout-team/archive-db', 'delete']]);
    expect(deletion[0]!.subject).toBe('pave: delete checkout-team/archive-db (PostgreSQL)');
    expect(deletion[0]!.files.sort()).toEqual([index, `${folder}/cluster.yaml`, `${folder}/final-backup.yaml`].sort());
    const files = await repoFiles(h.repos.dev, 'clusters/dev');
    expect([...files.keys()].sort()).toEqual([index, `${folder}/final-backup.yaml`]);
    const backup = files.get(`${folder}/final-backup.yaml`)!;
    expect(kubernetesProblems(backup)).toEqual([]);
    expect(parseYaml(backup)).toMatchObject({ kind: 'Job', metadata: { name: 'archive-db-final-backup', namespace: 'checkout-team' } });
    const owner = JSON.parse(files.get(index)!) as { request: { name: string }; files: Array<{ path: string; sha256: string }> };
    expect(owner.request.name).toBe('archive-db');
    expect(owner.files).toEqual([{ path: 'final-backup.yaml', sha256: createHash('sha256').update(backup).digest('hex') }]);

    const run = (await h.app.platform.listRuns('checkout-team', 'archive-db')).find(r => r.action === 'delete')!;
    expect(run).toMatchObject({ phase: 'Succeeded', commits: [expect.objectContaining({ destination: 'dev', commit: deletion[0]!.sha })] });
    expect(run.steps[0]).toMatchObject({ name: 'final-backup', phase: 'Succeeded', message: 'final backup of archive-db' });
    expect(run.diff.map(d => `${d.change} ${d.path}`)).toEqual([`modified ${index}`, `deleted ${folder}/cluster.yaml`, `added ${folder}/final-backup.yaml`]);
    expect(deletion[0]!.trailers['Pave-Run']).toBe(run.id);

    // A destination that retains files is left exactly as the request left it.
    expect([...(await repoFiles(h.repos.prod, 'clusters/prod/checkout-team')).keys()]).toEqual(['clusters/prod/checkout-team/postgresql/vault-db/cluster.yaml']);
    const retained = (await h.app.platform.listRuns('checkout-team', 'vault-db')).find(r => r.action === 'delete')!;
    expect(retained.steps.find(s => s.name === 'prune')!.log.join(' ')).toContain("did not write the delete steps' 1 file(s)");

    // A request of the same name takes the folder over: the left-behind Job is pruned by its first commit.
    await h.app.platform.applyRequest(db('archive-db'), OPERATOR);
    await waitForRequest(h.app, 'checkout-team', 'archive-db', isReady);
    expect([...(await repoFiles(h.repos.dev, folder)).keys()]).toEqual([`${folder}/cluster.yaml`]);
  });

  it('repairs drift on the periodic re-render and records it as a run', async () => {
    await h.close();
    h = await startHarness({ platform: { reconcileIntervalSeconds: 1 } });
    // A capability without its own interval, so the configured one (1 s) applies.
    const capability = structuredClone((await h.app.platform.getCapability('redis')).capability);
    delete capability.spec.reconcileInterval;
    capability.spec.version = '1.2.0';
    await h.app.platform.publishCapability(capability, OPERATOR);
    await h.app.workers.start(['platform.reconciler']);
    await h.app.platform.applyRequest({ apiVersion: 'caches.pave.dev/v1alpha1', kind: 'Redis', metadata: { name: 'sessions', namespace: 'storefront-team' }, spec: {} }, OPERATOR);
    await waitForRequest(h.app, 'storefront-team', 'sessions', isReady);

    // Someone edits the generated files by hand and adds one.
    const work = join(h.dataDir, 'hand-edit');
    await runGit(['clone', '-q', h.repos.dev, work]);
    const folder = join(work, 'clusters/dev/storefront-team/redis/sessions');
    await writeFile(join(folder, 'service.yaml'), 'apiVersion: v1\nkind: Service\nmetadata:\n  name: hijacked\n');
    await writeFile(join(folder, 'extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n');
    await runGit(['add', '-A'], { cwd: work });
    await runGit(['commit', '-q', '-m', 'hand edit'], { cwd: work });
    await runGit(['push', '-q', 'origin', 'HEAD:main'], { cwd: work });

    const repaired = await waitForRequest(h.app, 'storefront-team', 'sessions', v => v.status.message?.startsWith('repaired drift') === true);
    expect(repaired.status.phase).toBe('Ready');
    const files = await repoFiles(h.repos.dev, 'clusters/dev/storefront-team/redis/sessions');
    expect([...files.keys()].map(p => p.split('/').pop())).toEqual(['deployment.yaml', 'service.yaml']);
    expect(parseYaml(files.get('clusters/dev/storefront-team/redis/sessions/service.yaml')!)).toMatchObject({ metadata: { name: 'sessions' } });
    for (const [path, content] of files) expect(kubernetesProblems(content, path)).toEqual([]);
    const runs = await h.app.platform.listRuns('storefront-team', 'sessions');
    const repair = runs.find(r => r.drift)!;
    expect(repair).toMatchObject({ action: 'repair', trigger: 'resync', phase: 'Succeeded' });
    expect(repair.diff.map(d => `${d.change} ${d.path.split('/').pop()}`).sort()).toEqual(['deleted extra.yaml', 'modified service.yaml']);
    const last = (await repoCommits(h.repos.dev)).at(-1)!;
    expect(last.subject).toContain('repair drift');
    expect(last.trailers['Pave-Run']).toBe(repair.id);
  });

  it('backs off when pushes fail, shows the next retry, and recovers', async () => {
    const flag = join(h.dataDir, 'read-only');
    await writeFile(flag, '');
    await refusePushesWhile(h.repos.dev, flag);
    await h.app.platform.applyRequest(db('ledger-db'), OPERATOR);
    const failed = await waitForRequest(h.app, 'checkout-team', 'ledger-db', v => v.status.conditions.some(c => c.type === 'Written' && c.reason === 'PushFailed'));
    expect(failed.status.phase).toBe('Failed');
    expect(failed.status.message).toContain('push refused');
    expect(Date.parse(failed.status.nextRetryAt!)).toBeGreaterThan(Date.now() - 1000);
    const jobs = await h.app.queue.list(RECONCILE_QUEUE);
    expect(jobs[0]!.last_error).toContain('push refused');

    // Consecutive failures wait longer each time.
    const seen = new Set<string>();
    await waitForRequest(h.app, 'checkout-team', 'ledger-db', v => {
      if (v.status.nextRetryAt) seen.add(v.status.nextRetryAt);
      return seen.size >= 2;
    });
    const runs = await h.app.platform.listRuns('checkout-team', 'ledger-db');
    expect(runs.every(r => r.phase === 'Failed')).toBe(true);
    expect((await repoCommits(h.repos.dev)).length).toBe(1);

    await rm(flag);
    const ready = await waitForRequest(h.app, 'checkout-team', 'ledger-db', isReady);
    expect(ready.status.nextRetryAt).toBeUndefined();
    expect((await repoCommits(h.repos.dev)).slice(1)).toHaveLength(1);
  });

  it('shows a throwing step’s message in the conditions and writes nothing', async () => {
    const capability = structuredClone((await h.app.platform.getCapability('redis')).capability);
    capability.spec.version = '2.0.0';
    capability.spec.workflows.configure = [
      { name: 'quota-check', type: 'module', source: "export default () => { throw new Error('quota exceeded in region eu-west-1'); }" },
    ];
    await h.app.platform.publishCapability(capability, OPERATOR);
    await h.app.platform.applyRequest({ apiVersion: 'caches.pave.dev/v1alpha1', kind: 'Redis', metadata: { name: 'cart-cache', namespace: 'checkout-team' }, spec: {} }, OPERATOR);
    const failed = await waitForRequest(h.app, 'checkout-team', 'cart-cache', v => v.status.phase === 'Failed');
    const configured = failed.status.conditions.find(c => c.type === 'Configured')!;
    expect(configured).toMatchObject({ status: 'False', reason: 'StepFailed' });
    expect(configured.message).toBe('step quota-check failed: quota exceeded in region eu-west-1');
    expect(failed.status.conditions.find(c => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'StepFailed' });
    expect(failed.status.nextRetryAt).toBeDefined();
    const [run] = await h.app.platform.listRuns('checkout-team', 'cart-cache');
    expect(run!.steps[0]).toMatchObject({ name: 'quota-check', phase: 'Failed', error: 'quota exceeded in region eu-west-1' });
    expect(await h.app.platform.runLog(run!.id)).toContain('[quota-check] error: quota exceeded in region eu-west-1');
    expect(await repoCommits(h.repos.dev)).toHaveLength(1);
  });

  it('stops a module step at its time limit', async () => {
    const capability = structuredClone((await h.app.platform.getCapability('redis')).capability);
    capability.spec.version = '2.0.0';
    capability.spec.workflows.configure = [{ name: 'spin', type: 'module', timeoutSeconds: 0.3, source: 'export default () => { for (;;) {} }' }];
    await h.app.platform.publishCapability(capability, OPERATOR);
    await h.app.platform.applyRequest({ apiVersion: 'caches.pave.dev/v1alpha1', kind: 'Redis', metadata: { name: 'spin', namespace: 'checkout-team' }, spec: {} }, OPERATOR);
    const failed = await waitForRequest(h.app, 'checkout-team', 'spin', v => v.status.phase === 'Failed');
    expect(failed.status.message).toContain('did not finish within its time limit of 0.3 s');
  });

  it('floats requests on the newest version and shows pinned ones as upgradeable', async () => {
    await h.app.platform.applyRequest(db('floating'), OPERATOR);
    await h.app.platform.applyRequest(db('pinned', {}, { annotations: { 'pave.dev/capability-version': '1.1.0' } }), OPERATOR);
    await waitForRequest(h.app, 'checkout-team', 'floating', isReady);
    await waitForRequest(h.app, 'checkout-team', 'pinned', isReady);
    const capability = structuredClone((await h.app.platform.getCapability('postgresql')).capability);
    capability.spec.version = '1.2.0';
    const step = capability.spec.workflows.configure[0]!;
    if (step.type !== 'template') throw new Error('expected a template step');
    step.files![0]!.content = step.files![0]!.content.replace('app.kubernetes.io/managed-by: pave', 'app.kubernetes.io/managed-by: pave\n    pave.dev/tier: standard');
    await h.app.platform.publishCapability(capability, OPERATOR);
    const floating = await waitForRequest(h.app, 'checkout-team', 'floating', v => v.status.capabilityVersion === '1.2.0' && isReady(v));
    expect(floating.status.upgradeAvailable).toBeUndefined();
    const pinned = await waitForRequest(h.app, 'checkout-team', 'pinned', v => v.status.upgradeAvailable === '1.2.0');
    expect(pinned.status.capabilityVersion).toBe('1.1.0');
    const files = await repoFiles(h.repos.dev, 'clusters/dev/checkout-team/postgresql');
    expect(files.get('clusters/dev/checkout-team/postgresql/floating/cluster.yaml')).toContain('pave.dev/tier: standard');
    expect(files.get('clusters/dev/checkout-team/postgresql/pinned/cluster.yaml')).not.toContain('pave.dev/tier');
  });

  it('places requests by their rendered selector and keeps prod files on deletion (cleanup policy retain)', async () => {
    await h.app.platform.applyRequest(db('billing-db', { environment: 'prod' }), OPERATOR);
    const ready = await waitForRequest(h.app, 'checkout-team', 'billing-db', isReady);
    expect(ready.status.deliveries).toEqual([expect.objectContaining({ destination: 'prod', path: 'clusters/prod/checkout-team/postgresql/billing-db' })]);
    await h.app.platform.deleteRequest('checkout-team', 'billing-db', OPERATOR);
    await waitForGone(h.app, 'checkout-team', 'billing-db');
    expect([...(await repoFiles(h.repos.prod, 'clusters/prod')).keys()]).toContain('clusters/prod/checkout-team/postgresql/billing-db/cluster.yaml');
  });
});
