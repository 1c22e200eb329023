/**
 * Attacks on the request actions answer (SECURITY.md §26): `GET /api/platform/requests/:ns/:name/actions` tells
 * nothing about a request the caller may not read, and what it offers is what the acting routes allow — a
 * button it hides would be refused, a button it shows is not refused by a rule it ignored.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDocuments } from '../../src/platform/document-files.js';
import { packageRoot } from '../../src/core/package-root.js';
import { bearer, startAuthPave, tokenFor, type AuthPave } from '../auth/support.js';
import { expectProblem, json } from '../api/support.js';
import { OPERATOR } from '../platform/support/platform-harness.js';

describe('the request actions answer cannot be turned into a way to learn or do more', { timeout: 90_000 }, () => {
  let pave: AuthPave;
  const tokens: Record<string, string> = {};
  const call = (who: string, method: string, path: string, body?: unknown) =>
    fetch(pave.url + path, { method, headers: { ...bearer(tokens[who]!), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  beforeAll(async () => {
    pave = await startAuthPave({
      auth: {
        rules: [
          { id: 'hide-platform-requests', description: 'bob does not see the platform team’s requests', effect: 'deny', actions: ['platform.request.read'], subjects: ['user:default/bob'], resource: { owners: ['group:default/platform-team'] } },
          { id: 'keep-prod', description: 'Production namespaces stay', effect: 'deny', actions: ['platform.request.delete'], subjects: ['group:default/checkout-team'], input: [{ pointer: '/spec/environment', equals: 'prod' }] },
        ],
      },
    });
    for (const name of ['bob']) tokens[name] = await tokenFor(pave.app, `user:default/${name}`);
    for (const document of await readDocuments(join(packageRoot(), 'demo/platform/capabilities/team-namespace.yaml'))) await pave.app.platform.publishCapability(document, OPERATOR);
    const space = (name: string, namespace: string, environment: string) => ({ apiVersion: 'teams.pave.dev/v1alpha1', kind: 'TeamNamespace', metadata: { name, namespace }, spec: { environment } });
    await pave.app.platform.applyRequest(space('hidden', 'platform-team', 'dev'), OPERATOR);
    await pave.app.platform.applyRequest(space('cart-prod', 'checkout-team', 'prod'), OPERATOR);
  });
  afterAll(async () => pave?.close());

  it("answers 403 for a request the caller may not read, as reading it does", async () => {
    const refused = await expectProblem(await call('bob', 'GET', '/api/platform/requests/platform-team/hidden/actions'), 403);
    expect(JSON.stringify(refused)).not.toMatch(/"delete"|"extend"|"decide"/);
    await expectProblem(await call('bob', 'GET', '/api/platform/requests/platform-team/hidden'), 403);
  });

  it('judges the request’s document as the delete route does: a hidden Delete button is a refused delete', async () => {
    const actions = await json<{ delete: boolean; extend: boolean; decide: boolean }>(await call('bob', 'GET', '/api/platform/requests/checkout-team/cart-prod/actions'));
    expect(actions).toEqual({ delete: false, extend: true, decide: false });
    const denied = await expectProblem(await call('bob', 'DELETE', '/api/platform/requests/checkout-team/cart-prod'), 403);
    expect(denied.detail).toMatch(/keep-prod/);
  });
});
