/**
 * Attacks through the MCP server (/api/mcp): an agent can do no more than its user over HTTP. A developer's
 * change refused over HTTP is refused through MCP with the same status and action; a token limited to
 * `mcp.read-only` dry-runs but never applies, lists only what it may call, and does nothing over plain
 * HTTP (forged MCP headers included); a token limited to one tool calls only that tool; the guest sees
 * through MCP what the guest sees over HTTP; one caller cannot use another's session, nor crowd out others'.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CookieJar, bearer, tokenFor } from '../auth/support.js';
import type { RunningPave } from '../support/pave-server.js';
import { callTool, connectMcp, startMcpPave } from '../mcp/support.js';

const DEVELOPER = 'user:default/jonah.pereira';

/** A request in the platform team's namespace: not the developer's team. */
const foreignRequest = {
  apiVersion: 'databases.pave.dev/v1alpha1',
  kind: 'PostgreSQL',
  metadata: { name: 'stolen-db', namespace: 'platform-team' },
  spec: { environment: 'dev', instances: 1, storage: '1Gi', database: 'stolen' },
};
const ownRequest = { ...foreignRequest, metadata: { name: 'own-db', namespace: 'checkout-team' } };

describe('MCP attacks', { timeout: 90_000 }, () => {
  let pave: RunningPave;
  let developerToken: string;
  const clients: Client[] = [];
  const connect = async (headers: Record<string, string>, name?: string) => {
    const client = await connectMcp(pave.url, headers, name);
    clients.push(client);
    return client;
  };
  const http = (path: string, headers: Record<string, string>, init: { method?: string; body?: unknown } = {}) =>
    fetch(pave.url + path, { method: init.method ?? 'GET', headers: { ...headers, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });

  beforeAll(async () => {
    pave = await startMcpPave();
    developerToken = await tokenFor(pave.app, DEVELOPER);
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await pave?.close();
  });

  it("refuses a developer through MCP exactly what HTTP refuses them (another team's namespace), and records nothing", async () => {
    const client = await connect(bearer(developerToken));
    const overHttp = await http('/api/platform/requests', bearer(developerToken), { method: 'POST', body: foreignRequest });
    const problem = (await overHttp.json()) as { status: number; action: string };
    expect(problem).toMatchObject({ status: 403, action: 'platform.request.create' });
    const before = await pave.app.eventLog.latest();
    const throughMcp = await callTool(client, 'create_platform_request', { request: foreignRequest, apply: true });
    expect(throughMcp.isError).toBe(true);
    expect(throughMcp.data.problem).toMatchObject({ status: 403, action: 'platform.request.create' });
    expect(await pave.app.eventLog.latest()).toBe(before);
    expect(await pave.app.platform.listRequests({})).toEqual([]);
  });

  it('lets a token limited to mcp.read-only read and dry-run, never apply, and nothing over plain HTTP', async () => {
    const readOnly = await tokenFor(pave.app, DEVELOPER, { scopes: ['mcp.read-only'] });
    const client = await connect(bearer(readOnly));
    const found = await callTool(client, 'search_catalog', { q: 'checkout' });
    expect(found.isError, found.text).toBeFalsy();
    const dryRun = await callTool(client, 'create_platform_request', { request: ownRequest });
    expect(dryRun.isError, dryRun.text).toBeFalsy();
    expect(dryRun.data.applied).toBe(false);
    const applied = await callTool(client, 'create_platform_request', { request: ownRequest, apply: true });
    expect(applied.isError).toBe(true);
    expect(applied.data.problem).toMatchObject({ status: 403, errors: [{ pointer: '/apply' }] });
    expect(applied.text).toMatch(/mcp\.read-only/);
    expect(await pave.app.platform.listRequests({})).toEqual([]);
    // Over plain HTTP the token matches no action, and headers that claim an MCP tool call do not change that.
    expect((await http('/api/search?q=checkout', bearer(readOnly))).status).toBe(403);
    const forged = { ...bearer(readOnly), 'x-pave-mcp-key': 'guessed', 'x-pave-mcp-tool': 'create_platform_request', 'x-pave-mcp-apply': 'true', 'x-pave-mcp-client': 'forger' };
    expect((await http('/api/platform/requests', forged, { method: 'POST', body: ownRequest })).status).toBe(403);
    expect((await http('/api/search?q=checkout', forged)).status).toBe(403);
  });

  it('lets a token limited to one tool list and call only that tool', async () => {
    const oneTool = await tokenFor(pave.app, DEVELOPER, { scopes: ['mcp.tool.search_catalog'] });
    const client = await connect(bearer(oneTool));
    expect((await client.listTools()).tools.map(tool => tool.name)).toEqual(['search_catalog']);
    expect((await callTool(client, 'search_catalog', { q: 'checkout' })).isError).toBeFalsy();
    const other = await callTool(client, 'get_entity', { kind: 'group', namespace: 'default', name: 'checkout-team' });
    expect(other.isError).toBe(true);
    expect(other.data.problem.status).toBe(403);
    // Resources read with get_entity's actions: refused too.
    await expect(client.readResource({ uri: 'pave://catalog/group/default/checkout-team' })).rejects.toThrow(/Forbidden|scopes/);
  });

  it('shows the guest (a browser session) through MCP what the guest sees over HTTP', async () => {
    const jar = new CookieJar();
    await jar.fetch(`${pave.url}/api/auth/login?method=guest&returnTo=/`);
    const session = { cookie: jar.header(pave.url), 'x-pave-csrf': jar.get('pave_csrf') ?? '' };
    const client = await connect(session, 'guest-agent');
    const overHttp = (await (await http('/api/search?q=a&limit=100', session)).json()) as { results: Array<{ entityRef: string }> };
    const throughMcp = await callTool(client, 'search_catalog', { q: 'a', limit: 100 });
    expect(overHttp.results.length).toBeGreaterThan(0);
    expect(throughMcp.data.results.map((hit: any) => hit.entityRef)).toEqual(overHttp.results.map(hit => hit.entityRef));
    const createOverHttp = await http('/api/platform/requests', session, { method: 'POST', body: foreignRequest });
    const createThroughMcp = await callTool(client, 'create_platform_request', { request: foreignRequest, apply: true });
    expect(createThroughMcp.isError).toBe(true);
    expect(createThroughMcp.data.problem.status).toBe(createOverHttp.status);
  });

  it("refuses one caller another's MCP session", async () => {
    const client = await connect(bearer(developerToken));
    await client.listTools();
    const sessionId = (client.transport as { sessionId?: string }).sessionId!;
    const admin = await tokenFor(pave.app, 'user:default/ruth.abernathy');
    const list = { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} };
    const hijack = await fetch(`${pave.url}/api/mcp`, {
      method: 'POST',
      headers: { ...bearer(admin), 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify(list),
    });
    expect(hijack.status).toBe(404);
  });

  it("keeps at most ten sessions per caller, so one caller cannot crowd out another's", async () => {
    const other = await connect(bearer(await tokenFor(pave.app, 'user:default/ruth.abernathy')));
    const token = await tokenFor(pave.app, DEVELOPER);
    const first = await connect(bearer(token));
    await first.listTools();
    for (let i = 0; i < 10; i++) await connect(bearer(token));
    await expect(first.listTools()).rejects.toThrow(/404|Session not found/);
    expect((await other.listTools()).tools.length).toBeGreaterThan(0);
  });
});
