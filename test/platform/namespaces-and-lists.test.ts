/**
 * One owner rule for platform requests, seen through the API: `GET /api/platform/namespaces` says which team
 * owns each namespace and where the caller may request (what the portal's form offers), and the request list
 * applies the same read rule as a single request's route.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDocuments } from '../../src/platform/document-files.js';
import { packageRoot } from '../../src/core/package-root.js';
import { defaultConfig } from '../../src/pave-config.js';
import { bearer, startAuthPave, tokenFor, type AuthPave } from '../auth/support.js';
import { json } from '../api/support.js';
import { OPERATOR } from './support/platform-harness.js';

const request = (name: string, namespace: string) => ({ apiVersion: 'teams.pave.dev/v1alpha1', kind: 'TeamNamespace', metadata: { name, namespace }, spec: { environment: 'dev' } });

describe('namespaces and lists of requests', () => {
  let pave: AuthPave;
  const tokens: Record<string, string> = {};
  const get = async <T>(who: string, path: string) => json<T>(await fetch(pave.url + path, { headers: bearer(tokens[who]!) }));

  beforeAll(async () => {
    pave = await startAuthPave({
      auth: {
        rules: [
          { id: 'hide-platform-requests', description: 'bob does not see the platform team’s requests', effect: 'deny', actions: ['platform.request.read'], subjects: ['user:default/bob'], resource: { owners: ['group:default/platform-team'] } },
        ],
      },
      config: { platform: { ...defaultConfig().platform, namespaceOwners: { ops: 'platform-team' } } },
    });
    for (const name of ['alice', 'bob']) tokens[name] = await tokenFor(pave.app, `user:default/${name}`);
    for (const document of await readDocuments(join(packageRoot(), 'demo/platform/capabilities/team-namespace.yaml'))) await pave.app.platform.publishCapability(document, OPERATOR);
    await pave.app.platform.applyRequest(request('cart-space', 'checkout-team'), OPERATOR);
    await pave.app.platform.applyRequest(request('ops-space', 'ops'), OPERATOR);
  });
  afterAll(async () => pave?.close());

  it('lists each namespace with its owning team, and where the caller may request', async () => {
    const { items } = await get<{ items: Array<{ namespace: string; owner: string; mayRequest: boolean; mayBind: boolean }> }>('bob', '/api/platform/namespaces');
    expect(items).toContainEqual({ namespace: 'ops', owner: 'group:default/platform-team', mayRequest: false, mayBind: false });
    expect(items).toContainEqual({ namespace: 'checkout-team', owner: 'group:default/checkout-team', mayRequest: true, mayBind: true });
    expect(items).toContainEqual({ namespace: 'platform-team', owner: 'group:default/platform-team', mayRequest: false, mayBind: false });
    // An admin may request anywhere, and bind for every team.
    const admin = await get<{ items: Array<{ mayRequest: boolean; mayBind: boolean }> }>('alice', '/api/platform/namespaces');
    expect(admin.items.every(ns => ns.mayRequest && ns.mayBind)).toBe(true);
  });

  it("says what the caller may do with a request (the portal's buttons), as the acting routes decide", async () => {
    const actions = (who: string, path: string) => get<{ delete: boolean; extend: boolean; decide: boolean }>(who, `/api/platform/requests/${path}/actions`);
    // bob's team owns it: he may delete and extend it; nothing waits for his approval.
    expect(await actions('bob', 'checkout-team/cart-space')).toEqual({ delete: true, extend: true, decide: false });
    expect(await actions('alice', 'ops/ops-space')).toEqual({ delete: true, extend: true, decide: true });
    expect((await fetch(`${pave.url}/api/platform/requests/checkout-team/nothing-here/actions`, { headers: bearer(tokens.bob!) })).status).toBe(404);
  });

  it('leaves out of the list what the caller may not read, as the single request route refuses it', async () => {
    const seen = async (who: string) => (await get<{ items: Array<{ metadata: { name: string }; status: { owner?: string } }> }>(who, '/api/platform/requests')).items.map(r => [r.metadata.name, r.status.owner]);
    expect(await seen('alice')).toEqual([
      ['cart-space', 'group:default/checkout-team'],
      ['ops-space', 'group:default/platform-team'],
    ]);
    expect(await seen('bob')).toEqual([['cart-space', 'group:default/checkout-team']]);
    expect((await fetch(`${pave.url}/api/platform/requests/ops/ops-space`, { headers: bearer(tokens.bob!) })).status).toBe(403);
  });
});
