import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaveEvent } from '../../src/store/event-log.js';
import { get, post, startGuardedDeliveryPave, type DeliveryPave } from '../delivery/support.js';
import { bearer } from '../auth/support.js';
import { listen } from '../support/sse.js';

/**
 * Attack: the event feed as a way round the catalog's read scope (SECURITY.md §12). Everyone signed in may read
 * delivery events (`delivery.event.read`), and `delivery.events.received` names the entities events were stored
 * for, `delivery.mapping.created` the entity a key was mapped to. Bob may not read ops-team's ledger in the catalog:
 * neither the feed's pages nor its stream may name it to him, while the platform team still sees it.
 */
let pave: DeliveryPave;
let bob: string;
let alice: string;
let start: number;

beforeAll(async () => {
  ({ pave, bob, alice } = await startGuardedDeliveryPave({ id: 'ops-catalog-private', description: "ops-team's entities are theirs", effect: 'deny', actions: ['catalog.entity.read'], subjects: ['group:default/shop-team'], resource: { owners: ['group:default/ops-team'] } }));
  start = await pave.app.eventLog.latest();
  const events = ['cart', 'ledger'].map((name, i) => ({ id: `feed-${i}`, type: 'deployment', at: '2026-03-10T00:00:00Z', entity: `component:default/${name}`, environment: 'production', status: 'success' }));
  expect((await post(`${pave.url}/api/delivery/events`, { events }, bearer(alice))).body.stored).toBe(2);
  // A batch about the ledger alone: its counts and time would tell bob what happened to it.
  const ledgerOnly = [{ id: 'feed-ledger', type: 'deployment', at: '2026-03-10T01:00:00Z', entity: 'component:default/ledger', environment: 'production', status: 'failure' }];
  expect((await post(`${pave.url}/api/delivery/events`, { events: ledgerOnly }, bearer(alice))).body.stored).toBe(1);
  const mapped = await post(`${pave.url}/api/delivery/mappings`, { key: 'github.com/project-slug', value: 'acme/old-ledger', entity: 'component:default/ledger' }, bearer(alice));
  expect(mapped.status).toBe(200);
});
afterAll(async () => pave?.close());

const deliveryEvents = async (token: string) => (await get(`${pave.url}/api/events?after=${start}&types=delivery.*`, bearer(token))).body.items as PaveEvent[];

describe('the event feed and delivery events', () => {
  it('the platform team sees every entity the events were stored for, and the mapping', async () => {
    const items = await deliveryEvents(alice);
    expect(items.filter(e => e.type === 'delivery.events.received').map(e => e.payload.entities)).toEqual([['component:default/cart', 'component:default/ledger'], ['component:default/ledger']]);
    expect(items.find(e => e.type === 'delivery.mapping.created')?.payload.entity).toBe('component:default/ledger');
  });

  it('a page never names to bob an entity he may not read in the catalog, nor shows him a batch about it alone', async () => {
    expect((await get(`${pave.url}/api/catalog/entities/by-name/component/default/ledger`, bearer(bob))).status).toBe(403);
    const items = await deliveryEvents(bob);
    const received = items.filter(e => e.type === 'delivery.events.received');
    expect(received).toHaveLength(1);
    expect(received[0]!.payload).toMatchObject({ stored: 2, entities: ['component:default/cart'] });
    expect(items.some(e => e.type === 'delivery.mapping.created')).toBe(false);
    expect(JSON.stringify(items)).not.toContain('ledger');
  });

  it('nor does the live stream', async () => {
    const stream = listen(`${pave.url}/api/events/stream?types=delivery.*`, { ...bearer(bob), 'last-event-id': String(start) });
    await stream.connected;
    // A later event bob may read: once it is heard, everything before it (the mapping too) has gone by.
    const later = [{ id: 'feed-later', type: 'deployment', at: '2026-03-11T00:00:00Z', entity: 'component:default/cart', environment: 'production', status: 'success' }];
    expect((await post(`${pave.url}/api/delivery/events`, { events: later }, bearer(alice))).body.stored).toBe(1);
    await expect.poll(() => stream.events.length).toBe(2);
    await stream.stop();
    expect(stream.events.map(e => [e.event, (e.data.payload as { entities: string[] }).entities])).toEqual([
      ['delivery.events.received', ['component:default/cart']],
      ['delivery.events.received', ['component:default/cart']],
    ]);
    expect(JSON.stringify(stream.events)).not.toContain('ledger');
  });
});
