/**
 * Bindings per team over real HTTP with auth on: a capability offered to listed teams or all, bound
 * self-service or on approval by its owner, the version channel a team's requests follow, and the tenancy
 * matrix (team A cannot request in B's namespace, cannot request a capability it has not bound, and reads
 * B's requests only where the rules say so).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDocuments } from '../../src/platform/document-files.js';
import { packageRoot } from '../../src/core/package-root.js';
import { bearer, startAuthPave, tokenFor, type AuthPave } from '../auth/support.js';
import { expectFieldError, expectProblem, json } from '../api/support.js';
import { runCli } from '../support/run-cli.js';
import { OPERATOR } from './support/platform-harness.js';

const capability = (name: string, kind: string, version: string, offer?: Record<string, unknown>) => ({
  apiVersion: 'pave.dev/v1alpha1',
  kind: 'Capability',
  metadata: { name },
  spec: {
    version,
    owner: 'platform-team',
    api: { group: 'bindings.pave.dev', version: 'v1', kind, schema: { type: 'object', properties: { size: { type: 'string' } } } },
    workflows: { configure: [{ name: 'note', type: 'template', message: 'configured' }] },
    ...(offer ? { offer } : {}),
  },
});
const request = (kind: string, name: string, namespace: string, spec: Record<string, unknown> = {}) => ({ apiVersion: 'bindings.pave.dev/v1', kind, metadata: { name, namespace }, spec });
const binding = (namespace: string, capabilityName: string, version?: string) => ({
  apiVersion: 'pave.dev/v1alpha1',
  kind: 'CapabilityBinding',
  metadata: { namespace },
  spec: { capability: capabilityName, ...(version ? { version } : {}) },
});

describe('bindings per team', { timeout: 60_000 }, () => {
  let pave: AuthPave;
  const tokens: Record<string, string> = {};
  const send = (who: string, method: string, path: string, body?: unknown) =>
    fetch(pave.url + path, { method, headers: { ...bearer(tokens[who]!), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  beforeAll(async () => {
    pave = await startAuthPave({
      // Nobody here is an admin: alice is in the platform team (capability owner), bob in checkout-team, sam in storefront-team.
      auth: {
        adminGroup: 'group:default/admins',
        rules: [{ id: 'storefront-reads-own', description: 'storefront people do not read checkout requests', effect: 'deny', actions: ['platform.request.read'], subjects: ['group:default/storefront-team'], resource: { owners: ['group:default/checkout-team'] } }],
      },
    });
    await pave.app.catalog.saveEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'storefront-team' }, spec: { type: 'team', children: [] } });
    await pave.app.catalog.saveEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'sam' }, spec: { memberOf: ['storefront-team'] } });
    for (const name of ['alice', 'bob', 'sam']) tokens[name] = await tokenFor(pave.app, `user:default/${name}`);
    for (const document of await readDocuments(join(packageRoot(), 'demo/platform/capabilities/team-namespace.yaml'))) await pave.app.platform.publishCapability(document, OPERATOR);
    await pave.app.platform.publishCapability(capability('cache', 'Cache', '1.0.0', { to: ['checkout-team'], binding: 'self-service' }), OPERATOR);
    await pave.app.platform.publishCapability(capability('vault', 'Vault', '1.0.0', { to: 'all', binding: 'approval' }), OPERATOR);
  });
  afterAll(async () => pave?.close());

  it('keeps the tenancy matrix: own namespace only, bound capabilities only, reads as the rules say', async () => {
    // An open capability (no offer) is requested without a binding, as before bindings.
    expect((await send('sam', 'POST', '/api/platform/requests', { apiVersion: 'teams.pave.dev/v1alpha1', kind: 'TeamNamespace', metadata: { name: 'shop-ns', namespace: 'storefront-team' }, spec: {} })).status).toBe(201);

    // cache is offered to checkout-team only.
    const notOffered = await expectProblem(await send('sam', 'POST', '/api/platform/bindings', binding('storefront-team', 'cache')), 422);
    expectFieldError(notOffered, '/spec/capability');
    expect(notOffered.errors![0]!.detail).toContain('offered to group:default/checkout-team only');
    // Only a team's owners bind for it.
    expect((await send('bob', 'POST', '/api/platform/bindings', binding('storefront-team', 'cache'))).status).toBe(403);
    const bound = await json<{ binding: { status: { phase: string; team: string } }; outcome: string }>(await send('bob', 'POST', '/api/platform/bindings', binding('checkout-team', 'cache')), 201);
    expect(bound.binding.status).toEqual({ phase: 'Bound', team: 'group:default/checkout-team' });

    expect((await send('bob', 'POST', '/api/platform/requests', request('Cache', 'carts', 'checkout-team'))).status).toBe(201);
    // Not in another team's namespace…
    expect((await send('bob', 'POST', '/api/platform/requests', request('Cache', 'carts', 'storefront-team'))).status).toBe(403);
    // …and not a capability the team has not bound: refused naming the binding rule.
    const unbound = await expectProblem(await send('sam', 'POST', '/api/platform/requests', request('Cache', 'shop-cache', 'storefront-team')), 422);
    expectFieldError(unbound, '/kind');
    expect(unbound.errors![0]).toMatchObject({ rule: 'binding' });
    expect(unbound.errors![0]!.detail).toContain('the binding rule');
    expect(await pave.app.platform.requests.byName('storefront-team', 'shop-cache')).toBeUndefined();

    // Reads follow the rules: storefront may not read checkout's requests here; checkout reads storefront's.
    expect((await send('sam', 'GET', '/api/platform/requests/checkout-team/carts')).status).toBe(403);
    expect((await send('bob', 'GET', '/api/platform/requests/storefront-team/shop-ns')).status).toBe(200);
    const seenBySam = await json<{ items: Array<{ metadata: { name: string } }> }>(await send('sam', 'GET', '/api/platform/requests'));
    expect(seenBySam.items.map(r => r.metadata.name)).toEqual(['shop-ns']);

    // A team does not unbind what it still requests.
    expect((await send('bob', 'DELETE', '/api/platform/bindings/checkout-team/cache')).status).toBe(409);
  });

  it('binds on approval by the capability owner, with a reason, audited and shown in the catalog', async () => {
    const waiting = await json<{ binding: { status: { phase: string; approvers: string[] } } }>(await send('bob', 'POST', '/api/platform/bindings', binding('checkout-team', 'vault')), 201);
    expect(waiting.binding.status).toMatchObject({ phase: 'PendingApproval', approvers: ['group:default/platform-team'] });
    const early = await expectProblem(await send('bob', 'POST', '/api/platform/requests', request('Vault', 'secrets', 'checkout-team')), 422);
    expect(early.errors![0]!.detail).toContain('PendingApproval (approvers: group:default/platform-team)');

    // Not by the team itself, nor without a reason.
    expect((await send('bob', 'POST', '/api/platform/bindings/checkout-team/vault/decision', { decision: 'approve', reason: 'mine' })).status).toBe(403);
    expectFieldError(await expectProblem(await send('alice', 'POST', '/api/platform/bindings/checkout-team/vault/decision', { decision: 'approve', reason: '  ' }), 422), '/reason');
    const approved = await json<{ status: { phase: string; decision: { by: string; reason: string } } }>(
      await send('alice', 'POST', '/api/platform/bindings/checkout-team/vault/decision', { decision: 'approve', reason: 'checkout needs secrets' }),
    );
    expect(approved.status).toMatchObject({ phase: 'Bound', decision: { by: 'user:default/alice', reason: 'checkout needs secrets' } });
    expect((await send('alice', 'POST', '/api/platform/bindings/checkout-team/vault/decision', { decision: 'reject', reason: 'again' })).status).toBe(409);
    expect((await send('bob', 'POST', '/api/platform/requests', request('Vault', 'secrets', 'checkout-team'))).status).toBe(201);

    const audit = await pave.app.store.db.selectFrom('audit_log').select(['actor', 'action']).where('entity_ref', '=', 'capabilitybinding:checkout-team/vault').orderBy('at').execute();
    expect(audit).toEqual([
      { actor: 'user:default/bob', action: 'platform.binding.create' },
      { actor: 'user:default/alice', action: 'platform.binding.approve' },
    ]);
    await pave.app.eventConsumers.drain();
    const entity = await pave.app.catalog.entities.byRef('capabilitybinding:checkout-team/vault');
    expect(entity?.spec).toMatchObject({ owner: 'group:default/checkout-team', capability: 'capability:default/vault', phase: 'Bound' });
    expect(entity?.relations).toContainEqual(expect.objectContaining({ type: 'ownedBy', targetRef: 'group:default/checkout-team' }));
  });

  it('points the requests without a pin of their own at the binding’s version channel', async () => {
    await pave.app.platform.publishCapability(capability('cache', 'Cache', '1.1.0', { to: ['checkout-team'], binding: 'self-service' }), OPERATOR);
    expect((await send('bob', 'POST', '/api/platform/bindings', binding('checkout-team', 'cache', '1.0.0'))).status).toBe(200);
    expect((await pave.app.platform.requests.byName('checkout-team', 'carts'))?.pinnedVersion).toBe('1.0.0');
    const pinned = request('Cache', 'pinned', 'checkout-team');
    await json(await send('bob', 'POST', '/api/platform/requests', { ...pinned, metadata: { ...pinned.metadata, annotations: { 'pave.dev/capability-version': '1.1.0' } } }), 201);
    await json(await send('bob', 'POST', '/api/platform/bindings', binding('checkout-team', 'cache', '^1')));
    expect((await pave.app.platform.requests.byName('checkout-team', 'carts'))?.pinnedVersion).toBe('^1');
    expect((await pave.app.platform.requests.byName('checkout-team', 'pinned'))?.pinnedVersion).toBe('1.1.0');
    expectFieldError(await expectProblem(await send('bob', 'POST', '/api/platform/bindings', binding('checkout-team', 'cache', '^7')), 422), '/spec/version');
  });

  it('removes the bindings of a deleted capability, in the catalog too', async () => {
    await pave.app.platform.publishCapability(capability('scratch', 'Scratch', '1.0.0', { to: 'all', binding: 'self-service' }), OPERATOR);
    await json(await send('bob', 'POST', '/api/platform/bindings', binding('checkout-team', 'scratch')), 201);
    await pave.app.eventConsumers.drain();
    expect(await pave.app.catalog.entities.byRef('capabilitybinding:checkout-team/scratch')).toBeDefined();
    await pave.app.platform.deleteCapability('scratch', OPERATOR);
    expect(await pave.app.platform.bindings.list({ capability: 'scratch' })).toEqual([]);
    await pave.app.eventConsumers.drain();
    expect(await pave.app.catalog.entities.byRef('capabilitybinding:checkout-team/scratch')).toBeUndefined();
  });

  it('binds, lists and decides from the CLI; bad input names the field and exits non-zero', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'pave-bind-cli-'));
    const as = (who: string) => ({ cwd, env: { PAVE_SERVER: pave.url, PAVE_TOKEN: tokens[who]! } });
    const bind = await runCli(['platform', 'bind', 'vault', '--team', 'storefront-team'], as('sam'));
    expect(bind.stdout.trim()).toBe('created binding storefront-team/vault on the newest version: PendingApproval — waiting for group:default/platform-team');
    const rejected = await runCli(['--json', 'platform', 'reject', 'binding', 'storefront-team/vault', '--reason', 'use the shared vault'], as('alice'));
    expect(JSON.parse(rejected.stdout).status).toMatchObject({ phase: 'Rejected', decision: { by: 'user:default/alice', reason: 'use the shared vault' } });
    const listed = await runCli(['platform', 'bindings', '--team', 'storefront-team'], as('sam'));
    expect(listed.stdout).toMatch(/storefront-team\s+vault\s+newest\s+Rejected\s+user:default\/alice/);
    const bad = await runCli(['platform', 'bind', 'cache', '--team', 'storefront-team'], as('sam'));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/^error: cache is not offered to group:default\/storefront-team\n {2}\/spec\/capability: is offered to group:default\/checkout-team only/);
  });
});
