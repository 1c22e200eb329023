import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompiledQuery } from 'kysely';
import { statementRecorder, type RecordedStatement } from '../support/statement-recorder.js';
import { get, post, startDeliveryPave, type DeliveryPave } from './support.js';

/**
 * Hand-made mappings over events already attributed: one overruling an annotation and one replacing another move
 * their events, and the statements a mapping runs read `delivery_events` through an index, never the whole table
 * (the index by target keeps only unmapped events: migration 0043). Plans, not timings.
 */
let pave: DeliveryPave;
beforeAll(async () => {
  pave = await startDeliveryPave();
});
afterAll(async () => pave?.close());

const END = '2026-03-31T00:00:00Z';
const deployments = async (entity: string) => (await get(`${pave.url}/api/delivery/dora?entity=${entity}&window=30d&end=${END}`)).body.metrics.deploymentFrequency.deployments;

describe('delivery mappings over attributed events', () => {
  it('a mapping overrules the annotation that attributed events, and a later one replaces it: the events follow each', async () => {
    const target = { annotation: 'github.com/project-slug', value: 'acme/cart' };
    const events = ['m-1', 'm-2', 'm-3'].map((id, i) => ({ id, type: 'deployment', at: `2026-03-1${i}T10:00:00Z`, target, environment: 'production', status: 'success' }));
    expect((await post(`${pave.url}/api/delivery/events`, { events })).body).toMatchObject({ stored: 3, unmapped: 0 });
    expect(await deployments('component:default/cart')).toBe(3);
    const map = (entity: string) => post(`${pave.url}/api/delivery/mappings`, { key: 'github.com/project-slug', value: 'acme/cart', entity });
    expect((await map('component:default/ledger')).body.events).toBe(3);
    expect([await deployments('component:default/cart'), await deployments('component:default/ledger')]).toEqual([0, 3]);
    expect((await map('component:default/checkout')).body.events).toBe(3);
    expect([await deployments('component:default/ledger'), await deployments('component:default/checkout')]).toEqual([0, 3]);
  });

  it('a mapping made after the annotation that attributed events was removed moves those events too', async () => {
    const target = { annotation: 'backstage.io/kubernetes-id', value: 'ledger' };
    const events = ['k-1', 'k-2'].map((id, i) => ({ id, type: 'deployment', at: `2026-03-2${i}T10:00:00Z`, target, environment: 'production', status: 'success' }));
    expect((await post(`${pave.url}/api/delivery/events`, { events })).body).toMatchObject({ stored: 2, unmapped: 0 });
    const [ledgerBefore, cartBefore] = [await deployments('component:default/ledger'), await deployments('component:default/cart')];
    const ledger = (await pave.app.catalog.entities.byRef('component:default/ledger'))!;
    delete ledger.metadata.annotations!['backstage.io/kubernetes-id'];
    await pave.app.catalog.saveEntity({ apiVersion: ledger.apiVersion, kind: ledger.kind, metadata: { name: ledger.metadata.name, annotations: ledger.metadata.annotations ?? {} }, spec: ledger.spec });
    const mapped = await post(`${pave.url}/api/delivery/mappings`, { key: 'backstage.io/kubernetes-id', value: 'ledger', entity: 'component:default/cart' });
    expect(mapped.body.events).toBe(2);
    expect([await deployments('component:default/ledger'), await deployments('component:default/cart')]).toEqual([ledgerBefore - 2, cartBefore + 2]);
  });

  it('the statements of a mapping read delivery_events by index (SQLite plans)', async () => {
    const statements: RecordedStatement[] = [];
    const db = pave.app.store.db;
    const recorder = statementRecorder(db, statements);
    const moved = await pave.app.delivery.events.map(db.withPlugin(recorder), 'github.com/project-slug', 'acme/cart', 'component:default/cart', 'test', new Date().toISOString());
    expect(moved).toBe(3);
    const scans: string[] = [];
    for (const statement of statements) {
      const plan = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${statement.sql}`, [...statement.parameters]));
      for (const { detail } of plan.rows) if (/\bSCAN delivery_events\b/.test(detail)) scans.push(`${detail} in ${statement.sql}`);
    }
    expect(statements.some(s => s.sql.startsWith('update "delivery_events"'))).toBe(true);
    expect(scans).toEqual([]);
  });
});
