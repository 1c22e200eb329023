/**
 * End to end over HTTP, as the portal and Backstage clients use it: the demo golden paths in the
 * gallery, the parameter schema, validation problems (RFC 9457), a TypeScript service created from the
 * demo template with its events streamed live (SSE), the repository in the local git folder and the
 * new component in the catalog when the task finishes; dry runs and cancellation over HTTP too.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { commitsOf, fileAt, filesOf } from './support.js';

interface SseEvent {
  event: string;
  data: { id: number; type: string; body: { message: string; stepId?: string; status?: string; output?: unknown } };
}

/** Reads a server-sent event stream to its end. */
async function readEventStream(url: string): Promise<{ contentType: string | null; events: SseEvent[] }> {
  const response = await fetch(url);
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) as SseEvent['data'] });
    }
  }
  return { contentType: response.headers.get('content-type'), events };
}

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('golden paths over HTTP', () => {
  let pave: RunningPave;
  let api: string;

  beforeAll(async () => {
    pave = await startPave({ demo: true, portalDir: '/nonexistent' });
    api = `${pave.url}/api/scaffolder/v2`;
  });
  afterAll(async () => pave?.close());

  it('the gallery lists the demo golden paths, runnable, and the actions with their schemas', async () => {
    const { items } = (await (await fetch(`${api}/templates`)).json()) as { items: Array<{ ref: string; runnable: boolean; problems: unknown[] }> };
    const demo = items.filter(t => ['template:default/typescript-service', 'template:default/python-service', 'template:default/docs-site'].includes(t.ref));
    expect(demo).toHaveLength(3);
    expect(demo.every(t => t.runnable && t.problems.length === 0)).toBe(true);
    const actions = (await (await fetch(`${api}/actions`)).json()) as Array<{ id: string; schema: { input: { properties?: object } } }>;
    expect(actions.map(a => a.id).sort()).toEqual(
      [
        'catalog:fetch', 'catalog:register', 'catalog:write', 'debug:log', 'debug:wait', 'fetch:plain', 'fetch:plain:file', 'fetch:template', 'fetch:template:file', 'fs:delete', 'fs:rename',
        'github:repo:create', 'github:repo:push', 'pave:request', 'publish:bitbucketServer', 'publish:git', 'publish:git:branch', 'publish:gitea', 'publish:github', 'publish:github:pull-request', 'publish:gitlab', 'publish:gitlab:merge-request',
      ],
    );
    expect(actions.find(a => a.id === 'fetch:template')!.schema.input.properties).toHaveProperty('copyWithoutTemplating');
    const schema = (await (await fetch(`${api}/templates/default/template/typescript-service/parameter-schema`)).json()) as { title: string; steps: Array<{ title: string; schema: { properties: Record<string, { 'ui:field'?: string }> } }> };
    expect(schema.title).toBe('TypeScript service');
    expect(schema.steps.map(s => s.title)).toEqual(['About the service', 'Where it lives']);
    expect(schema.steps[0]!.schema.properties.owner!['ui:field']).toBe('OwnerPicker');
    expect(schema.steps[1]!.schema.properties.repoUrl!['ui:field']).toBe('RepoUrlPicker');
    const openapi = (await (await fetch(`${pave.url}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/scaffolder/v2/tasks', '/api/scaffolder/v2/tasks/{taskId}/eventstream', '/api/scaffolder/v2/dry-run']));
  });

  it('refuses values that do not fit with an RFC 9457 problem naming each field', async () => {
    const response = await post(`${api}/tasks`, { templateRef: 'template:default/typescript-service', values: { name: 'Bad Name', port: 80 } });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as { type: string; title: string; status: number; errors: Array<{ pointer: string; detail: string; rule: string }> };
    expect(problem).toMatchObject({ type: 'https://pave.dev/problems/invalid-input', title: 'Invalid input', status: 422 });
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/values/name', rule: 'pattern' }),
        expect.objectContaining({ pointer: '/values/owner', detail: 'Owner (owner) is required', rule: 'required' }),
        expect.objectContaining({ pointer: '/values/port', detail: 'Port (port) must be >= 1024', rule: 'minimum' }),
      ]),
    );
    const missing = await fetch(`${api}/tasks/no-such-task`);
    expect(missing.status).toBe(404);
  });

  it('creates a TypeScript service: live steps, a repository in the local git folder, a component in the catalog', async () => {
    const created = await post(`${api}/tasks`, {
      templateRef: 'template:default/typescript-service',
      values: { name: 'basket-pricing', description: 'Prices baskets', owner: 'group:default/checkout-team', system: 'system:default/checkout' },
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    const stream = await readEventStream(`${api}/tasks/${id}/eventstream`);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    const steps = stream.events.filter(e => e.data.body.status && e.data.body.stepId).map(e => `${e.data.body.stepId}:${e.data.body.status}`);
    expect(steps).toEqual(['fetch:processing', 'fetch:completed', 'publish:processing', 'publish:completed', 'register:processing', 'register:completed']);
    expect(stream.events.at(-1)).toMatchObject({ event: 'completion', data: { type: 'completion', body: { status: 'completed' } } });

    const task = (await (await fetch(`${api}/tasks/${id}`)).json()) as { status: string; output: { links: Array<{ title: string; url?: string; entityRef?: string }> }; steps: Array<{ status: string }> };
    expect(task.status).toBe('completed');
    const repo = join(pave.dataDir, 'git', 'larkspur', 'basket-pricing.git');
    expect(task.output.links).toEqual([
      { title: 'Repository', url: `${pave.app.config.baseUrl}/repositories/larkspur/basket-pricing` },
      { title: 'Open in catalog', icon: 'catalog', entityRef: 'component:default/basket-pricing' },
    ]);

    expect(await commitsOf(repo)).toHaveLength(1);
    expect(await filesOf(repo)).toEqual(
      expect.arrayContaining(['.github/workflows/ci.yaml', '.gitignore', 'Dockerfile', 'README.md', 'catalog-info.yaml', 'docs/index.md', 'mkdocs.yml', 'package.json', 'src/server.ts', 'tsconfig.json']),
    );
    expect(JSON.parse(await fileAt(repo, 'package.json'))).toMatchObject({ name: 'basket-pricing', description: 'Prices baskets' });
    // GitHub's own expressions in the workflow were copied without templating.
    expect(await fileAt(repo, '.github/workflows/ci.yaml')).toContain('${{ github.sha }}');

    const entity = await fetch(`${pave.url}/api/catalog/entities/by-name/component/default/basket-pricing`);
    expect(entity.status).toBe(200);
    const component = (await entity.json()) as { spec: Record<string, string>; metadata: { description: string; annotations: Record<string, string> } };
    expect(component.spec).toMatchObject({ type: 'service', owner: 'group:default/checkout-team', system: 'system:default/checkout' });
    expect(component.metadata.description).toBe('Prices baskets');
    // Where it came from, kept by Pave with the location (the repository's files do not say): it survives a refresh.
    const provenance = { 'backstage.io/source-template': 'template:default/typescript-service', 'pave.dev/source-template-version': '2.1.0', 'pave.dev/created-by-task': id };
    expect(component.metadata.annotations).toMatchObject(provenance);
    await pave.app.catalog.locations.refresh((await pave.app.catalog.locations.byEntityRef('component:default/basket-pricing')).id);
    expect((await pave.app.catalog.entities.byRef('component:default/basket-pricing'))?.metadata.annotations).toMatchObject(provenance);

    const list = (await (await fetch(`${api}/tasks?status=completed`)).json()) as { tasks: Array<{ id: string }>; totalTasks: number };
    expect(list.tasks.map(t => t.id)).toContain(id);
    expect(((await (await post(`${api}/tasks/${id}/cancel`, {})).json()) as { status: string }).status).toBe('completed');
    const polled = (await (await fetch(`${api}/tasks/${id}/events?after=0`)).json()) as Array<{ id: number }>;
    expect(polled.length).toBe(stream.events.length);
  });

  it('dry-runs a catalog template and an uploaded one over HTTP, with no side effects', async () => {
    const response = await post(`${api}/dry-run`, { templateRef: 'template:default/python-service', values: { name: 'demand-forecaster', owner: 'group:default/data-team' } });
    expect(response.status).toBe(200);
    const result = (await response.json()) as { status: string; directoryContents: Array<{ path: string }>; log: Array<{ body: { message: string } }> };
    expect(result.status).toBe('completed');
    expect(result.directoryContents.map(f => f.path)).toContain('src/demand_forecaster/app.py');
    // The log names the repository's HTTP clone URL, never the server's folder.
    expect(result.log.map(l => l.body.message)).toContainEqual(expect.stringMatching(/^Dry run: would push \d+ file\(s\) to http:\/\/\S+\/git\/larkspur\/demand-forecaster\.git /));
    expect(JSON.stringify(result.log)).not.toContain(pave.dataDir);
    expect(await commitsOf(join(pave.dataDir, 'git', 'larkspur', 'demand-forecaster.git'))).toEqual([]);
    expect((await fetch(`${pave.url}/api/catalog/entities/by-name/component/default/demand-forecaster`)).status).toBe(404);

    const uploaded = await post(`${api}/dry-run`, {
      template: {
        apiVersion: 'scaffolder.backstage.io/v1beta3',
        kind: 'Template',
        metadata: { name: 'uploaded' },
        spec: { type: 'x', steps: [{ id: 'f', action: 'fetch:template', input: { url: './skeleton', values: { who: '${{ parameters.who }}' } } }] },
      },
      values: { who: 'world' },
      directoryContents: [{ path: 'skeleton/hello.txt', base64Content: Buffer.from('hello ${{ values.who }}').toString('base64') }],
    });
    const uploadedResult = (await uploaded.json()) as { directoryContents: Array<{ path: string; base64Content: string }> };
    expect(uploadedResult.directoryContents.map(f => [f.path, Buffer.from(f.base64Content, 'base64').toString()])).toEqual([['hello.txt', 'hello world']]);
  });

  it('cancels a running task over HTTP: the wait stops at once and the stream ends with cancelled', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pave-http-cancel-'));
    await writeFile(
      join(dir, 'template.yaml'),
      stringify({
        apiVersion: 'scaffolder.backstage.io/v1beta3',
        kind: 'Template',
        metadata: { name: 'slow' },
        spec: { type: 'x', steps: [{ id: 'wait', name: 'Wait', action: 'debug:wait', input: { seconds: 60 } }, { id: 'after', action: 'debug:log', input: { message: 'never' } }] },
      }),
    );
    expect((await post(`${pave.url}/api/catalog/locations`, { type: 'file', target: join(dir, 'template.yaml') })).status).toBe(201);
    const { id } = (await (await post(`${api}/tasks`, { templateRef: 'template:default/slow' })).json()) as { id: string };
    for (let i = 0; i < 200; i++) {
      const task = (await (await fetch(`${api}/tasks/${id}`)).json()) as { steps: Array<{ status: string }> };
      if (task.steps[0]!.status === 'processing') break;
      await new Promise(resolve => setTimeout(resolve, 25));
    }
    const started = Date.now();
    expect(((await (await post(`${api}/tasks/${id}/cancel`, {})).json()) as { status: string }).status).toBe('processing');
    const stream = await readEventStream(`${api}/tasks/${id}/eventstream`);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(stream.events.map(e => e.event).slice(-2)).toEqual(['cancelled', 'completion']);
    expect(stream.events.at(-1)!.data.body.status).toBe('cancelled');
    const task = (await (await fetch(`${api}/tasks/${id}`)).json()) as { status: string; steps: Array<{ status: string }> };
    expect(task.status).toBe('cancelled');
    expect(task.steps.map(s => s.status)).toEqual(['cancelled', 'cancelled']);
    await rm(dir, { recursive: true, force: true });
  });
});
