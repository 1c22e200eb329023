/**
 * Approvals over real HTTP with auth on: a capability asks a group to approve production requests (input
 * conditions on the request document), a team's binding adds its own rule; the request waits in
 * PendingApproval naming its approvers, is reconciled only once approved, and the decision (with its reason
 * and who made it) is audited and shown on the request.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBareRepository } from '../../src/git/bare-repository.js';
import type { RequestView } from '../../src/platform/platform-service.js';
import { bearer, startAuthPave, tokenFor, type AuthPave } from '../auth/support.js';
import { expectFieldError, expectProblem, json } from '../api/support.js';
import { runCli } from '../support/run-cli.js';
import { OPERATOR } from './support/platform-harness.js';

const database = {
  apiVersion: 'pave.dev/v1alpha1',
  kind: 'Capability',
  metadata: { name: 'db' },
  spec: {
    version: '1.0.0',
    owner: 'platform-team',
    api: { group: 'approvals.pave.dev', version: 'v1', kind: 'Database', schema: { type: 'object', properties: { environment: { type: 'string', enum: ['dev', 'prod'] }, size: { type: 'string' } } } },
    workflows: { configure: [{ name: 'manifest', type: 'template', files: [{ path: 'db.yaml', content: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${{ metadata.name }}\ndata:\n  size: "${{ spec.size }}"\n' }] }] },
    offer: { to: 'all', binding: 'self-service' },
    approval: { group: 'platform-team', when: [{ pointer: '/spec/environment', equals: 'prod' }] },
  },
};
const request = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'approvals.pave.dev/v1', kind: 'Database', metadata: { name, namespace: 'checkout-team' }, spec });

describe('approvals of requests', { timeout: 60_000 }, () => {
  let pave: AuthPave;
  const tokens: Record<string, string> = {};
  const send = (who: string, method: string, path: string, body?: unknown) =>
    fetch(pave.url + path, { method, headers: { ...bearer(tokens[who]!), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const view = async (name: string) => json<RequestView>(await send('bob', 'GET', `/api/platform/requests/checkout-team/${name}`));
  const decide = (who: string, name: string, decision: 'approve' | 'reject', reason: string) => send(who, 'POST', `/api/platform/requests/checkout-team/${name}/approval`, { decision, reason });

  beforeAll(async () => {
    // Nobody here is an admin: alice is in the platform team, bob in checkout-team, carol in its checkout-payments.
    pave = await startAuthPave({ auth: { adminGroup: 'group:default/admins' } });
    for (const name of ['alice', 'bob', 'carol']) tokens[name] = await tokenFor(pave.app, `user:default/${name}`);
    const url = await ensureBareRepository(join(pave.config.dataDir, 'repos', 'dev.git'), 'main');
    await pave.app.platform.applyDestination({ apiVersion: 'pave.dev/v1alpha1', kind: 'Destination', metadata: { name: 'dev', labels: { env: 'dev' } }, spec: { git: { url, branch: 'main', path: 'clusters/dev' } } }, OPERATOR);
    await pave.app.platform.publishCapability(database, OPERATOR);
    // The team's own rule: its payments people approve large databases.
    const binding = { apiVersion: 'pave.dev/v1alpha1', kind: 'CapabilityBinding', metadata: { namespace: 'checkout-team' }, spec: { capability: 'db', approval: { group: 'checkout-payments', when: [{ pointer: '/spec/size', oneOf: ['large', 'huge'] }] } } };
    await json(await send('bob', 'POST', '/api/platform/bindings', binding), 201);
  });
  afterAll(async () => pave?.close());

  it('waits for approval only where the input conditions hold, and reconciles once approved', async () => {
    await json(await send('bob', 'POST', '/api/platform/requests', request('orders-dev', { environment: 'dev', size: 'small' })), 201);
    const prod = await json<{ request: RequestView }>(await send('bob', 'POST', '/api/platform/requests', request('orders-prod', { environment: 'prod', size: 'small' })), 201);
    expect(prod.request.status.phase).toBe('PendingApproval');
    expect(prod.request.status.approval).toEqual({
      generation: 1,
      state: 'Pending',
      approvers: ['group:default/platform-team'],
      because: ['capability db asks group:default/platform-team to approve requests where /spec/environment is "prod"'],
    });
    await pave.app.platform.reconciler.drain();
    expect((await view('orders-dev')).status.phase).toBe('Ready');
    expect((await view('orders-prod')).status.phase).toBe('PendingApproval');
    expect(await pave.app.platform.listRuns('checkout-team', 'orders-prod')).toEqual([]);

    // Not the requesting team, nor another approver group's member; a reason is required.
    expect((await decide('bob', 'orders-prod', 'approve', 'ours')).status).toBe(403);
    expect((await decide('carol', 'orders-prod', 'approve', 'ours')).status).toBe(403);
    expectFieldError(await expectProblem(await decide('alice', 'orders-prod', 'approve', ' '), 422), '/reason');
    const approved = await json<RequestView>(await decide('alice', 'orders-prod', 'approve', 'capacity reviewed'));
    expect(approved.status.approval?.decision).toEqual({ by: 'user:default/alice', reason: 'capacity reviewed', at: expect.any(String) });
    await pave.app.platform.reconciler.drain();
    const ready = await view('orders-prod');
    expect(ready.status.phase).toBe('Ready');
    expect(ready.status.approval).toMatchObject({ state: 'Approved', decision: { by: 'user:default/alice' } });

    const audit = await pave.app.store.db.selectFrom('audit_log').select(['actor', 'action']).where('entity_ref', '=', 'resource:checkout-team/orders-prod').orderBy('at').execute();
    expect(audit).toEqual([
      { actor: 'user:default/bob', action: 'platform.request.create' },
      { actor: 'user:default/alice', action: 'platform.approval.decide' },
    ]);
    const events = await pave.app.store.db.selectFrom('events').select(['type', 'payload']).where('subject', '=', 'resource:checkout-team/orders-prod').where('type', '=', 'platform.request.phase-changed').orderBy('seq').execute();
    expect(events.map(e => JSON.parse(e.payload as string)).slice(0, 2)).toEqual([
      expect.objectContaining({ phase: 'PendingApproval', reason: 'ApprovalRequired', approvers: ['group:default/platform-team'] }),
      expect.objectContaining({ phase: 'Pending', reason: 'Approved', by: 'user:default/alice' }),
    ]);
  });

  it("asks the binding's group too, and a rejected generation is not rendered", async () => {
    const large = await json<{ request: RequestView }>(await send('bob', 'POST', '/api/platform/requests', request('orders-prod', { environment: 'prod', size: 'large' })), 200);
    expect(large.request.metadata.generation).toBe(2);
    expect(large.request.status.approval).toMatchObject({ generation: 2, state: 'Pending', approvers: ['group:default/platform-team', 'group:default/checkout-payments'] });
    expect(large.request.status.approval?.because[1]).toBe('the binding of db by group:default/checkout-team asks group:default/checkout-payments to approve requests where /spec/size is one of "large", "huge"');

    const rejected = await json<RequestView>(await decide('carol', 'orders-prod', 'reject', 'too big for checkout'));
    expect(rejected.status.phase).toBe('Rejected');
    expect((await decide('alice', 'orders-prod', 'approve', 'late')).status).toBe(409);
    await pave.app.platform.reconciler.drain();
    const after = await view('orders-prod');
    expect(after.status).toMatchObject({ phase: 'Rejected', observedGeneration: 1 });
  });

  it('decides and extends from the CLI', async () => {
    await json(await send('bob', 'POST', '/api/platform/requests', request('billing-prod', { environment: 'prod' })), 201);
    const cwd = await mkdtemp(join(tmpdir(), 'pave-approve-cli-'));
    const approved = await runCli(['platform', 'approve', 'request', 'checkout-team/billing-prod', '--reason', 'billing goes live'], { cwd, env: { PAVE_SERVER: pave.url, PAVE_TOKEN: tokens.alice! } });
    expect(approved.stdout.trim()).toBe('checkout-team/billing-prod generation 1: Pending — approved by user:default/alice: billing goes live');
    const extended = await runCli(['platform', 'extend', 'checkout-team/billing-prod', '--ttl', '3d'], { cwd, env: { PAVE_SERVER: pave.url, PAVE_TOKEN: tokens.bob! } });
    expect(extended.stdout.trim()).toBe(`checkout-team/billing-prod expires at ${(await view('billing-prod')).status.expiresAt}`);
    const wrong = await runCli(['platform', 'approve', 'nothing', 'checkout-team/billing-prod', '--reason', 'x'], { cwd, env: { PAVE_SERVER: pave.url, PAVE_TOKEN: tokens.alice! } });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/^error: Say what to approve: binding or request \(got nothing\)/);
  });
});
