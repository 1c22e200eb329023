/**
 * Attacks on Score workloads (SECURITY.md, Score workloads): a Score file is no way around the request rules —
 * not into another team's namespace, not past a rule that judges a request's document, not to a capability the
 * team has not bound, not to delete a request the caller may not delete by leaving its resource out — and a
 * refused file writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/package-root.js';
import { readDocuments } from '../../src/platform/document-files.js';
import { bearer, startAuthPave, tokenFor, type AuthPave } from '../auth/support.js';
import { expectFieldError, expectProblem, json } from '../api/support.js';
import { OPERATOR } from '../platform/support/platform-harness.js';
import { WORKLOAD_API } from '../../src/platform/score/workload-capability.js';

const score = (resources: Record<string, unknown>) => ({
  apiVersion: 'score.dev/v1b1',
  metadata: { name: 'ledger' },
  containers: { api: { image: 'ghcr.io/acme/ledger:1.0.0', variables: { DB: '${resources.db.host}' } } },
  resources,
});

describe('Score workloads cannot get around the request rules', { timeout: 90_000 }, () => {
  let pave: AuthPave;
  let bob: string;
  const post = (path: string, body: unknown) => fetch(pave.url + path, { method: 'POST', headers: { ...bearer(bob), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const created = async () => (await pave.app.platform.listRequests()).map(r => `${r.metadata.namespace}/${r.metadata.name}`);

  beforeAll(async () => {
    pave = await startAuthPave({
      auth: {
        rules: [
          { id: 'ledger-keep-stays', description: 'The ledger archive is kept', effect: 'deny', actions: ['platform.request.delete'], subjects: ['group:default/checkout-team'], input: [{ pointer: '/metadata/name', equals: 'ledger-keep' }] },
          { id: 'no-prod-by-hand', description: 'Production databases go through the platform team', effect: 'deny', actions: ['platform.request.create'], subjects: ['group:default/checkout-team'], input: [{ pointer: '/spec/environment', equals: 'prod' }] },
        ],
      },
    });
    bob = await tokenFor(pave.app, 'user:default/bob');
    for (const document of await readDocuments(join(packageRoot(), 'demo/platform/capabilities/postgresql.yaml'))) await pave.app.platform.publishCapability(document, OPERATOR);
    await pave.app.platform.publishCapability(
      {
        apiVersion: 'pave.dev/v1alpha1',
        kind: 'Capability',
        metadata: { name: 'vault' },
        spec: { version: '1.0.0', api: { group: 'secrets.pave.dev', version: 'v1', kind: 'Vault', schema: { type: 'object' } }, workflows: { configure: [{ name: 'note', type: 'template', message: 'ok' }] }, offer: { to: ['platform-team'], binding: 'self-service' }, provides: [{ type: 'vault' }] },
      },
      OPERATOR,
    );
  });
  afterAll(async () => pave?.close());

  it("refuses another team's namespace, a rule on a generated request's document, and an unbound capability", async () => {
    const db = { db: { type: 'postgres' } };
    // bob is in checkout-team, not in platform-team.
    await expectProblem(await post('/api/platform/score/apply', { score: score(db), namespace: 'platform-team' }), 403);
    // The rule judges each request the file makes: the environment makes the database's spec say prod.
    const prod = await expectProblem(await post('/api/platform/score/apply', { score: score(db), namespace: 'checkout-team', environment: 'prod' }), 403);
    expect(prod.detail).toMatch(/no-prod-by-hand/);
    // A capability offered to another team only is refused at the resource, naming the binding rule.
    const unbound = await expectProblem(await post('/api/platform/score/apply', { score: score({ ...db, secrets: { type: 'vault' } }), namespace: 'checkout-team' }), 422);
    expectFieldError(unbound, '/score/resources/secrets/type');
    expect(unbound.errors!.find(e => e.pointer === '/score/resources/secrets/type')).toMatchObject({ rule: 'binding' });
    expect(await created()).toEqual([]);

    // What is allowed goes through, audited as bob.
    const applied = await json<{ workload: { outcome: string } }>(await post('/api/platform/score/apply', { score: score(db), namespace: 'checkout-team', environment: 'dev' }), 200);
    expect(applied.workload.outcome).toBe('created');
    expect((await created()).sort()).toEqual(['checkout-team/ledger', 'checkout-team/ledger-db']);
    const { items } = await pave.app.audit.query({ action: 'platform.request.create', entityRef: 'resource:checkout-team/ledger-db' });
    expect(items[0]!.actor).toBe('user:default/bob');
  });

  it('removing a resource from the file deletes its request only where the caller may delete it; refused, nothing changes', async () => {
    const apply = (resources: Record<string, unknown>) => post('/api/platform/score/apply', { score: score(resources), namespace: 'checkout-team', environment: 'dev' });
    await json(await apply({ db: { type: 'postgres' }, keep: { type: 'postgres' }, spare: { type: 'postgres' } }), 200);
    const denied = await expectProblem(await apply({ db: { type: 'postgres' }, spare: { type: 'postgres' } }), 403);
    expect(denied.detail).toMatch(/ledger-keep-stays/);
    expect((await pave.app.platform.getRequest('checkout-team', 'ledger-keep')).status.phase).not.toBe('Deleting');
    expect((await pave.app.audit.query({ action: 'platform.request.delete' })).items).toEqual([]);
    // Removing a request the caller may delete goes through, audited as bob.
    await json(await apply({ db: { type: 'postgres' }, keep: { type: 'postgres' } }), 200);
    expect((await pave.app.platform.getRequest('checkout-team', 'ledger-spare')).status.phase).toBe('Deleting');
    const { items } = await pave.app.audit.query({ action: 'platform.request.delete' });
    expect(items.map(item => [item.entityRef, item.actor])).toEqual([['resource:checkout-team/ledger-spare', 'user:default/bob']]);
  });

  it("a workload request written by hand cannot mount the node: a volume's source is another request's output or the namespace's own storage", async () => {
    await json(await post('/api/platform/score/apply', { score: { ...score({ db: { type: 'postgres' } }), metadata: { name: 'reader' } }, namespace: 'checkout-team', environment: 'dev' }), 200);
    const volume = (name: string, source: unknown) => ({
      apiVersion: `${WORKLOAD_API.group}/${WORKLOAD_API.version}`,
      kind: WORKLOAD_API.kind,
      metadata: { name, namespace: 'checkout-team' },
      spec: { containers: { api: { image: 'ghcr.io/acme/reader:1.0.0', volumes: [{ source, target: '/host' }] } } },
    });
    const attacks = [{ hostPath: { path: '/' } }, { nfs: { server: 'attacker.example', path: '/' } }, { persistentVolumeClaim: { claimName: 'data' }, hostPath: { path: '/' } }, '/'];
    for (const source of attacks) {
      const refused = await expectProblem(await post('/api/platform/requests', volume('node-reader', source)), 422);
      expectFieldError(refused, '/spec/containers/api/volumes/0/source');
    }
    expect(await created()).not.toContain('checkout-team/node-reader');
    // A reference is checked once resolved (src/platform/model/references.ts): the same schema then holds the output.
    // The namespace's own storage is what a pod of the team could mount anyway.
    expect((await post('/api/platform/requests', volume('claim-reader', { persistentVolumeClaim: { claimName: 'data' } }))).status).toBe(201);
  });
});
