import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { defaultConfig } from '../../src/core/config.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { FAST_PLATFORM, repoCommits, repoFiles } from './support/platform-harness.js';
import { kubernetesProblems } from './support/kubernetes-schemas.js';

/** Collects server-sent events until aborted. */
function listen(url: string) {
  const controller = new AbortController();
  const events: Array<{ event: string; data: Record<string, unknown> }> = [];
  const done = (async () => {
    const response = await fetch(url, { signal: controller.signal, headers: { accept: 'text/event-stream' } });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    let buffer = '';
    for (;;) {
      const { value, done: finished } = await reader.read();
      if (finished) return;
      buffer += new TextDecoder().decode(value);
      let end;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
      }
    }
  })().catch(error => {
    if ((error as Error).name !== 'AbortError') throw error;
  });
  return { events, stop: async () => (controller.abort(), await done) };
}

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
    pave = await startPave({ demo: true, config: { platform: { ...defaultConfig.platform, ...FAST_PLATFORM } } });
    devRepo = join(pave.dataDir, 'destinations', 'dev.git');
  });
  afterAll(async () => pave?.close());

  it('lists the demo capabilities and destinations (local repositories made on first start)', async () => {
    const capabilities = await get('/api/platform/capabilities');
    expect(capabilities.status).toBe(200);
    expect(capabilities.body.items.map((c: any) => `${c.name}@${c.latestVersion} ${c.api.kind}`)).toEqual([
      'environment@1.0.0 Environment',
      'postgresql@1.0.0 PostgreSQL',
      'redis@1.0.0 Redis',
      'team-namespace@1.0.0 TeamNamespace',
    ]);
    const destinations = await get('/api/platform/destinations');
    expect(destinations.body.items.map((d: any) => [d.metadata.name, d.metadata.labels.env, d.spec.cleanupPolicy])).toEqual([
      ['dev', 'dev', 'delete'],
      ['prod', 'prod', 'retain'],
    ]);
    expect(destinations.body.items[0].spec.git.url).toBe(`file://${devRepo}`);
    const one = await get('/api/platform/capabilities/postgresql');
    expect(one.body).toMatchObject({ name: 'postgresql', version: '1.0.0', versions: ['1.0.0'], capability: { spec: { api: { kind: 'PostgreSQL' } } } });
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
    expect(invalid.body.errors).toEqual([expect.objectContaining({ pointer: '/spec/instances', detail: '/spec/instances must be integer' })]);

    pave.app.platform.reconciler.start();
    const stream = listen(`${pave.url}/api/platform/events?namespace=checkout-team`);
    await new Promise(resolve => setTimeout(resolve, 100));
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
    expect(view.status).toMatchObject({ phase: 'Ready', observedGeneration: 1, capabilityVersion: '1.0.0', outputs: { database: 'orders', secretName: 'orders-db-app' } });
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
    const resource = await get('/api/catalog/entities/by-name/resource/checkout-team/orders-db');
    expect(resource.status).toBe(200);
    expect(resource.body.spec).toMatchObject({ type: 'postgresql', owner: 'group:default/checkout-team' });
    expect(resource.body.relations).toContainEqual(expect.objectContaining({ type: 'ownedBy', targetRef: 'group:default/checkout-team' }));

    const deleting = await send('DELETE', '/api/platform/requests/checkout-team/orders-db');
    expect(deleting.status).toBe(202);
    expect(deleting.body.status.phase).toBe('Deleting');
    for (let i = 0; i < 400 && (await get('/api/platform/requests/checkout-team/orders-db')).status !== 404; i++) await new Promise(resolve => setTimeout(resolve, 50));
    expect((await get('/api/platform/requests/checkout-team/orders-db')).status).toBe(404);
    expect([...(await repoFiles(devRepo, 'clusters/dev')).keys()]).toEqual([]);
    expect((await get('/api/catalog/entities/by-name/resource/checkout-team/orders-db')).status).toBe(404);

    await new Promise(resolve => setTimeout(resolve, 100));
    await stream.stop();
    const types = stream.events.map(e => `${e.event}${e.data.phase ? ':' + String(e.data.phase) : ''}`);
    expect(types[0]).toBe('request.applied');
    expect(types).toContain('request.status:Ready');
    expect(types).toContain('request.deleting');
    expect(types.at(-1)).toBe('request.deleted');
  });
});
