/**
 * Rules that judge what an action asks for (SECURITY.md §1): a golden path other than the allowed template, a
 * production database, deleting a production request — refused over HTTP and through MCP alike, naming the rule
 * and the condition; explain says which condition decided.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { defaultAuthConfig } from '../../src/auth/auth-config.js';
import type { AuthRule } from '../../src/auth/auth-rule.js';
import { defaultConfig } from '../../src/pave-config.js';
import { bearer, tokenFor } from '../auth/support.js';
import { FAST_PLATFORM } from '../platform/support/platform-harness.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { callTool, connectMcp } from '../mcp/support.js';

const DEVELOPER = 'user:default/jonah.pereira';
/** Another developer of the checkout team: golden paths open to them, production databases not. */
const TEAMMATE = 'user:default/daniel.kowalczyk';
const ADMIN = 'user:default/ruth.abernathy';

const RULES: AuthRule[] = [
  {
    id: 'only-typescript-services',
    description: 'Developers start new services from the TypeScript golden path only',
    effect: 'deny',
    actions: ['templates.task.create', 'templates.task.dry-run'],
    subjects: [DEVELOPER],
    input: [{ pointer: '/templateRef', matches: 'template:default/typescript-service', not: true }],
  },
  { id: 'no-prod-by-hand', description: 'Production databases go through the platform team', effect: 'deny', actions: ['platform.request.create'], subjects: [DEVELOPER, TEAMMATE], input: [{ pointer: '/spec/environment', equals: 'prod' }] },
  { id: 'no-prod-delete', description: 'Nobody deletes a production database through Pave', effect: 'deny', actions: ['platform.request.delete'], subjects: ['role:signed-in'], input: [{ pointer: '/spec/environment', oneOf: ['prod', 'production'] }] },
];

const database = (name: string, environment: string) => ({
  apiVersion: 'databases.pave.dev/v1alpha1',
  kind: 'PostgreSQL',
  metadata: { name, namespace: 'checkout-team' },
  spec: { environment, instances: 1, storage: '1Gi', database: name.replace(/-/g, '_') },
});

describe('rules that judge an action’s input', { timeout: 90_000 }, () => {
  let pave: RunningPave;
  let developer: Record<string, string>;
  let admin: Record<string, string>;
  let agent: Client;

  beforeAll(async () => {
    pave = await startPave({ demo: true, config: { auth: { ...defaultAuthConfig(), rules: RULES }, platform: { ...defaultConfig().platform, ...FAST_PLATFORM } } });
    developer = { ...bearer(await tokenFor(pave.app, DEVELOPER)), 'content-type': 'application/json' };
    admin = { ...bearer(await tokenFor(pave.app, ADMIN)), 'content-type': 'application/json' };
    agent = await connectMcp(pave.url, developer);
  });
  afterAll(async () => {
    await agent?.close();
    await pave?.close();
  });

  const post = (path: string, headers: Record<string, string>, body: unknown) => fetch(pave.url + path, { method: 'POST', headers, body: JSON.stringify(body) });

  it('refuses a golden path other than the allowed template, naming the rule and the condition', async () => {
    const refused = await post('/api/scaffolder/v2/tasks', developer, { templateRef: 'template:default/docs-site', values: {} });
    expect(refused.status).toBe(403);
    const problem = (await refused.json()) as { detail: string; action: string };
    expect(problem.action).toBe('templates.task.create');
    expect(problem.detail).toMatch(/rule "only-typescript-services" \(config\) when \/templateRef does not match "template:default\/typescript-service"/);
    // The allowed template gets past authorization: its values are what is judged next.
    expect((await post('/api/scaffolder/v2/tasks', developer, { templateRef: 'template:default/typescript-service', values: {} })).status).toBe(422);
    expect((await post('/api/scaffolder/v2/dry-run', developer, { templateRef: 'template:default/docs-site', values: {} })).status).toBe(403);
  });

  it('refuses a production database by hand but not a development one, and explains which condition decided', async () => {
    const prod = await post('/api/platform/requests', developer, database('ledger-db', 'prod'));
    expect(prod.status).toBe(403);
    expect(((await prod.json()) as { detail: string }).detail).toMatch(/rule "no-prod-by-hand" \(config\) when \/spec\/environment is "prod"/);
    expect((await post('/api/platform/requests', developer, database('ledger-dev-db', 'dev'))).status).toBe(201);

    const explain = async (input?: unknown) =>
      (await (await fetch(`${pave.url}/api/permissions/explain?action=platform.request.create&resourceRef=group:default/checkout-team${input ? `&input=${encodeURIComponent(JSON.stringify(input))}` : ''}`, { headers: developer })).json()) as { allowed: boolean; reason: string };
    expect(await explain(database('ledger-db', 'prod'))).toMatchObject({ allowed: false, reason: expect.stringContaining('when /spec/environment is "prod"') });
    // Without the input the rule cannot judge, so it does not decide (what is allowed for some inputs is offered).
    expect((await explain()).reason).not.toContain('no-prod-by-hand');
    const badInput = await fetch(`${pave.url}/api/permissions/explain?action=platform.request.create&input=%7Bnot-json`, { headers: developer });
    expect(badInput.status).toBe(400);
    expect(await badInput.json()).toMatchObject({ errors: [{ pointer: '/querystring/input' }] });
  });

  it('judges a delete by the stored request: nobody deletes a production database, a development one goes', async () => {
    expect((await post('/api/platform/requests', admin, database('ledger-db', 'prod'))).status).toBe(201);
    const refused = await fetch(`${pave.url}/api/platform/requests/checkout-team/ledger-db`, { method: 'DELETE', headers: admin });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/rule "no-prod-delete"/);
    expect((await fetch(`${pave.url}/api/platform/requests/checkout-team/ledger-dev-db`, { method: 'DELETE', headers: developer })).status).toBe(202);
  });

  it('holds inside a golden path: a pave:request step asking for a production database fails naming the rule', async () => {
    await pave.app.catalog.saveEntity({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'prod-database' },
      spec: {
        owner: 'platform-team',
        type: 'infrastructure',
        steps: [{ id: 'db', name: 'Request the database', action: 'pave:request', input: { apiVersion: 'databases.pave.dev/v1alpha1', kind: 'PostgreSQL', name: 'sneaky-db', namespace: 'checkout-team', spec: database('sneaky-db', 'prod').spec } }],
      },
    });
    const teammate = { ...bearer(await tokenFor(pave.app, TEAMMATE)), 'content-type': 'application/json' };
    const created = await post('/api/scaffolder/v2/tasks', teammate, { templateRef: 'template:default/prod-database', values: {} });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const task = async () => (await (await fetch(`${pave.url}/api/scaffolder/v2/tasks/${id}`, { headers: teammate })).json()) as { status: string; error?: { detail?: string } };
    await expect.poll(async () => (await task()).status).toBe('failed');
    expect((await task()).error?.detail).toMatch(/no-prod-by-hand/);
    await expect(pave.app.platform.getRequest('checkout-team', 'sneaky-db')).rejects.toThrow(/No request/);
  });

  it('holds through MCP: the agent gets a tool error naming the rule, and nothing is created', async () => {
    const answer = await callTool(agent, 'run_golden_path', { templateRef: 'template:default/docs-site', values: { name: 'agent-handbook', owner: 'group:default/checkout-team' }, apply: true });
    expect(answer.isError).toBe(true);
    expect(answer.text).toMatch(/only-typescript-services/);
    const request = await callTool(agent, 'create_platform_request', { request: database('agent-db', 'prod'), apply: true });
    expect(request.isError).toBe(true);
    expect(request.text).toMatch(/no-prod-by-hand/);
    expect(await pave.app.catalog.entities.byRef('component:default/agent-handbook')).toBeUndefined();
  });
});
