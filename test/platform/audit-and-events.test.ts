/**
 * Every platform change is a fact (DESIGN.md, principle 7). Over real HTTP with auth on and Pave's default
 * policy, each write route called once by someone it allows records exactly one audit entry (the caller, the
 * permission action, the object's ref) and appends its `platform.*` events naming the caller; a call that
 * changes nothing, or is refused, records nothing; the reconciler's work appends events naming nobody and
 * records no audit entry. A change, its audit entry and its events commit together or not at all: a trigger
 * that makes the database refuse the event leaves no request, no audit entry and no event, on SQLite and on
 * PostgreSQL. The catalog mirror, a durable consumer of the log, shows a Resource after an apply and removes
 * it after the deletion, also when it failed once. The event stream resumes after `Last-Event-ID`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { defaultConfig } from '../../src/pave-config.js';
import { ensureBareRepository } from '../../src/git/bare-repository.js';
import { parseEventStream } from '../../src/client/event-stream.js';
import type { AuditEntry } from '../../src/store/audit-log.js';
import type { PaveEvent } from '../../src/store/event-log.js';
import { RECONCILE_QUEUE } from '../../src/platform/reconciler.js';
import { bearer, startAuthPave, tokenFor, type AuthPave } from '../auth/support.js';
import { recording as record } from '../support/recording.js';
import { refuseInserts } from '../support/refuse-inserts.js';
import { POSTGRES_URL, requireAll } from '../support/require-all.js';
import { adminQuery, postgresFactory } from '../support/stores.js';
import { FAST_PLATFORM, OPERATOR, isReady, startHarness, waitForGone, waitForRequest, type Harness } from './support/platform-harness.js';

const ALICE = 'user:default/alice'; // platform-team: publishes capabilities and destinations
const BOB = 'user:default/bob'; // checkout-team: owns the requests of its namespace

const capability = (description: string) => ({
  apiVersion: 'pave.dev/v1alpha1',
  kind: 'Capability',
  metadata: { name: 'widget', description },
  spec: {
    version: '1.0.0',
    owner: 'group:default/platform-team',
    api: { group: 'widgets.audit.test', version: 'v1alpha1', kind: 'Widget', schema: { type: 'object', properties: { size: { type: 'integer', default: 1 } } } },
    workflows: {
      configure: [{ name: 'manifests', type: 'template', files: [{ path: 'widget.yaml', content: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${{ metadata.name }}\ndata:\n  size: "${{ spec.size }}"\n' }] }],
    },
    placement: { selector: { env: 'audit' } },
  },
});
const widget = (size: number) => ({ apiVersion: 'widgets.audit.test/v1alpha1', kind: 'Widget', metadata: { name: 'widget-a', namespace: 'checkout-team' }, spec: { size } });
const WIDGET_REF = 'resource:checkout-team/widget-a';
const WIDGET_FACTS = { kind: 'Widget', namespace: 'checkout-team', name: 'widget-a', owner: 'group:default/checkout-team', capability: 'widget' };

describe('platform changes over HTTP: one audit entry and their events each', { timeout: 120_000 }, () => {
  let pave: AuthPave;
  const tokens = new Map<string, string>();
  let destination: Record<string, unknown>;

  const recording = <T>(work: () => Promise<T>) => record(pave.app, ['platform.*'], work);
  /** A call as `who`, and what it recorded. */
  async function change(who: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any; audit: AuditEntry[]; events: PaveEvent[] }> {
    const { result, audit, events } = await recording(async () => {
      const response = await fetch(pave.url + path, {
        method,
        headers: { ...bearer(tokens.get(who)!), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    });
    return { ...result, audit, events };
  }
  /** What the reconciler records while it works off every due reconcile. */
  const reconcile = () => recording(() => pave.app.platform.reconciler.drain());
  const audited = (entries: AuditEntry[]) => entries.map(entry => ({ actor: entry.actor, action: entry.action, entityRef: entry.entityRef, detail: entry.detail }));
  const appended = (events: PaveEvent[]) => events.map(event => ({ type: event.type, actor: event.actor, subject: event.subject, payload: event.payload }));

  beforeAll(async () => {
    pave = await startAuthPave({ config: { platform: { ...defaultConfig().platform, ...FAST_PLATFORM } } });
    for (const user of [ALICE, BOB]) tokens.set(user, await tokenFor(pave.app, user));
    const url = await ensureBareRepository(join(pave.config.dataDir, 'repos', 'audit.git'), 'main');
    destination = { apiVersion: 'pave.dev/v1alpha1', kind: 'Destination', metadata: { name: 'audit-dev', labels: { env: 'audit' } }, spec: { git: { url, branch: 'main', path: 'clusters/audit' } } };
  });
  afterAll(async () => pave?.close());

  it('publishes a capability: platform.capability.publish and platform.capability.published, as the publisher; once', async () => {
    const refused = await change(BOB, 'POST', '/api/platform/capabilities', capability('Widgets.'));
    expect(refused.status).toBe(403);
    expect([refused.audit, refused.events]).toEqual([[], []]);

    const published = await change(ALICE, 'POST', '/api/platform/capabilities', capability('Widgets.'));
    expect(published.status).toBe(201);
    expect(audited(published.audit)).toEqual([{ actor: ALICE, action: 'platform.capability.publish', entityRef: 'capability:default/widget', detail: { version: '1.0.0' } }]);
    expect(published.audit[0]).toMatchObject({ ip: expect.any(String), requestId: expect.any(String), afterHash: expect.any(String) });
    expect(appended(published.events)).toEqual([
      { type: 'platform.capability.published', actor: ALICE, subject: 'capability:default/widget', payload: { kind: 'capability', namespace: 'default', name: 'widget', owner: 'group:default/platform-team', version: '1.0.0' } },
    ]);

    const again = await change(ALICE, 'POST', '/api/platform/capabilities', capability('Widgets.'));
    expect(again.status).toBe(200);
    expect([again.audit, again.events]).toEqual([[], []]);
  });

  it('writes a destination: platform.destination.write and platform.destination.applied; unchanged records nothing', async () => {
    const created = await change(ALICE, 'POST', '/api/platform/destinations', destination);
    expect(created.status).toBe(201);
    expect(audited(created.audit)).toEqual([{ actor: ALICE, action: 'platform.destination.write', entityRef: 'destination:audit-dev', detail: { outcome: 'created' } }]);
    expect(appended(created.events)).toEqual([{ type: 'platform.destination.applied', actor: ALICE, subject: 'destination:audit-dev', payload: { kind: 'destination', name: 'audit-dev', outcome: 'created' } }]);
    const again = await change(ALICE, 'POST', '/api/platform/destinations', destination);
    expect(again.status).toBe(200);
    expect([again.audit, again.events]).toEqual([[], []]);
  });

  it('applies a request: created, unchanged (nothing recorded) and updated, as its owner', async () => {
    const created = await change(BOB, 'POST', '/api/platform/requests', widget(1));
    expect(created.status).toBe(201);
    expect(audited(created.audit)).toEqual([{ actor: BOB, action: 'platform.request.create', entityRef: WIDGET_REF, detail: { outcome: 'created', kind: 'Widget', capability: 'widget', generation: 1 } }]);
    expect(appended(created.events)).toEqual([{ type: 'platform.request.applied', actor: BOB, subject: WIDGET_REF, payload: { ...WIDGET_FACTS, generation: 1 } }]);

    const unchanged = await change(BOB, 'POST', '/api/platform/requests', widget(1));
    expect([unchanged.status, unchanged.body.outcome]).toEqual([200, 'unchanged']);
    expect([unchanged.audit, unchanged.events]).toEqual([[], []]);

    const updated = await change(BOB, 'POST', '/api/platform/requests', widget(2));
    expect([updated.status, updated.body.outcome]).toEqual([200, 'updated']);
    expect(audited(updated.audit)).toEqual([{ actor: BOB, action: 'platform.request.create', entityRef: WIDGET_REF, detail: { outcome: 'updated', kind: 'Widget', capability: 'widget', generation: 2 } }]);
    expect(updated.audit[0]!.beforeHash).not.toBe(updated.audit[0]!.afterHash);
    expect(appended(updated.events)).toEqual([{ type: 'platform.request.updated', actor: BOB, subject: WIDGET_REF, payload: { ...WIDGET_FACTS, generation: 2 } }]);
  });

  it('reconciles without an audit entry: the run, its commit and the phase are events naming nobody', async () => {
    const { audit, events } = await reconcile();
    expect(audit).toEqual([]);
    expect(events.map(event => event.type)).toEqual(['platform.run.finished', 'platform.delivery.committed', 'platform.request.phase-changed']);
    expect(events.every(event => event.actor === undefined && event.subject === WIDGET_REF)).toBe(true);
    const [run, delivery, phase] = events.map(event => event.payload);
    const commit = (await pave.app.platform.getRequest('checkout-team', 'widget-a')).status.deliveries[0]!.commit;
    expect(run).toEqual({ ...WIDGET_FACTS, generation: 2, runId: expect.any(String), action: 'configure', phase: 'Succeeded', capabilityVersion: '1.0.0', commits: [{ destination: 'audit-dev', commit }], seconds: expect.any(Number) });
    expect(delivery).toEqual({ ...WIDGET_FACTS, generation: 2, runId: run!.runId, destination: 'audit-dev', path: 'clusters/audit/checkout-team/widget/widget-a', commit });
    expect(phase).toEqual({ ...WIDGET_FACTS, generation: 2, phase: 'Ready', reason: 'Ready', runId: run!.runId });
  });

  it('asks for a reconcile: platform.request.reconcile, and no event of its own', async () => {
    const asked = await change(BOB, 'POST', '/api/platform/requests/checkout-team/widget-a/reconcile', {});
    expect(asked.status).toBe(202);
    expect(audited(asked.audit)).toEqual([{ actor: BOB, action: 'platform.request.reconcile', entityRef: WIDGET_REF, detail: { kind: 'Widget', generation: 2 } }]);
    expect(asked.events).toEqual([]);
  });

  it('deletes a request: platform.request.delete and the phase Deleting as its owner; the reconciler removes it', async () => {
    const deleting = await change(BOB, 'DELETE', '/api/platform/requests/checkout-team/widget-a');
    expect(deleting.status).toBe(202);
    expect(audited(deleting.audit)).toEqual([{ actor: BOB, action: 'platform.request.delete', entityRef: WIDGET_REF, detail: { kind: 'Widget', generation: 2 } }]);
    expect(appended(deleting.events)).toEqual([
      { type: 'platform.request.phase-changed', actor: BOB, subject: WIDGET_REF, payload: { ...WIDGET_FACTS, generation: 2, phase: 'Deleting', reason: 'DeleteRequested' } },
    ]);
    const again = await change(BOB, 'DELETE', '/api/platform/requests/checkout-team/widget-a');
    expect(again.status).toBe(202);
    expect([again.audit, again.events]).toEqual([[], []]);

    const { audit, events } = await reconcile();
    expect(audit).toEqual([]);
    expect(events.map(event => [event.type, event.actor])).toEqual([
      ['platform.run.finished', undefined],
      ['platform.delivery.committed', undefined],
      ['platform.request.deleted', undefined],
    ]);
    expect(events[0]!.payload).toMatchObject({ action: 'delete', phase: 'Succeeded' });
    expect(events[2]!.payload).toEqual({ ...WIDGET_FACTS, generation: 2, runId: events[0]!.payload.runId });
    expect((await fetch(`${pave.url}/api/platform/requests/checkout-team/widget-a`, { headers: bearer(tokens.get(BOB)!) })).status).toBe(404);
  });

  it('deletes the destination and the capability, each with its audit entry and event', async () => {
    const destinationGone = await change(ALICE, 'DELETE', '/api/platform/destinations/audit-dev');
    expect(destinationGone.status).toBe(204);
    expect(audited(destinationGone.audit)).toEqual([{ actor: ALICE, action: 'platform.destination.delete', entityRef: 'destination:audit-dev', detail: undefined }]);
    expect(destinationGone.audit[0]!.beforeHash).toEqual(expect.any(String));
    expect(appended(destinationGone.events)).toEqual([{ type: 'platform.destination.deleted', actor: ALICE, subject: 'destination:audit-dev', payload: { kind: 'destination', name: 'audit-dev' } }]);

    const capabilityGone = await change(ALICE, 'DELETE', '/api/platform/capabilities/widget');
    expect(capabilityGone.status).toBe(204);
    expect(audited(capabilityGone.audit)).toEqual([{ actor: ALICE, action: 'platform.capability.delete', entityRef: 'capability:default/widget', detail: { versions: ['1.0.0'] } }]);
    expect(appended(capabilityGone.events)).toEqual([
      { type: 'platform.capability.deleted', actor: ALICE, subject: 'capability:default/widget', payload: { kind: 'capability', namespace: 'default', name: 'widget', owner: 'group:default/platform-team', versions: ['1.0.0'] } },
    ]);
  });

  it('streams the platform events after Last-Event-ID, in order, each with its seq as id; refuses a cursor that is not one', async () => {
    const all = await pave.app.eventLog.read({ types: ['platform.*'], limit: 1000 });
    const published = all.find(event => event.type === 'platform.capability.published')!;
    const expected = all.filter(event => event.seq > published.seq);
    const controller = new AbortController();
    const response = await fetch(`${pave.url}/api/platform/events`, { headers: { ...bearer(tokens.get(BOB)!), 'last-event-id': String(published.seq) }, signal: controller.signal });
    expect(response.status).toBe(200);
    const received: Array<{ id?: string; event: string; seq: number }> = [];
    for await (const message of parseEventStream(response.body!)) {
      received.push({ ...(message.id !== undefined ? { id: message.id } : {}), event: message.event, seq: (JSON.parse(message.data) as PaveEvent).seq });
      if (received.length === expected.length) break;
    }
    controller.abort();
    expect(received).toEqual(expected.map(event => ({ id: String(event.seq), event: event.type, seq: event.seq })));

    for (const cursor of ['abc', String((await pave.app.eventLog.latest()) + 1)]) {
      const refused = await fetch(`${pave.url}/api/platform/events`, { headers: { ...bearer(tokens.get(BOB)!), 'last-event-id': cursor } });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { errors: Array<{ pointer: string }> }).errors[0]!.pointer).toBe('/headers/last-event-id');
    }
  });
});

const postgres = await postgresFactory();

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && Boolean(postgres.unavailable) && !requireAll)(`a platform change and its audit entry and events commit together (${database})`, { timeout: 120_000 }, () => {
    const schema = `pave_atomic_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
    let h: Harness;

    beforeAll(async () => {
      if (database === 'postgres') await adminQuery(`CREATE SCHEMA ${schema}`);
      h = await startHarness(database === 'postgres' ? { databaseUrl: POSTGRES_URL, databaseSchema: schema } : {});
    });
    afterAll(async () => {
      await h?.close();
      if (database === 'postgres') await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    });

    it('leaves no request, no audit entry, no event and no reconcile when the event cannot be written', async () => {
      const request = { apiVersion: 'databases.pave.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'atomic-db', namespace: 'checkout-team' }, spec: {} };
      const after = await h.app.eventLog.latest();
      const jobs = (await h.app.queue.list(RECONCILE_QUEUE)).length;
      const restore = await refuseInserts(h.app.store, 'events', 'type', 'platform.request.applied');
      await expect(h.app.platform.applyRequest(request, OPERATOR)).rejects.toThrow('injected failure');
      await restore();
      expect(await h.app.store.db.selectFrom('platform_requests').select('id').where('name', '=', 'atomic-db').execute()).toEqual([]);
      expect((await h.app.audit.query({ entityRef: 'resource:checkout-team/atomic-db' })).items).toEqual([]);
      expect(await h.app.eventLog.read({ after })).toEqual([]);
      expect((await h.app.queue.list(RECONCILE_QUEUE)).length).toBe(jobs);

      // With the database willing again, the same apply is one change with its entry and its event.
      expect((await h.app.platform.applyRequest(request, OPERATOR)).outcome).toBe('created');
      expect((await h.app.audit.query({ entityRef: 'resource:checkout-team/atomic-db' })).items.map(entry => [entry.actor, entry.action])).toEqual([[OPERATOR.actor, 'platform.request.create']]);
      expect((await h.app.eventLog.read({ after })).map(event => [event.type, event.subject])).toEqual([['platform.request.applied', 'resource:checkout-team/atomic-db']]);
    });
  });
}

describe('the catalog mirror, a durable consumer of the event log', { timeout: 120_000 }, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  const entity = (ref: string) => h.app.catalog.entities.byRef(ref);
  const cursor = async () => h.app.store.db.selectFrom('event_cursors').select(['seq', 'failures']).where('consumer', '=', 'platform.catalog-mirror').executeTakeFirst();

  it('shows capabilities published before it runs (at start), then every change, retrying a write that failed', async () => {
    // At start, as `pave serve` does: published capabilities are shown before any consumer runs.
    expect(await entity('capability:default/postgresql')).toBeUndefined();
    await h.app.platform.mirrorCapabilities();
    expect((await entity('capability:default/postgresql'))?.spec?.owner).toBe('platform-team');
    expect(h.app.eventConsumers.names()).toContain('platform.catalog-mirror');
    await h.app.workers.start(['store.event-consumers', 'platform.reconciler']);

    // The catalog refuses the Resource once: the mirror fails, keeps its place, and writes it when retried.
    const ref = 'resource:checkout-team/flaky-db';
    const restore = await refuseInserts(h.app.store, 'entities', 'ref', ref);
    await h.app.platform.applyRequest({ apiVersion: 'databases.pave.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'flaky-db', namespace: 'checkout-team' }, spec: {} }, OPERATOR);
    await expect.poll(async () => (await cursor())?.failures).toBeGreaterThan(0);
    expect(await entity(ref)).toBeUndefined();
    await restore();
    await expect.poll(async () => (await entity(ref))?.spec?.owner).toBe('group:default/checkout-team');
    await expect.poll(async () => (await cursor())?.failures).toBe(0);

    // The phase follows the request, and the Resource goes once the deletion completes.
    await waitForRequest(h.app, 'checkout-team', 'flaky-db', isReady);
    await expect.poll(async () => (await entity(ref))?.metadata.annotations?.['pave.dev/phase']).toBe('Ready');
    await h.app.platform.deleteRequest('checkout-team', 'flaky-db', OPERATOR);
    await waitForGone(h.app, 'checkout-team', 'flaky-db');
    await expect.poll(async () => entity(ref)).toBeUndefined();
  });
});
