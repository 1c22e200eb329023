/**
 * The MCP server over Streamable HTTP (/api/mcp), with a real MCP client from the SDK on 127.0.0.1 and a
 * developer's token: tools listed with schemas derived from the routes and honest annotations; the demo
 * catalog searched; a golden path dry-run then run; a platform request rendered, applied and Ready; audit
 * entries marked `via: mcp` with the client's name; read-only tools leave the event log unchanged; bad
 * arguments and unknown tools come back as tool errors naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { relay, remoteTransport } from '../../src/mcp/mcp-relay.js';
import { tokenFor, bearer } from '../auth/support.js';
import type { RunningPave } from '../support/pave-server.js';
import { callTool, connectMcp, startMcpPave } from './support.js';

const DEVELOPER = 'user:default/jonah.pereira';

const ordersDb = {
  apiVersion: 'databases.pave.dev/v1alpha1',
  kind: 'PostgreSQL',
  metadata: { name: 'orders-db', namespace: 'checkout-team' },
  spec: { environment: 'dev', instances: 1, storage: '1Gi', database: 'orders' },
};

describe('MCP over Streamable HTTP', { timeout: 90_000 }, () => {
  let pave: RunningPave;
  let client: Client;
  /** The golden path's task, run below. */
  let taskId = '';

  beforeAll(async () => {
    pave = await startMcpPave();
    client = await connectMcp(pave.url, bearer(await tokenFor(pave.app, DEVELOPER)));
  });
  afterAll(async () => {
    await client?.close();
    await pave?.close();
  });

  it('lists the tools with input schemas derived from the routes and honest annotations', async () => {
    const { tools } = await client.listTools();
    const byName = new Map(tools.map(tool => [tool.name, tool]));
    expect([...byName.keys()]).toEqual(expect.arrayContaining(['search_catalog', 'list_entities', 'get_entity', 'list_templates', 'get_template', 'run_golden_path', 'get_task', 'list_capabilities', 'get_capability', 'create_platform_request', 'delete_platform_request', 'explain_permission']));
    const search = byName.get('search_catalog')!;
    // The route's querystring: q required, limit 1..100.
    expect(search.inputSchema).toMatchObject({ type: 'object', required: ['q'], properties: { q: { type: 'string', maxLength: 500 }, limit: { type: 'integer', minimum: 1, maximum: 100 } } });
    expect(search.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(byName.get('delete_platform_request')!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(byName.get('run_golden_path')!.inputSchema).toMatchObject({ required: ['templateRef'], properties: { templateRef: { type: 'string' }, apply: { type: 'boolean' } } });
    expect(byName.get('create_platform_request')!.inputSchema.required).toEqual(['request']);
  });

  it('searches the demo catalog and reads an entity with its relations, changing nothing', async () => {
    const before = await pave.app.eventLog.latest();
    const found = await callTool(client, 'search_catalog', { q: 'checkout' });
    expect(found.isError).toBeFalsy();
    expect(found.data.results.map((hit: any) => hit.entityRef)).toContain('group:default/checkout-team');
    const team = await callTool(client, 'get_entity', { kind: 'group', namespace: 'default', name: 'checkout-team' });
    expect(team.data.metadata.name).toBe('checkout-team');
    expect(team.data.relations.length).toBeGreaterThan(0);
    const page = await callTool(client, 'list_entities', { filter: 'kind=component', limit: 2, fields: 'metadata.name' });
    expect(page.data.items).toHaveLength(2);
    expect(page.data.pageInfo.nextCursor).toEqual(expect.any(String));
    const templates = await callTool(client, 'list_templates', { limit: 1 });
    expect(templates.data).toMatchObject({ items: [expect.anything()], nextCursor: '1' });
    await callTool(client, 'list_capabilities', {});
    await callTool(client, 'explain_permission', { action: 'platform.request.create' });
    const resource = await client.readResource({ uri: 'pave://catalog/group/default/checkout-team' });
    expect((resource.contents[0] as { text: string }).text).toMatch(/^apiVersion: /m);
    // Read-only tools perform no write: the event log holds nothing the caller did (the demo's own background
    // work, such as scorecard facts, may still be appending).
    const since = await pave.app.eventLog.read({ after: before, limit: 1000 });
    expect(since.filter(event => event.actor === DEVELOPER)).toEqual([]);
  });

  it("answers scorecards, campaigns and DORA metrics exactly as the routes answer the caller", async () => {
    const headers = bearer(await tokenFor(pave.app, DEVELOPER));
    const route = async (path: string) => (await fetch(pave.url + path, { headers })).json();
    expect((await callTool(client, 'get_entity_scorecards', { kind: 'component', namespace: 'default', name: 'checkout-service' })).data).toEqual(
      await route('/api/scorecards/entities/component/default/checkout-service'),
    );
    expect((await callTool(client, 'list_campaigns', {})).data).toEqual(await route('/api/scorecards/campaigns'));
    // A fixed end: by default the window ends at the moment of asking.
    const dora = await callTool(client, 'get_dora_metrics', { entity: 'group:default/checkout-team', window: '12w', end: '2026-12-01T00:00:00Z' });
    expect(dora.data).toEqual(await route('/api/delivery/dora?entity=group%3Adefault%2Fcheckout-team&window=12w&end=2026-12-01T00%3A00%3A00Z'));
    const bad = await callTool(client, 'get_dora_metrics', { window: 'forever' });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/window/);
  });

  it('answers bad arguments and unknown tools with tool errors naming the field', async () => {
    const bad = await callTool(client, 'search_catalog', { limit: 1000 });
    expect(bad.isError).toBe(true);
    expect(bad.data.problem.errors.map((e: any) => e.pointer)).toEqual(expect.arrayContaining(['/q', '/limit']));
    const unknown = await callTool(client, 'drop_database', {});
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toMatch(/no tool drop_database/);
    const invalid = await callTool(client, 'create_platform_request', { request: { ...ordersDb, spec: { ...ordersDb.spec, instances: 'two' } } });
    expect(invalid.isError).toBe(true);
    expect(invalid.data.problem.errors.map((e: any) => e.pointer)).toContain('/request/spec/instances');
  });

  it('dry-runs a platform request, applies it and sees it Ready; the audit entry says via mcp and the client', async () => {
    const dry = await callTool(client, 'create_platform_request', { request: ordersDb });
    expect(dry.isError, dry.text).toBeFalsy();
    expect(dry.data.applied).toBe(false);
    expect(dry.data.rendered.files.map((f: any) => f.path)).toEqual(['clusters/dev/checkout-team/postgresql/orders-db/cluster.yaml']);
    expect(await pave.app.platform.listRequests({})).toEqual([]);

    await pave.app.workers.start(['platform.reconciler']);
    const applied = await callTool(client, 'create_platform_request', { request: ordersDb, apply: true });
    expect(applied.isError, applied.text).toBeFalsy();
    expect(applied.data).toMatchObject({ applied: true, outcome: 'created' });
    await expect
      .poll(async () => (await callTool(client, 'get_platform_request', { namespace: 'checkout-team', name: 'orders-db' })).data.status.conditions.find((c: any) => c.type === 'Ready')?.status)
      .toBe('True');
    const { items } = await pave.app.audit.query({ action: 'platform.request.create' });
    expect(items[0]).toMatchObject({ actor: DEVELOPER, detail: expect.objectContaining({ via: 'mcp', client: 'test-agent 1.0.0' }) });
  });

  it('dry-runs a golden path, then runs it, follows its task to completion and finds what it made in the catalog', async () => {
    const values = { name: 'mcp-handbook', owner: 'group:default/checkout-team' };
    const dry = await callTool(client, 'run_golden_path', { templateRef: 'template:default/docs-site', values });
    expect(dry.isError, dry.text).toBeFalsy();
    expect(dry.data).toMatchObject({ applied: false, status: 'completed' });
    expect(dry.data.files.map((f: any) => f.path)).toContain('mkdocs.yml');
    const run = await callTool(client, 'run_golden_path', { templateRef: 'template:default/docs-site', values, apply: true });
    expect(run.isError, run.text).toBeFalsy();
    taskId = run.data.taskId;
    await expect.poll(async () => (await callTool(client, 'get_task', { taskId })).data.task.status).toBe('completed');
    const { items } = await pave.app.audit.query({ action: 'templates.task.create' });
    expect(items[0]?.detail).toMatchObject({ via: 'mcp', client: 'test-agent 1.0.0' });
    // What it made: a catalog entry, found through MCP.
    const made = await callTool(client, 'get_entity', { kind: 'component', namespace: 'default', name: 'mcp-handbook' });
    expect(made.isError, made.text).toBeFalsy();
  });

  it('holds every annotation to what the tool does: read-only tools and dry runs record nothing as the caller', async () => {
    const calls: Record<string, Record<string, unknown>> = {
      search_catalog: { q: 'checkout' },
      list_entities: { filter: 'kind=component', limit: 2 },
      get_entity: { kind: 'group', namespace: 'default', name: 'checkout-team' },
      get_docs: { kind: 'component', namespace: 'default', name: 'checkout-service', path: 'index.md' },
      list_templates: {},
      get_template: { namespace: 'default', kind: 'template', name: 'docs-site' },
      get_task: { taskId },
      list_capabilities: {},
      get_capability: { name: 'postgresql' },
      list_platform_requests: { namespace: 'checkout-team' },
      get_platform_request: { namespace: 'checkout-team', name: 'orders-db' },
      explain_permission: { action: 'catalog.entity.write', resourceRef: 'group:default/checkout-team' },
      get_entity_scorecards: { kind: 'component', namespace: 'default', name: 'checkout-service' },
      list_campaigns: {},
      get_dora_metrics: { window: '30d' },
      // Change tools without apply: dry runs.
      run_golden_path: { templateRef: 'template:default/docs-site', values: { name: 'dry-handbook', owner: 'group:default/checkout-team' } },
      create_platform_request: { request: { ...ordersDb, spec: { ...ordersDb.spec, instances: 3 } } },
      delete_platform_request: { namespace: 'checkout-team', name: 'orders-db' },
    };
    const { tools } = await client.listTools();
    expect(Object.keys(calls).sort()).toEqual(tools.map(tool => tool.name).sort());
    const seq = await pave.app.eventLog.latest();
    const audited = (await pave.app.audit.query({ actor: DEVELOPER })).items.length;
    for (const [name, args] of Object.entries(calls)) {
      const answer = await callTool(client, name, args);
      expect(answer.isError, `${name}: ${answer.text}`).toBeFalsy();
      if (!tools.find(tool => tool.name === name)!.annotations!.readOnlyHint) expect(answer.data.applied, name).toBe(false);
    }
    const events = await pave.app.eventLog.read({ after: seq });
    expect(events.filter(event => event.actor === DEVELOPER)).toEqual([]);
    expect((await pave.app.audit.query({ actor: DEVELOPER })).items.length).toBe(audited);
    expect((await callTool(client, 'get_platform_request', { namespace: 'checkout-team', name: 'orders-db' })).data.spec.instances).toBe(1);
  });

  it("relays a local client to the server's /api/mcp with a token, as `pave mcp` does when signed in to a server", async () => {
    const [clientSide, relaySide] = InMemoryTransport.createLinkedPair();
    const relayed = relay(relaySide, remoteTransport(pave.url, await tokenFor(pave.app, DEVELOPER)));
    const local = new Client({ name: 'relayed-agent', version: '1.0.0' });
    await local.connect(clientSide);
    const me = await callTool(local, 'explain_permission', { action: 'platform.request.create' });
    expect(me.isError, me.text).toBeFalsy();
    expect(me.data.identity.principal).toBe(DEVELOPER);
    await local.close();
    await relayed;
  });
});
