import { afterEach, describe, expect, it } from 'vitest';
import { OPERATOR, startHarness, type Harness } from './support/platform-harness.js';

const teamNamespace = (name: string, namespace: string, annotations?: Record<string, string>) => ({
  apiVersion: 'teams.pave.dev/v1alpha1',
  kind: 'TeamNamespace',
  metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
  spec: { environment: 'dev' },
});

/** Who owns a request: decided by Pave (configuration, then the catalog), stored at creation, kept after. */
describe('request ownership', { timeout: 60_000 }, () => {
  let h: Harness | undefined;
  let later: Harness | undefined;
  afterEach(async () => {
    await later?.close();
    await h?.close();
    h = later = undefined;
  });

  it('takes a namespace’s owner from platform.namespaceOwners before the catalog, and keeps it once stored', async () => {
    h = await startHarness({ platform: { namespaceOwners: { ops: 'checkout-team', 'storefront-team': 'group:default/team-a' } } });
    await h.app.platform.applyRequest(teamNamespace('ops-ns', 'ops'), OPERATOR);
    await h.app.platform.applyRequest(teamNamespace('web-ns', 'storefront-team'), OPERATOR);
    expect(await h.app.platform.requestOwner('ops', 'ops-ns')).toBe('group:default/checkout-team');
    expect(await h.app.platform.requestOwner('storefront-team', 'web-ns')).toBe('group:default/team-a');
    await h.app.eventConsumers.drain();
    expect((await h.app.catalog.entities.byRef('resource:ops/ops-ns'))?.spec?.owner).toBe('group:default/checkout-team');

    // The same store under another mapping: requests keep the owner decided when they were made.
    later = await startHarness({ dataDir: h.dataDir, publish: false, platform: { namespaceOwners: { ops: 'group:default/load-team' } } });
    expect(await later.app.platform.requestOwner('ops', 'ops-ns')).toBe('group:default/checkout-team');
    expect(await later.app.platform.requestOwner('ops', 'a-new-one')).toBe('group:default/load-team');
    await later.app.platform.applyRequest({ ...teamNamespace('ops-ns', 'ops'), spec: { environment: 'dev', quota: { cpu: '8' } } }, OPERATOR);
    expect((await later.app.platform.getRequest('ops', 'ops-ns')).metadata.generation).toBe(2);
    expect(await later.app.platform.requestOwner('ops', 'ops-ns')).toBe('group:default/checkout-team');
  });

  it('owns a request stored before owners were kept by its namespace’s team, never by its old annotation', async () => {
    h = await startHarness();
    await h.app.platform.applyRequest(teamNamespace('legacy-ns', 'storefront-team'), OPERATOR);
    // As such a row looks: no owner, and an annotation anyone could have written.
    const forged = teamNamespace('legacy-ns', 'storefront-team', { 'pave.dev/owner': 'group:default/checkout-team' });
    await h.app.store.db.updateTable('platform_requests').set({ owner: null, body: JSON.stringify(forged) }).where('name', '=', 'legacy-ns').execute();
    expect(await h.app.platform.requestOwner('storefront-team', 'legacy-ns')).toBe('group:default/storefront-team');
    // Applied again (without the claim), it gets its owner stored.
    await h.app.platform.applyRequest(teamNamespace('legacy-ns', 'storefront-team'), OPERATOR);
    const row = await h.app.store.db.selectFrom('platform_requests').select(['owner', 'body']).where('name', '=', 'legacy-ns').executeTakeFirstOrThrow();
    expect(row.owner).toBe('group:default/storefront-team');
    expect(JSON.parse(row.body).metadata.annotations).toBeUndefined();
  });
});
