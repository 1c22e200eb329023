import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDeliveryConfig } from '../../src/delivery/delivery-config.js';
import { SECRETS, get, hmac, post, startDeliveryPave, startGuardedDeliveryPave, storedEvents, type DeliveryPave } from '../delivery/support.js';
import { bearer } from '../auth/support.js';
import '../../src/delivery/delivery-tables.js';

/**
 * The delivery boundary (SECURITY.md, "Delivery events in"): provider webhooks are public routes whose only
 * credential is the provider's signature, so a wrong or missing one stores nothing; bodies are bounded;
 * figures and deployments cover only what the caller may read; only the platform team sends events.
 */
let pave: DeliveryPave;
let bob: string;
let alice: string;

beforeAll(async () => {
  ({ pave, bob, alice } = await startGuardedDeliveryPave(
    { id: 'ops-delivery-private', description: "ops-team's delivery is theirs", effect: 'deny', actions: ['delivery.*'], subjects: ['group:default/shop-team'], resource: { owners: ['group:default/ops-team'] } },
    { ...defaultDeliveryConfig(), maxBatch: 5, maxWebhookBytes: 4096, webhooks: { github: SECRETS.github, gitlab: SECRETS.gitlab, argocd: SECRETS.argocd, flux: SECRETS.flux, pagerduty: SECRETS.pagerduty } },
  ));
  const events = ['cart', 'ledger'].map((name, i) => ({ id: `seed-${i}`, type: 'deployment', at: '2026-03-10T00:00:00Z', entity: `component:default/${name}`, environment: 'production', status: 'success' }));
  expect((await post(`${pave.url}/api/delivery/events`, { events }, bearer(alice))).body.stored).toBe(2);
});
afterAll(async () => pave?.close());

const hook = (provider: string) => `${pave.url}/api/delivery/webhooks/${provider}`;
const GITHUB_PUSH = (JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'acme/cart', default_branch: 'main' }, commits: [{ id: 'a'.repeat(40), timestamp: '2026-03-02T10:00:00Z', message: 'x' }] }));
const PD = JSON.stringify({ event: { id: 'E1', event_type: 'incident.triggered', occurred_at: '2026-03-06T10:00:00Z', data: { id: 'P1', service: { id: 'PSVC01' } } } });
const FLUX = JSON.stringify({ involvedObject: { kind: 'Kustomization', name: 'ledger' }, severity: 'info', reason: 'ReconciliationSucceeded', timestamp: '2026-03-05T10:00:00Z', metadata: { revision: 'main@sha1:' + 'f'.repeat(40) } });
const ARGO = JSON.stringify({ app: 'checkout-prod', phase: 'Succeeded', finishedAt: '2026-03-04T10:00:00Z' });
const GITLAB = JSON.stringify({ object_kind: 'deployment', status: 'success', status_changed_at: '2026-03-03 09:30:00 +0100', deployment_id: 1, environment: 'production', project: { path_with_namespace: 'acme/checkout' } });

describe('delivery webhooks: signatures', () => {
  const forged: Array<[string, string, Record<string, string>]> = [
    ['github', GITHUB_PUSH, { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac('not-the-secret-at-all', GITHUB_PUSH)}` }],
    ['github', GITHUB_PUSH, { 'x-github-event': 'push' }],
    ['github', GITHUB_PUSH, { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac(SECRETS.github, GITHUB_PUSH + ' ')}` }],
    ['gitlab', GITLAB, { 'x-gitlab-token': `${SECRETS.gitlab}x` }],
    ['gitlab', GITLAB, {}],
    ['argocd', ARGO, { authorization: `Bearer ${SECRETS.argocd.slice(0, -1)}` }],
    ['argocd', ARGO, { authorization: SECRETS.argocd }],
    ['flux', FLUX, { 'x-signature': `sha1=${hmac(SECRETS.flux, FLUX)}` }],
    ['flux', FLUX, { 'x-signature': `sha256=${hmac(SECRETS.github, FLUX)}` }],
    ['pagerduty', PD, { 'x-pagerduty-signature': `v0=${hmac(SECRETS.pagerduty, PD)}` }],
    ['pagerduty', PD, { 'x-pagerduty-signature': `v1=${hmac(SECRETS.pagerduty, PD).toUpperCase().slice(1)}` }],
  ];
  for (const [provider, body, headers] of forged) {
    it(`${provider}: ${JSON.stringify(headers).slice(0, 70)} → 401, nothing stored`, async () => {
      const before = await storedEvents(pave.app);
      const answer = await post(hook(provider), body, headers);
      expect(answer.status).toBe(401);
      expect(await storedEvents(pave.app)).toBe(before);
    });
  }

  it('a receiver that is not configured, or no provider at all, is 404 (a body signed with no secret is never taken)', async () => {
    const off = await startDeliveryPave({ config: { delivery: defaultDeliveryConfig() } });
    try {
      expect((await post(`${off.url}/api/delivery/webhooks/github`, GITHUB_PUSH, { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac('', GITHUB_PUSH)}` })).status).toBe(404);
      expect(await storedEvents(off.app)).toBe(0);
    } finally {
      await off.close();
    }
    expect((await post(hook('bitbucket'), '{}')).status).toBe(404);
  });

  it('refuses a body over delivery.maxWebhookBytes with 413 before reading it as JSON, and a batch over maxBatch with 422', async () => {
    const big = JSON.stringify({ ref: 'refs/heads/main', padding: 'x'.repeat(5000) });
    const answer = await post(hook('github'), big, { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac(SECRETS.github, big)}` });
    expect(answer.status).toBe(413);
    const events = Array.from({ length: 6 }, (_, i) => ({ id: `many-${i}`, type: 'change', at: '2026-03-02T10:00:00Z', entity: 'component:default/cart', sha: 'abcdef12' }));
    const batch = await post(`${pave.url}/api/delivery/events`, { events }, bearer(alice));
    expect(batch.status).toBe(422);
    expect(batch.body.errors[0]).toMatchObject({ pointer: '/events', rule: 'maxItems' });
  });
});

describe('delivery reads and writes: permissions and read scope', () => {
  it('needs credentials; only the platform team sends events through the API', async () => {
    expect((await get(`${pave.url}/api/delivery/dora`)).status).toBe(401);
    const denied = await post(`${pave.url}/api/delivery/events`, { events: [] }, bearer(bob));
    expect(denied.status).toBe(403);
    expect(denied.body.action).toBe('delivery.event.write');
    expect((await post(`${pave.url}/api/delivery/mappings`, { key: 'entity', value: 'x', entity: 'component:default/cart' }, bearer(bob))).status).toBe(403);
  });

  it('leaves out of the figures every component the caller may not read, and answers 404 for one asked by name', async () => {
    const org = await get(`${pave.url}/api/delivery/dora?end=2026-03-31T00:00:00Z`, bearer(bob));
    expect(org.status).toBe(200);
    expect(org.body.byComponent.map((c: { entityRef: string }) => c.entityRef).sort()).toEqual(['component:default/cart', 'component:default/checkout']);
    expect(org.body.metrics.deploymentFrequency.deployments).toBe(1);
    expect((await get(`${pave.url}/api/delivery/dora?entity=component:default/ledger`, bearer(bob))).status).toBe(404);
    expect((await get(`${pave.url}/api/delivery/deployments?entity=component:default/ledger`, bearer(bob))).status).toBe(404);
    expect((await get(`${pave.url}/api/delivery/components/${encodeURIComponent('component:default/ledger')}/pull-requests`, bearer(bob))).status).toBe(404);
    expect((await get(`${pave.url}/api/delivery/components/${encodeURIComponent('component:default/cart')}/pull-requests`, bearer(bob))).status).toBe(200);
    const all = await get(`${pave.url}/api/delivery/dora?end=2026-03-31T00:00:00Z`, bearer(alice));
    expect(all.body.metrics.deploymentFrequency.deployments).toBe(2);
    const adoption = await get(`${pave.url}/api/delivery/adoption?end=2026-03-31T00:00:00Z`, bearer(bob));
    expect(adoption.body).toMatchObject({ components: 2, deploying: 1 });
    // Alice sent events this week: she is an active user (counted, never named).
    const thisWeek = await get(`${pave.url}/api/delivery/adoption?window=7d`, bearer(bob));
    expect(thisWeek.body.activeUsersByWeek.at(-1).users).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(thisWeek.body)).not.toContain('alice');
  });
});

describe('delivery webhooks: a flood from one address', () => {
  let flooded: DeliveryPave;
  const LIMIT = 5;
  beforeAll(async () => {
    flooded = await startDeliveryPave({ config: { delivery: { ...defaultDeliveryConfig(), webhookRequestsPerMinute: LIMIT, webhooks: { ...SECRETS } } } });
  });
  afterAll(async () => flooded?.close());

  it('is answered 429 past delivery.webhookRequestsPerMinute, signed or not, stores nothing more, and never stops another provider', async () => {
    const argocd = `${flooded.url}/api/delivery/webhooks/argocd`;
    const forged = { authorization: 'Bearer forged-token-0123456789' };
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i++) statuses.push((await post(argocd, ARGO, forged)).status);
    expect(statuses).toEqual(Array(LIMIT).fill(401));
    // Past the limit even a correctly signed call is refused before it is read: the flood cannot be paid for in checks.
    const limited = await post(argocd, ARGO, { authorization: `Bearer ${SECRETS.argocd}` });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ status: 429 });
    expect(await storedEvents(flooded.app)).toBe(0);
    // Another provider's receiver counts apart: GitHub's deliveries go on.
    const github = await post(`${flooded.url}/api/delivery/webhooks/github`, GITHUB_PUSH, { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac(SECRETS.github, GITHUB_PUSH)}` });
    expect(github.status).toBe(200);
    expect(await storedEvents(flooded.app)).toBe(1);
  });
});
