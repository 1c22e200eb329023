/**
 * Attacks on /metrics: reading it without the scrape token or the permission, guessing the token, and
 * looking in it for what must never be there (the token, API tokens, names of entities in a namespace the
 * reader could not see). Real server on 127.0.0.1 with auth on and the default policy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startAuthPave, tokenFor, type AuthPave } from '../auth/support.js';
import { defaultOperationsConfig } from '../../src/operations/operations-config.js';
import { createMetricsServer } from '../../src/api/routes/operations-routes.js';

const SCRAPE_TOKEN = 'scrape-token-0123456789abcdef';
let pave: AuthPave;
let adminToken: string;
let daveToken: string;

beforeAll(async () => {
  pave = await startAuthPave({ config: { operations: { ...defaultOperationsConfig(), metrics: { enabled: true, token: SCRAPE_TOKEN } } } });
  adminToken = await tokenFor(pave.app, 'user:default/alice'); // platform-team: the admin group
  daveToken = await tokenFor(pave.app, 'user:default/dave'); // in no group
  await pave.app.catalog.saveEntity({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'classified-merger-tool', namespace: 'secret-deals' },
    spec: { type: 'service', lifecycle: 'experimental', owner: 'group:default/platform-team' },
  });
});
afterAll(() => pave.close());

const metrics = (headers: Record<string, string> = {}) => fetch(`${pave.url}/metrics`, { headers });

describe('/metrics access', () => {
  it('refuses a caller with no credentials with a 401 problem', async () => {
    const response = await metrics();
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 401, action: 'operations.metrics.read' });
  });

  it('refuses a wrong scrape token, a token one character short, and a malformed header', async () => {
    for (const headers of [bearer('scrape-token-0123456789abcdeX'), bearer(SCRAPE_TOKEN.slice(0, -1)), { authorization: SCRAPE_TOKEN }, { authorization: `Basic ${SCRAPE_TOKEN}` }]) {
      expect((await metrics(headers)).status).toBe(401);
    }
  });

  it('refuses a signed-in user the rules do not allow operations.metrics.read', async () => {
    const response = await metrics(bearer(daveToken));
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ status: 403, action: 'operations.metrics.read' });
  });

  it('answers the scrape token and an admin', async () => {
    expect((await metrics(bearer(SCRAPE_TOKEN))).status).toBe(200);
    expect((await metrics(bearer(adminToken))).status).toBe(200);
  });
});

describe('/metrics content', () => {
  it('holds no secret and no name of an entity, namespace or user, whatever was asked for', async () => {
    await fetch(`${pave.url}/api/catalog/entities/by-name/component/secret-deals/classified-merger-tool`, { headers: bearer(adminToken) });
    await fetch(`${pave.url}/api/catalog/entities/by-name/component/secret-deals/classified-merger-tool`, { headers: bearer(daveToken) });
    await fetch(`${pave.url}/api/catalog/entities?filter=metadata.namespace=secret-deals`, { headers: bearer(adminToken) });
    await fetch(`${pave.url}/no-such-page/secret-deals/${'x'.repeat(50)}`);
    const text = await (await metrics(bearer(SCRAPE_TOKEN))).text();
    expect(text).toContain('pave_http_requests_total{method="GET",route="/api/catalog/entities/by-name/:kind/:namespace/:name",status="200"}');
    expect(text).toContain('pave_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toContain('pave_catalog_entities{kind="component"}');
    for (const secret of ['classified-merger-tool', 'secret-deals', 'no-such-page', 'alice', 'dave', SCRAPE_TOKEN, adminToken, daveToken]) expect(text).not.toContain(secret);
  });
});

describe('/metrics on its own port (operations.metrics.port)', () => {
  it('is not served on the main port, and the metrics port still wants the token when one is set', async () => {
    const apart = await startAuthPave({ seed: false, config: { operations: { ...defaultOperationsConfig(), metrics: { enabled: true, token: SCRAPE_TOKEN, port: 0 } } } });
    const metricsServer = await createMetricsServer(apart.app.operations);
    try {
      const url = await metricsServer.listen({ host: '127.0.0.1', port: 0 });
      expect((await fetch(`${apart.url}/metrics`, { headers: bearer(SCRAPE_TOKEN) })).status).toBe(404);
      const refused = await fetch(`${url}/metrics`, { headers: bearer('scrape-token-wrong-wrong-wrong') });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ status: 401 });
      const answered = await fetch(`${url}/metrics`, { headers: bearer(SCRAPE_TOKEN) });
      expect(answered.status).toBe(200);
      expect(await answered.text()).toContain('# TYPE pave_http_requests_total counter');
      expect((await fetch(`${url}/api/catalog/entities`)).status).toBe(404);
    } finally {
      await metricsServer.close();
      await apart.close();
    }
  });
});
