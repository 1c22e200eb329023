import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultConfig } from '../../src/pave-config.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { FAST_PLATFORM, repoCommits, repoFiles } from './support/platform-harness.js';
import { kubernetesProblems } from './support/kubernetes-schemas.js';
import { listen } from '../support/sse.js';

const orders = {
  apiVersion: 'databases.pave.dev/v1alpha1',
  kind: 'PostgreSQL',
  metadata: { name: 'orders-db', namespace: 'checkout-team', title: 'Orders database' },
  spec: { instances: 2, storage: '10Gi', database: 'orders' },
};

describe('platform API over HTTP (demo capabilities and destinations)', { timeout: 90_000 }, () => {
  let pave: RunningPave;
  let devRepo: string;
  const get = async (path: string) => {
    const response = await fetch(pave.url + path);
    return { status: response.status, body: (response.headers.get('content-type')?.includes('json') ? await response.json() : await response.text()) as any };
  };
  const send = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(pave.url + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
  };

  beforeAll(async () => {
    pave = await startPave({ demo: true, config: { platform: { ...defaultConfig().platform, ...FAST_PLATFORM } } });
    // The catalog mirror reads the event log, as `pave serve` runs it.
    await pave.app.workers.start(['store.event-consumers']);
    devRepo = join(pave.dataDir, 'destinations', 'dev.git');
  });
  afterAll(async () => pave?.close());

  it('lists the demo capabilities and destinations (local repositories made on first start)', async () => {
    const capabilities = await get('/api/platform/capabilities');
    expect(capabilities.status).toBe(200);
    expect(capabilities.body.items.map((c: any) => `${c.name}@${c.latestVersion} ${c.api.kind}`)).toEqual([
      'environment@1.1.0 Environment',
      'postgresql@1.1.0 PostgreSQL',
      'preview-environment@1.1.0 PreviewEnvironment',
      'redis@1.1.0 Redis',
      'team-namespace@1.1.0 TeamNamespace',
    ]);
    const destinations = await get('/api/platform/destinations');
    expect(destinations.body.items.map((d: any) => [d.metadata.name, d.metadata.labels.env, d.spec.cleanupPolicy])).toEqual([
      ['dev', 'dev', 'delete'],
      ['prod', 'prod', 'retain'],
    ]);
    expect(destinations.body.items[0].spec.git.url).toBe(`file://${devRepo}`);
    const one = await get('/api/platform/capabilities/postgresql');
    expect(one.body).toMatchObject({ name: 'postgresql', version: '1.1.0', versions: ['1.1.0'], capability: { spec: { api: { kind: 'PostgreSQL' } } } });
    // The demo's preview environments render for the team that bound them, in its namespace, expiring by default.
    const preview = await send('POST', '/api/platform/render', { request: { apiVersion: 'previews.pave.dev/v1alpha1', kind: 'PreviewEnvironment', metadata: { name: 'pr-7', namespace: 'checkout-team' }, spec: { branch: 'feature/"quoted"' } } });
    expect(preview.status).toBe(200);
    expect(preview.body.files.map((f: any) => [f.path, f.content.includes('branch: "feature/\\"quoted\\""')])).toEqual([['clusters/dev/checkout-team/previewenvironment/pr-7/preview.yaml', true]]);
    const openapi = await get('/api/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/api/platform/requests', '/api/platform/render', '/api/platform/events', '/api/platform/runs/{id}/logs']));
  });

  it('renders without side effects, applies, streams status to Ready, shows runs and logs, and deletes', async () => {
    const commitsBefore = (await repoCommits(devRepo)).length;
    const rendered = await send('POST', '/api/platform/render', { request: orders });
    expect(rendered.status).toBe(200);
    expect(rendered.body.placements).toEqual([{ destination: 'dev', folder: 'clusters/dev/checkout-team/postgresql/orders-db' }]);
    expect(rendered.body.files.map((f: any) => f.path)).toEqual(['clusters/dev/checkout-team/postgresql/orders-db/cluster.yaml']);
    expect(kubernetesProblems(rendered.body.files[0].content)).toEqual([]);
    expect(rendered.body.outputs).toMatchObject({ host: 'orders-db-rw.checkout-team.svc.cluster.local', port: 5432 });
    expect((await get('/api/platform/requests')).body.items).toEqual([]);
    expect((await repoCommits(devRepo)).length).toBe(commitsBefore);

    const invalid = await send('POST', '/api/platform/requests', { ...orders, spec: { instances: 'two' } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors).toEqual([expect.objectContaining({ pointer: '/spec/instances', detail: 'Instances must be an integer (found string)' })]);

    await pave.app.workers.start(['platform.reconciler']);
    const stream = listen(`${pave.url}/api/platform/events?namespace=checkout-team`);
    await stream.connected;
    const created = await send('POST', '/api/platform/requests', orders);
    expect(created.status).toBe(201);
    expect(created.body.request.status.phase).toBe('Pending');
    expect(created.body.request.metadata.generation).toBe(1);

    let view: any;
    for (let i = 0; i < 400; i++) {
      view = (await get('/api/platform/requests/checkout-team/orders-db')).body;
      if (view.status.phase === 'Ready') break;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    expect(view.status).toMatchObject({ phase: 'Ready', observedGeneration: 1, capabilityVersion: '1.1.0', outputs: { database: 'orders', secretName: 'orders-db-app' } });
    const files = await repoFiles(devRepo, 'clusters/dev/checkout-team');
    expect(files.get('clusters/dev/checkout-team/postgresql/orders-db/cluster.yaml')).toBe(rendered.body.files[0].content);

    const runs = await get('/api/platform/requests/checkout-team/orders-db/runs');
    expect(runs.body.items).toHaveLength(1);
    const runId = runs.body.items[0].id;
    expect((await get(`/api/platform/runs/${runId}`)).body).toMatchObject({ action: 'configure', phase: 'Succeeded', commits: [{ destination: 'dev' }] });
    const logs = await get(`/api/platform/runs/${runId}/logs`);
    expect(logs.body).toContain('[cluster] rendered cluster.yaml');
    expect(logs.body).toContain('committed');

    // The request is a Resource in the catalog, owned by the requesting team.
    await expect.poll(async () => (await get('/api/catalog/entities/by-name/resource/checkout-team/orders-db')).status).toBe(200);
    const resource = await get('/api/catalog/entities/by-name/resource/checkout-team/orders-db');
    expect(resource.body.spec).toMatchObject({ type: 'postgresql', owner: 'group:default/checkout-team' });
    expect(resource.body.relations).toContainEqual(expect.objectContaining({ type: 'ownedBy', targetRef: 'group:default/checkout-team' }));

    const deleting = await send('DELETE', '/api/platform/requests/checkout-team/orders-db');
    expect(deleting.status).toBe(202);
    expect(deleting.body.status.phase).toBe('Deleting');
    for (let i = 0; i < 400 && (await get('/api/platform/requests/checkout-team/orders-db')).status !== 404; i++) await new Promise(resolve => setTimeout(resolve, 50));
    expect((await get('/api/platform/requests/checkout-team/orders-db')).status).toBe(404);
    expect([...(await repoFiles(devRepo, 'clusters/dev')).keys()]).toEqual([]);
    await expect.poll(async () => (await get('/api/catalog/entities/by-name/resource/checkout-team/orders-db')).status).toBe(404);

    // The stream sent the event log's platform.* events of the namespace, each with its seq as id.
    await expect.poll(() => stream.events.some(e => e.event === 'platform.request.deleted')).toBe(true);
    await stream.stop();
    const types = stream.events.map(e => (e.event === 'platform.request.phase-changed' ? `${e.event}:${String((e.data.payload as { phase: string }).phase)}` : e.event));
    expect(types[0]).toBe('platform.request.applied');
    expect(types).toContain('platform.request.phase-changed:Ready');
    expect(types).toContain('platform.run.finished');
    expect(types).toContain('platform.delivery.committed');
    expect(types).toContain('platform.request.phase-changed:Deleting');
    expect(types.at(-1)).toBe('platform.request.deleted');
    expect(stream.events.every(e => (e.data.payload as { namespace?: string }).namespace === 'checkout-team')).toBe(true);
    const seqs = stream.events.map(e => e.data.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('shows each capability in the catalog: owner, versions, requirements, the Resources requested from it; deleting removes it', async () => {
    const entity = (ref: string) => get(`/api/catalog/entities/by-name/${ref.replace(':', '/')}`);
    const related = (body: any, type: string) => (body.relations as Array<{ type: string; targetRef: string }>).filter(r => r.type === type).map(r => r.targetRef).sort();

    // The demo capabilities, owned by the platform team, in the explorer's kind facet and in search.
    await pave.app.eventConsumers.drain();
    const postgres = await entity('capability:default/postgresql');
    expect(postgres.status).toBe(200);
    expect(postgres.body).toMatchObject({
      apiVersion: 'pave.dev/v1alpha1',
      kind: 'Capability',
      metadata: { name: 'postgresql', title: 'PostgreSQL database', tags: ['pave-capability'] },
      spec: { type: 'postgresql', owner: 'platform-team', version: '1.1.0', versions: ['1.1.0'], api: { group: 'databases.pave.dev', version: 'v1alpha1', kind: 'PostgreSQL' } },
    });
    expect(postgres.body.metadata.description).toContain('CloudNativePG');
    expect(related(postgres.body, 'ownedBy')).toEqual(['group:default/platform-team']);
    expect(related((await entity('capability:default/environment')).body, 'dependsOn')).toEqual(['capability:default/postgresql', 'capability:default/team-namespace']);
    const listed = await get('/api/catalog/entities/by-query?filter=kind=capability&fields=metadata.name');
    expect(listed.body.items.map((e: any) => e.metadata.name).sort()).toEqual(['environment', 'postgresql', 'preview-environment', 'redis', 'team-namespace']);
    const owned = await get('/api/catalog/entities/by-query?filter=kind=capability,relations.ownedBy=group:default/platform-team&fields=metadata.name');
    expect(owned.body.totalItems).toBe(5);
    // The demo's offer: checkout-team has bound the preview environments, and the binding is in the catalog.
    const binding = await entity('capabilitybinding:checkout-team/preview-environment');
    expect(binding.status).toBe(200);
    expect(binding.body).toMatchObject({ kind: 'CapabilityBinding', spec: { owner: 'group:default/checkout-team', capability: 'capability:default/preview-environment', phase: 'Bound' } });
    const found = await get(`/api/search?q=${encodeURIComponent('CloudNativePG cluster')}`);
    expect(found.body.results.map((r: any) => r.entityRef)).toContain('capability:default/postgresql');

    // A new capability and a second version: the entity follows the newest, listing every version.
    const queue = (version: string, description: string) => ({
      apiVersion: 'pave.dev/v1alpha1',
      kind: 'Capability',
      metadata: { name: 'queue', title: 'Message queue', description, tags: ['messaging', 'Not A Tag'] },
      spec: {
        version,
        owner: 'group:default/platform-team',
        requires: [{ name: 'team-namespace', version: '^1.0.0' }],
        api: { group: 'queues.example.com', version: 'v1', kind: 'Queue', schema: { type: 'object', properties: { size: { type: 'integer', default: 1 } } } },
        workflows: { configure: [{ name: 'queue', type: 'template', files: [{ path: 'queue.yaml', content: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${{ metadata.name }}\n  namespace: ${{ metadata.namespace }}\ndata:\n  size: "${{ spec.size }}"\n' }] }] },
        placement: { selector: { env: 'dev' } },
      },
    });
    expect((await send('POST', '/api/platform/capabilities', queue('1.0.0', 'A durable work queue.'))).status).toBe(201);
    expect((await send('POST', '/api/platform/capabilities', queue('1.1.0', 'A durable work queue with dead letters.'))).status).toBe(201);
    await pave.app.eventConsumers.drain();
    const published = await entity('capability:default/queue');
    expect(published.body).toMatchObject({
      metadata: { title: 'Message queue', description: 'A durable work queue with dead letters.', tags: ['pave-capability', 'messaging'] },
      spec: { owner: 'group:default/platform-team', version: '1.1.0', versions: ['1.1.0', '1.0.0'], dependsOn: ['capability:default/team-namespace'] },
    });
    expect((await get(`/api/search?q=${encodeURIComponent('dead letters')}`)).body.results.map((r: any) => r.entityRef)).toContain('capability:default/queue');

    // A request of it is a Resource that depends on it, so the capability's page lists it.
    await pave.app.workers.start(['platform.reconciler']);
    const jobs = { apiVersion: 'queues.example.com/v1', kind: 'Queue', metadata: { name: 'jobs', namespace: 'checkout-team' }, spec: { size: 3 } };
    expect((await send('POST', '/api/platform/requests', jobs)).status).toBe(201);
    await pave.app.eventConsumers.drain();
    expect((await entity('resource:checkout-team/jobs')).body.spec.dependsOn).toEqual(['capability:default/queue']);
    expect(related((await entity('capability:default/queue')).body, 'dependencyOf')).toEqual(['resource:checkout-team/jobs']);
    for (let i = 0; i < 400 && (await get('/api/platform/requests/checkout-team/jobs')).body.status.phase !== 'Ready'; i++) await new Promise(resolve => setTimeout(resolve, 50));
    const jobsStatus = (await get('/api/platform/requests/checkout-team/jobs')).body.status;
    expect(jobsStatus, jobsStatus.message).toMatchObject({ phase: 'Ready', capabilityVersion: '1.1.0' });

    // Refused while requested; once the request is gone, deleting the capability removes its entity.
    expect((await send('DELETE', '/api/platform/capabilities/queue')).status).toBe(409);
    expect((await send('DELETE', '/api/platform/requests/checkout-team/jobs')).status).toBe(202);
    for (let i = 0; i < 400 && (await get('/api/platform/requests/checkout-team/jobs')).status !== 404; i++) await new Promise(resolve => setTimeout(resolve, 50));
    expect((await get('/api/platform/requests/checkout-team/jobs')).status).toBe(404);
    await pave.app.eventConsumers.drain();
    expect(related((await entity('capability:default/queue')).body, 'dependencyOf')).toEqual([]);
    expect((await send('DELETE', '/api/platform/capabilities/queue')).status).toBe(204);
    await pave.app.eventConsumers.drain();
    expect((await entity('capability:default/queue')).status).toBe(404);
    expect((await get(`/api/search?q=${encodeURIComponent('dead letters')}`)).body.results.map((r: any) => r.entityRef)).not.toContain('capability:default/queue');
  });

  it('leaves a Capability entity that a catalog location defines as its file says', async () => {
    const file = join(pave.dataDir, 'located.yaml');
    await writeFile(file, 'apiVersion: pave.dev/v1alpha1\nkind: Capability\nmetadata:\n  name: located\n  description: Written by hand.\nspec:\n  owner: data-team\n');
    expect((await send('POST', '/api/catalog/locations', { type: 'file', target: file })).status).toBe(201);
    const capability = {
      apiVersion: 'pave.dev/v1alpha1',
      kind: 'Capability',
      metadata: { name: 'located', description: 'Published through the platform API.' },
      spec: { version: '1.0.0', owner: 'platform-team', api: { group: 'located.example.com', version: 'v1', kind: 'Located', schema: { type: 'object' } }, workflows: { configure: [{ name: 'none', type: 'template', files: [] }] } },
    };
    expect((await send('POST', '/api/platform/capabilities', capability)).status).toBe(201);
    await pave.app.eventConsumers.drain();
    const shown = await get('/api/catalog/entities/by-name/capability/default/located');
    expect(shown.body.metadata.description).toBe('Written by hand.');
    expect(shown.body.spec).toEqual({ owner: 'data-team' });
    expect((await send('DELETE', '/api/platform/capabilities/located')).status).toBe(204);
    await pave.app.eventConsumers.drain();
    expect((await get('/api/catalog/entities/by-name/capability/default/located')).status).toBe(200);
  });
});
