import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, startDeliveryPave, storedEvents, type DeliveryPave } from './support.js';
import '../../src/delivery/delivery-tables.js';

/** The generic events API over HTTP: batches, idempotency, field-naming refusals, mapping, DORA and adoption. */
let pave: DeliveryPave;
const END = '2026-03-31T00:00:00Z';
const cart = { annotation: 'github.com/project-slug', value: 'acme/cart' };

/** Component cart in March 2026: the same facts as scenario A of dora.test.ts, sent through the API. */
const CART_EVENTS = [
  { id: 'c1', type: 'change', at: '2026-03-02T10:00:00Z', target: cart, sha: 'c1c1c1c1' },
  { id: 'c2', type: 'change', at: '2026-03-02T12:00:00Z', target: cart, sha: 'c2c2c2c2' },
  { id: 'c3', type: 'change', at: '2026-03-05T09:00:00Z', target: cart, sha: 'c3c3c3c3' },
  { id: 'c4', type: 'change', at: '2026-03-10T08:00:00Z', target: cart, sha: 'c4c4c4c4' },
  { id: 'd1', type: 'deployment', at: '2026-03-03T10:00:00Z', target: cart, environment: 'production', status: 'success', sha: 'c2c2c2c2' },
  { id: 'd2', type: 'deployment', at: '2026-03-06T09:00:00Z', target: cart, environment: 'production', status: 'success', sha: 'c3c3c3c3' },
  { id: 's1', type: 'deployment', at: '2026-03-04T00:00:00Z', target: cart, environment: 'staging', status: 'success' },
  { id: 'd5', type: 'deployment', at: '2026-03-07T11:00:00Z', target: cart, environment: 'Production', status: 'success' },
  { id: 'd3', type: 'deployment', at: '2026-03-11T08:00:00Z', target: cart, environment: 'production', status: 'failure', sha: 'c4c4c4c4' },
  { id: 'd4', type: 'deployment', at: '2026-03-11T10:00:00Z', target: cart, environment: 'production', status: 'success', sha: 'c4c4c4c4' },
  { id: 'i1-open', type: 'incident', at: '2026-03-07T09:00:00Z', target: cart, status: 'opened', incident: 'i1' },
  { id: 'i1-resolved', type: 'incident', at: '2026-03-07T13:00:00Z', target: cart, status: 'resolved', incident: 'i1' },
];

beforeAll(async () => {
  pave = await startDeliveryPave();
});
afterAll(async () => pave?.close());

describe('POST /api/delivery/events', () => {
  it('stores a batch once, however often it is sent, and attributes it by annotation', async () => {
    const first = await post(`${pave.url}/api/delivery/events`, { events: CART_EVENTS });
    expect(first).toEqual({ status: 200, body: { received: 12, stored: 12, duplicates: 0, unmapped: 0 } });
    const again = await post(`${pave.url}/api/delivery/events`, { events: [...CART_EVENTS].reverse() });
    expect(again.body).toEqual({ received: 12, stored: 0, duplicates: 12, unmapped: 0 });
    const rows = await pave.app.store.db.selectFrom('delivery_events').select(['entity_ref']).distinct().execute();
    expect(rows).toEqual([{ entity_ref: 'component:default/cart' }]);
    const audit = await pave.app.audit.query({ action: 'delivery.event.write' });
    expect(audit.items.length).toBe(2);
  });

  it('computes the DORA figures of the hand-worked scenario through the API', async () => {
    const { status, body } = await get(`${pave.url}/api/delivery/dora?entity=component:default/cart&window=30d&end=${END}`);
    expect(status).toBe(200);
    expect(body.components).toBe(1);
    expect(body.metrics.deploymentFrequency).toEqual({ deployments: 4, perDay: 0.1333, perWeek: 0.933, band: 'medium' });
    expect(body.metrics.leadTime).toEqual({ changes: 4, medianHours: 24, band: 'high' });
    expect(body.metrics.changeFailureRate).toEqual({ deployments: 5, failed: 2, rate: 0.4, band: 'low' });
    expect(body.metrics.recoveryTime).toMatchObject({ medianHours: 3, band: 'high' });
    expect(body.metrics.reworkRate).toMatchObject({ rework: 1, rate: 0.2 });
    // February had nothing: the trend's previous window is empty.
    expect(body.previous.deploymentFrequency.deployments).toBe(0);
    expect(body.byComponent).toBeUndefined();
  });

  it('refuses a batch with a mistake as a whole: 422 naming each field, nothing stored', async () => {
    const before = await storedEvents(pave.app);
    const { status, body } = await post(`${pave.url}/api/delivery/events`, {
      events: [
        { id: 'ok-1', type: 'change', at: '2026-03-02T10:00:00Z', entity: 'component:default/cart', sha: 'abcdef12' },
        { id: 'bad-1', type: 'deployment', at: 'yesterday', entity: 'component:default/cart', environment: 'production' },
        { id: 'bad-2', type: 'incident', at: '2026-03-02T10:00:00Z', status: 'opened', incident: 'x' },
      ],
    });
    expect(status).toBe(422);
    const pointers = (body.errors as Array<{ pointer: string }>).map(e => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/events/1/at', '/events/1/status', '/events/2/entity']));
    expect(await storedEvents(pave.app)).toBe(before);
  });

  it('refuses timestamps beyond the allowed clock skew, and takes those within it', async () => {
    const ahead = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
    const far = await post(`${pave.url}/api/delivery/events`, { events: [{ id: 'future', type: 'change', at: ahead(3600), entity: 'component:default/cart', sha: 'abcdef99' }] });
    expect(far.status).toBe(422);
    expect(far.body.errors[0]).toMatchObject({ pointer: '/events/0/at', rule: 'future' });
    const near = await post(`${pave.url}/api/delivery/events`, { events: [{ id: 'skewed', type: 'change', at: ahead(60), entity: 'component:default/cart', sha: 'abcdef98' }] });
    expect(near.body.stored).toBe(1);
  });

  it('keeps events nobody could attribute, lists them, and re-attributes them when mapped', async () => {
    const legacy = { annotation: 'github.com/project-slug', value: 'acme/legacy-ledger' };
    const sent = await post(`${pave.url}/api/delivery/events`, {
      events: [
        { id: 'legacy-1', type: 'deployment', at: '2026-03-20T10:00:00Z', target: legacy, environment: 'production', status: 'success' },
        { id: 'legacy-2', type: 'deployment', at: '2026-03-21T10:00:00Z', target: legacy, environment: 'production', status: 'success' },
      ],
    });
    expect(sent.body).toMatchObject({ stored: 2, unmapped: 2 });
    const unmapped = await get(`${pave.url}/api/delivery/unmapped`);
    expect(unmapped.body.items).toEqual([{ key: 'github.com/project-slug', value: 'acme/legacy-ledger', events: 2, sources: ['api'], firstAt: '2026-03-20T10:00:00.000Z', lastAt: '2026-03-21T10:00:00.000Z' }]);
    const before = await get(`${pave.url}/api/delivery/dora?entity=component:default/ledger&window=30d&end=${END}`);
    expect(before.body.metrics.deploymentFrequency.deployments).toBe(0);

    const bad = await post(`${pave.url}/api/delivery/mappings`, { key: 'github.com/project-slug', value: 'acme/legacy-ledger', entity: 'component:default/nowhere' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].pointer).toBe('/entity');
    const mapped = await post(`${pave.url}/api/delivery/mappings`, { key: 'github.com/project-slug', value: 'acme/legacy-ledger', entity: 'component:default/ledger' });
    expect(mapped.body).toEqual({ key: 'github.com/project-slug', value: 'acme/legacy-ledger', entity: 'component:default/ledger', events: 2 });
    expect((await get(`${pave.url}/api/delivery/unmapped`)).body.items).toEqual([]);
    const after = await get(`${pave.url}/api/delivery/dora?entity=component:default/ledger&window=30d&end=${END}`);
    expect(after.body.metrics.deploymentFrequency.deployments).toBe(2);
    // Later events of that key are attributed by the mapping at once.
    const later = await post(`${pave.url}/api/delivery/events`, { events: [{ id: 'legacy-3', type: 'deployment', at: '2026-03-22T10:00:00Z', target: legacy, environment: 'production', status: 'success' }] });
    expect(later.body.unmapped).toBe(0);
  });

  it('attributes events to a component as soon as the catalog gives it the annotation', async () => {
    const target = { annotation: 'gitlab.com/project-slug', value: 'acme/newcomer' };
    const deployment = (id: string) => ({ id, type: 'deployment', at: '2026-03-25T10:00:00Z', target, environment: 'production', status: 'success' });
    expect((await post(`${pave.url}/api/delivery/events`, { events: [deployment('new-1')] })).body.unmapped).toBe(1);
    await pave.app.catalog.saveEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'newcomer', annotations: { 'gitlab.com/project-slug': 'acme/newcomer' } }, spec: { type: 'service', lifecycle: 'production', owner: 'ops-team' } });
    expect((await post(`${pave.url}/api/delivery/events`, { events: [deployment('new-2')] })).body.unmapped).toBe(0);
  });

  it('answers a system, a team and the organisation, each with its components', async () => {
    const system = await get(`${pave.url}/api/delivery/dora?entity=system:default/shop&window=30d&end=${END}`);
    expect(system.body.components).toBe(2);
    expect(system.body.byComponent.map((c: { entityRef: string }) => c.entityRef).sort()).toEqual(['component:default/cart', 'component:default/checkout']);
    const team = await get(`${pave.url}/api/delivery/dora?entity=group:default/ops-team&window=30d&end=${END}`);
    expect(team.body.byComponent.map((c: { entityRef: string }) => c.entityRef)).toEqual(['component:default/ledger', 'component:default/newcomer']);
    const org = await get(`${pave.url}/api/delivery/dora?window=4w&end=${END}`);
    expect(org.body.components).toBe(4);
    expect(org.body.window).toEqual({ start: '2026-03-03T00:00:00.000Z', end: END.replace('Z', '.000Z'), days: 28 });
    const badWindow = await get(`${pave.url}/api/delivery/dora?window=forever`);
    expect(badWindow.status).toBe(422);
    expect(badWindow.body.errors[0].pointer).toBe('/window');
    expect((await get(`${pave.url}/api/delivery/dora?entity=component:default/ghost`)).status).toBe(404);
  });

  it('reports adoption: deploying components and the golden-path share', async () => {
    const { body } = await get(`${pave.url}/api/delivery/adoption?window=30d&end=${END}`);
    expect(body).toMatchObject({ components: 4, deploying: 3, deployingShare: 0.75, teamsDeploying: 2, fromTemplates: 1, goldenPathShare: 0.25 });
    // The components appeared in the catalog today, long after those March deployments: none counts as a first one.
    const today = await get(`${pave.url}/api/delivery/adoption?window=7d`);
    expect(today.body.newComponents).toEqual({ created: 4, deployed: 0, medianHoursToFirstDeployment: null });
    await post(`${pave.url}/api/delivery/events`, { events: [{ id: 'first-ever', type: 'deployment', at: new Date().toISOString(), entity: 'component:default/newcomer', environment: 'production', status: 'success' }] });
    const after = await get(`${pave.url}/api/delivery/adoption?window=7d&end=${new Date(Date.now() + 1000).toISOString()}`);
    expect(after.body.newComponents).toMatchObject({ created: 4, deployed: 1 });
    expect(after.body.newComponents.medianHoursToFirstDeployment).toBeLessThan(1);
  });

  it('gives trend lines on asking: each week of the window computed over that week alone', async () => {
    const { status, body } = await get(`${pave.url}/api/delivery/dora?entity=component:default/cart&window=30d&end=${END}&weekly=true`);
    expect(status).toBe(200);
    // 1 March 2026 is a Sunday: the window's first week is cut to that one day.
    expect(body.byWeek.map((w: { week: string }) => w.week)).toEqual(['2026-02-23', '2026-03-02', '2026-03-09', '2026-03-16', '2026-03-23', '2026-03-30']);
    // The first full week: d1, d2 and d5 (c1, c2, c3 shipped after 22, 24 and 24 hours); incident i1 (4 h) is d2's,
    // and d5, made while it was open, rework. The next: d3 failed and d4 (the one deployment) fixed it.
    expect(body.byWeek[1]).toEqual({ week: '2026-03-02', deployments: 3, leadTimeMedianHours: 24, changeFailureRate: 0.3333, recoveryMedianHours: 4, reworkRate: 0.3333 });
    expect(body.byWeek[2]).toMatchObject({ week: '2026-03-09', deployments: 1, leadTimeMedianHours: 26, changeFailureRate: 0.5 });
    expect(body.byWeek.reduce((sum: number, w: { deployments: number }) => sum + w.deployments, 0)).toBe(body.metrics.deploymentFrequency.deployments);
    expect(body.byWeek[4]).toEqual({ week: '2026-03-23', deployments: 0, leadTimeMedianHours: null, changeFailureRate: null, recoveryMedianHours: null, reworkRate: null });
    expect((await get(`${pave.url}/api/delivery/dora?entity=component:default/cart&window=30d&end=${END}`)).body.byWeek).toBeUndefined();
  });

  it("lists a component's deployments, newest first", async () => {
    const { body } = await get(`${pave.url}/api/delivery/deployments?entity=component:default/cart&limit=2`);
    expect(body.items.map((d: { id: string }) => d.id)).toEqual(['d4', 'd3']);
  });
});
