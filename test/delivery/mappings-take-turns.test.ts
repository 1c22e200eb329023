/**
 * Two mappings of one target at once, on PostgreSQL (two replicas, or two requests of one): a mapping replaces the
 * target's mapping, so the second must replace what the first (or another writer) stored. Each deleted the mapping
 * it could see and inserted its own, so one stored meanwhile failed the insert on the target's key: a raw 500.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { appBackends } from '../support/stores.js';
import { holdRows, waitersBehind } from '../support/held-rows.js';
import { get, post, startDeliveryPave, type DeliveryPave } from './support.js';

const postgres = (await appBackends('pave_mapping_turns')).find(backend => backend.name === 'postgres')!;

describe.skipIf(Boolean(postgres.skip))('delivery mappings at once: postgres', () => {
  let pave: DeliveryPave | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await pave?.close();
    await drop?.();
  });

  it('lets the later of two mappings of one target replace the earlier, and the events follow it', async () => {
    const backend = await postgres.config();
    drop = backend.drop;
    const p = (pave = await startDeliveryPave({ config: backend.config }));
    const target = { annotation: 'github.com/project-slug', value: 'acme/cart' };
    const events = ['t-1', 't-2', 't-3'].map((id, i) => ({ id, type: 'deployment', at: `2026-03-1${i}T10:00:00Z`, target, environment: 'production', status: 'success' }));
    expect((await post(`${p.url}/api/delivery/events`, { events })).body).toMatchObject({ stored: 3 });
    // Another replica has stored a mapping of the target and not committed yet: both mappings meet its row.
    const held = await holdRows(p.app.store, trx => trx.insertInto('delivery_mappings').values({ target_key: 'github.com/project-slug', target_value: 'acme/cart', entity_ref: 'component:default/cart', created_at: new Date().toISOString(), created_by: 'test' }).execute());
    const map = (entity: string) => post(`${p.url}/api/delivery/mappings`, { key: 'github.com/project-slug', value: 'acme/cart', entity });
    const first = map('component:default/ledger');
    await expect.poll(() => waitersBehind(p.app.store.db, held.pid)).toBe(1);
    const second = map('component:default/checkout');
    await expect.poll(() => waitersBehind(p.app.store.db, held.pid)).toBe(2);
    held.release();
    await held.done;
    const outcomes = await Promise.all([first, second]);
    expect(outcomes.map(outcome => outcome.status)).toEqual([200, 200]);
    const stored = await p.app.store.db.selectFrom('delivery_mappings').select('entity_ref').where('target_value', '=', 'acme/cart').execute();
    expect(stored).toHaveLength(1);
    const deployments = async (entity: string) => (await get(`${p.url}/api/delivery/dora?entity=${entity}&window=30d&end=2026-03-31T00:00:00Z`)).body.metrics.deploymentFrequency.deployments;
    // The events are where the mapping that stayed says, and nowhere else.
    const others = ['component:default/ledger', 'component:default/checkout', 'component:default/cart'].filter(entity => entity !== stored[0]!.entity_ref);
    expect([await deployments(stored[0]!.entity_ref), ...(await Promise.all(others.map(deployments)))]).toEqual([3, 0, 0]);
  });
});
