/**
 * Score workloads end to end over real git destinations: a score.yaml becomes a request per resource (matched
 * to capabilities by spec.provides; a shared id once) and the workload's own request, whose Deployment and
 * Service are committed with the resources' outputs filled in. Bad Score files are refused naming the field,
 * with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { isPaveError, type PaveError } from '../../../src/core/problem.js';
import { isReady, OPERATOR, repoCommits, repoFiles, startHarness, waitForGone, waitForRequest, type Harness } from '../support/platform-harness.js';
import { kubernetesProblems } from '../support/kubernetes-schemas.js';

/** A Score file as the score.dev examples write them: a web container talking to a database and a shared cache. */
const ordersScore = (overrides: Record<string, unknown> = {}) => ({
  apiVersion: 'score.dev/v1b1',
  metadata: { name: 'orders', annotations: { 'example.com/tier': 'backend' } },
  containers: {
    web: {
      image: 'ghcr.io/acme/orders:1.4.2',
      args: ['--name', '${metadata.name}'],
      variables: {
        DATABASE_URL: 'postgres://${resources.db.host}:${resources.db.port}/${resources.db.database}',
        DB_PORT: '${resources.db.port}',
        CACHE_HOST: '${resources.cache.host}',
        LITERAL: 'costs $$5 and $${{ nothing }} here',
      },
      files: [{ target: '/etc/orders/app.conf', mode: '0644', content: 'workload=${metadata.name}\ndb=${resources.db.host}\n' }],
      resources: { limits: { memory: '256Mi', cpu: '500m' } },
      readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
    },
  },
  service: { ports: { www: { port: 80, targetPort: 8080 } } },
  resources: {
    db: { type: 'postgres', params: { storage: '2Gi', database: 'orders' } },
    cache: { type: 'redis', id: 'shared-cache', params: { memory: '128Mi' } },
  },
  ...overrides,
});

async function refused(work: Promise<unknown>): Promise<PaveError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isPaveError(error)) throw new Error(`expected a problem, got ${String(error)}`);
  return error;
}

describe('Score workloads', { timeout: 120_000 }, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.app.platform.reconciler.start();
  });
  afterAll(async () => h?.close());

  it('renders what it would commit, writing nothing', async () => {
    const rendered = await h.app.platform.score.render({ score: ordersScore(), namespace: 'checkout-team' });
    expect(rendered.resources.map(r => [r.resources, r.capability, r.request.kind, r.request.metadata.name])).toEqual([
      [['cache'], 'redis', 'Redis', 'shared-cache'],
      [['db'], 'postgresql', 'PostgreSQL', 'orders-db'],
    ]);
    const deployment = rendered.workload.render.files.find(f => f.path.endsWith('/deployment.yaml'))!;
    expect(deployment.path).toBe('clusters/dev/checkout-team/workload/orders/deployment.yaml');
    // Outputs of requests that do not exist yet stay as references, and are listed.
    expect(deployment.content).toContain('${requests.orders-db.outputs.host}');
    expect(rendered.workload.render.unresolved).toContain('${requests.orders-db.outputs.host}');
    expect(await h.app.platform.listRequests({ namespace: 'checkout-team' })).toEqual([]);
  });

  it("applies a Score file: the resources' requests and the workload's manifests reach git, outputs filled in", async () => {
    const applied = await h.app.platform.score.apply({ score: ordersScore(), namespace: 'checkout-team', environment: 'dev' }, OPERATOR);
    expect(applied.workload.outcome).toBe('created');
    expect(applied.resources.map(r => [r.request.metadata.name, r.outcome])).toEqual([
      ['shared-cache', 'created'],
      ['orders-db', 'created'],
    ]);
    // The environment fills the capabilities' environment field and labels every request.
    expect(applied.resources[1]!.request.spec).toMatchObject({ storage: '2Gi', database: 'orders', environment: 'dev' });
    expect(applied.resources[1]!.request.metadata.labels).toEqual({ 'pave.dev/score-workload': 'orders', 'pave.dev/environment': 'dev' });
    // A shared resource belongs to no one workload.
    expect(applied.resources[0]!.request.metadata.labels).toEqual({ 'pave.dev/environment': 'dev' });

    const workload = await waitForRequest(h.app, 'checkout-team', 'orders', isReady);
    const db = await waitForRequest(h.app, 'checkout-team', 'orders-db', isReady);
    expect(workload.status.outputs).toEqual({ name: 'orders', host: 'orders.checkout-team.svc' });

    const files = await repoFiles(h.repos.dev, 'clusters/dev/checkout-team/workload/orders');
    expect([...files.keys()].sort()).toEqual([
      'clusters/dev/checkout-team/workload/orders/deployment.yaml',
      'clusters/dev/checkout-team/workload/orders/files.yaml',
      'clusters/dev/checkout-team/workload/orders/service.yaml',
    ]);
    for (const [path, content] of files) expect(kubernetesProblems(content, path)).toEqual([]);
    const deployment = parseYaml(files.get('clusters/dev/checkout-team/workload/orders/deployment.yaml')!);
    const container = deployment.spec.template.spec.containers[0];
    const host = `orders-db-rw.checkout-team.svc.cluster.local`;
    expect(db.status.outputs).toMatchObject({ host, port: 5432 });
    expect(container.env).toEqual([
      { name: 'CACHE_HOST', value: expect.stringContaining('shared-cache') },
      { name: 'DATABASE_URL', value: `postgres://${host}:5432/orders` },
      // A whole placeholder of a number is written as text, as Kubernetes wants.
      { name: 'DB_PORT', value: '5432' },
      { name: 'LITERAL', value: 'costs $5 and ${{ nothing }} here' },
    ]);
    expect(container.args).toEqual(['--name', 'orders']);
    expect(container.resources).toEqual({ limits: { memory: '256Mi', cpu: '500m' } });
    expect(deployment.metadata).toMatchObject({ name: 'orders', namespace: 'checkout-team', annotations: { 'example.com/tier': 'backend' } });
    const service = parseYaml(files.get('clusters/dev/checkout-team/workload/orders/service.yaml')!);
    expect(service.spec.ports).toEqual([{ name: 'www', port: 80, targetPort: 8080, protocol: 'TCP' }]);
    const configMap = parseYaml(files.get('clusters/dev/checkout-team/workload/orders/files.yaml')!);
    expect(Object.values(configMap.data)).toEqual([`workload=orders\ndb=${host}\n`]);

    // The workload's run names the commit that carried exactly its files.
    const [run] = await h.app.platform.listRuns('checkout-team', 'orders', 1);
    const commit = (await repoCommits(h.repos.dev)).find(c => c.sha === run!.commits[0]!.commit)!;
    expect(commit.files.filter(f => f.includes('/workload/orders/')).sort()).toEqual([...files.keys()].sort());
  });

  it('applies again without changes, and a second workload shares the cache by its id', async () => {
    const again = await h.app.platform.score.apply({ score: ordersScore(), namespace: 'checkout-team', environment: 'dev' }, OPERATOR);
    expect([again.workload.outcome, ...again.resources.map(r => r.outcome)]).toEqual(['unchanged', 'unchanged', 'unchanged']);
    const carts = ordersScore({
      metadata: { name: 'carts' },
      resources: { sessions: { type: 'redis', id: 'shared-cache', params: { memory: '128Mi' } } },
      containers: { app: { image: 'ghcr.io/acme/carts:2.0.0', variables: { REDIS: '${resources.sessions.host}:${resources.sessions.port}' } } },
      service: undefined,
    });
    const applied = await h.app.platform.score.apply({ score: carts, namespace: 'checkout-team', environment: 'dev' }, OPERATOR);
    expect(applied.resources.map(r => [r.request.metadata.name, r.outcome])).toEqual([['shared-cache', 'unchanged']]);
    await waitForRequest(h.app, 'checkout-team', 'carts', isReady);
    const files = await repoFiles(h.repos.dev, 'clusters/dev/checkout-team/workload/carts');
    // No ports published: no Service.
    expect([...files.keys()]).toEqual(['clusters/dev/checkout-team/workload/carts/deployment.yaml']);
    expect(files.get('clusters/dev/checkout-team/workload/carts/deployment.yaml')).toMatch(/value: shared-cache\..*:6379/);
  });

  it("deletes the requests of resources removed from the Score file, in the same change; shared ones stay", async () => {
    // orders drops its database (and the variables that named it) and the shared cache: only its own database goes.
    const withoutDb = ordersScore({
      containers: { web: { image: 'ghcr.io/acme/orders:1.5.0', variables: { MODE: 'stateless' } } },
      resources: {},
    });
    const applied = await h.app.platform.score.apply({ score: withoutDb, namespace: 'checkout-team', environment: 'dev' }, OPERATOR);
    expect(applied.workload.outcome).toBe('updated');
    expect(applied.resources).toEqual([]);
    expect(applied.removed.map(view => [view.metadata.name, view.status.phase])).toEqual([['orders-db', 'Deleting']]);
    const { items } = await h.app.audit.query({ action: 'platform.request.delete', entityRef: 'resource:checkout-team/orders-db' });
    expect(items.map(item => item.actor)).toEqual([OPERATOR.actor]);

    // The workload no longer refers to it, so nothing waits: its files are pruned and it is removed.
    await waitForGone(h.app, 'checkout-team', 'orders-db');
    await waitForRequest(h.app, 'checkout-team', 'orders', isReady);
    expect([...(await repoFiles(h.repos.dev, 'clusters/dev/checkout-team/postgresql/orders-db')).keys()]).toEqual([]);
    expect(await repoFiles(h.repos.dev, 'clusters/dev/checkout-team/workload/orders')).not.toEqual(new Map());
    // The shared cache (no one workload's) is still there for carts.
    expect((await h.app.platform.getRequest('checkout-team', 'shared-cache')).status.phase).toBe('Ready');

    const again = await h.app.platform.score.apply({ score: withoutDb, namespace: 'checkout-team', environment: 'dev' }, OPERATOR);
    expect([again.workload.outcome, again.removed]).toEqual(['unchanged', []]);
  });

  it("mounts a volume resource: its request's volume source becomes the Deployment's volume", async () => {
    // A volume capability as score-k8s's: its output `source` is a Kubernetes volume source.
    await h.app.platform.publishCapability(
      {
        apiVersion: 'pave.dev/v1alpha1',
        kind: 'Capability',
        metadata: { name: 'scratch-volume' },
        spec: {
          version: '1.0.0',
          api: { group: 'volumes.pave.dev', version: 'v1', kind: 'ScratchVolume', schema: { type: 'object', properties: { environment: { type: 'string', default: 'dev' } } } },
          outputs: { type: 'object', properties: { source: { type: 'object' } } },
          workflows: {
            configure: [
              {
                name: 'claim',
                type: 'template',
                files: [{ path: 'claim.yaml', content: 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: ${{ metadata.name }}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n' }],
                outputs: { source: '${{ { "persistentVolumeClaim": { "claimName": metadata.name } } }}' },
              },
            ],
          },
          provides: [{ type: 'volume' }],
          placement: { selector: { env: '${{ spec.environment }}' }, mode: 'one' },
        },
      },
      OPERATOR,
    );
    const score = {
      apiVersion: 'score.dev/v1b1',
      metadata: { name: 'indexer' },
      containers: { worker: { image: 'ghcr.io/acme/indexer:1.0.0', volumes: [{ source: '${resources.data}', target: '/var/lib/index', path: 'shards', readOnly: false }] } },
      resources: { data: { type: 'volume' } },
    };
    const notWhole = await refused(h.app.platform.score.apply({ score: { ...score, containers: { worker: { ...score.containers.worker, volumes: [{ source: 'data', target: '/x' }] } } }, namespace: 'checkout-team' }, OPERATOR));
    expect(notWhole.problem.errors!.map(e => e.pointer)).toEqual(['/score/containers/worker/volumes/0/source']);
    // A resource whose capability gives no volume source (a database) cannot be mounted.
    const notVolume = await refused(
      h.app.platform.score.apply({ score: { ...score, resources: { data: { type: 'postgres' } } }, namespace: 'checkout-team' }, OPERATOR),
    );
    expect(notVolume.problem.errors).toEqual([expect.objectContaining({ pointer: '/score/containers/worker/volumes/0/source', detail: expect.stringContaining('data has no output source') })]);

    await h.app.platform.score.apply({ score, namespace: 'checkout-team' }, OPERATOR);
    await waitForRequest(h.app, 'checkout-team', 'indexer', isReady);
    const files = await repoFiles(h.repos.dev, 'clusters/dev/checkout-team/workload/indexer');
    for (const [path, content] of files) expect(kubernetesProblems(content, path)).toEqual([]);
    const pod = parseYaml(files.get('clusters/dev/checkout-team/workload/indexer/deployment.yaml')!).spec.template.spec;
    expect(pod.volumes).toEqual([{ name: 'worker-volume-0', persistentVolumeClaim: { claimName: 'indexer-data' } }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'worker-volume-0', mountPath: '/var/lib/index', subPath: 'shards' }]);
  });

  it('refuses bad Score files naming the field, and writes nothing', async () => {
    const before = (await h.app.platform.listRequests({ namespace: 'storefront-team' })).length;
    const apply = (score: object) => refused(h.app.platform.score.apply({ score, namespace: 'storefront-team' }, OPERATOR));
    const fields = (error: PaveError) => (error.problem.errors ?? []).map(e => e.pointer);

    const unknownType = await apply(ordersScore({ resources: { queue: { type: 'rabbitmq' } } }));
    expect(unknownType.status).toBe(422);
    expect(fields(unknownType)).toContain('/score/resources/queue/type');
    expect(unknownType.problem.errors![0]!.detail).toContain('postgres (class default) by postgresql');
    // The placeholders naming resources that are now gone are reported at once, too.
    expect(fields(unknownType)).toContain('/score/containers/web/variables/DATABASE_URL');

    const noClass = await apply(ordersScore({ resources: { db: { type: 'postgres', class: 'huge' }, cache: { type: 'redis' } } }));
    expect(fields(noClass)).toEqual(['/score/resources/db/class']);
    expect(noClass.problem.errors![0]!.detail).toContain('the classes provided are default (by postgresql)');

    const unknownOutput = await apply(ordersScore({ containers: { web: { image: 'x', variables: { A: '${resources.db.password}', B: '${resources.nope.host}', C: '${metadata.nothing}', D: '${env.HOME}' } } } }));
    expect(fields(unknownOutput).sort()).toEqual(['/score/containers/web/variables/A', '/score/containers/web/variables/B', '/score/containers/web/variables/C', '/score/containers/web/variables/D']);
    expect(unknownOutput.problem.errors!.find(e => e.pointer.endsWith('/A'))!.detail).toContain("db has no output password (its capability's outputs: host, port, secretName, database)");

    const cycle = await apply(
      ordersScore({
        resources: { one: { type: 'redis', params: { evictionPolicy: '${resources.two.host}' } }, two: { type: 'redis', params: { evictionPolicy: '${resources.one.host}' } } },
        containers: { web: { image: 'x' } },
      }),
    );
    expect(fields(cycle)).toEqual(['/score/resources/one/params']);
    expect(cycle.problem.errors![0]!.detail).toContain('orders-one → orders-two → orders-one');

    const notShared = await apply(ordersScore({ resources: { aa: { type: 'redis', id: 'same' }, bb: { type: 'postgres', id: 'same' } }, containers: { web: { image: 'x' } } }));
    expect(fields(notShared)).toEqual(['/score/resources/bb/id']);

    const notScore = await apply({ apiVersion: 'score.dev/v1b2', metadata: { name: 'x' }, containers: {} });
    expect(fields(notScore)).toEqual(expect.arrayContaining(['/score/apiVersion', '/score/containers']));

    // The database is fine, the cache's params break its capability's schema: neither is created.
    const badParams = await apply(ordersScore({ resources: { db: { type: 'postgres' }, cache: { type: 'redis', params: { memory: 'lots' } } } }));
    expect(fields(badParams)).toEqual(['/score/resources/cache/params/memory']);
    expect(badParams.message).toContain('resource cache (Redis orders-cache) is refused');
    expect((await h.app.platform.listRequests({ namespace: 'storefront-team' })).length).toBe(before);

    // A namespace no team owns takes no requests.
    const nowhere = await refused(h.app.platform.score.apply({ score: ordersScore(), namespace: 'nobodys' }, OPERATOR));
    expect(nowhere.status).toBe(422);
    expect(await h.app.platform.listRequests({ namespace: 'nobodys' })).toEqual([]);
  });
});
