import { describe, expect, it } from 'vitest';
import { normalizeEvent, type DeliveryEvent } from '../../src/delivery/delivery-event.js';
import { eventsReceivedPayload } from '../../src/delivery/events-received.js';

/** The `delivery.events.received` payload names whose events were stored, cut short (and saying so) when too many. */
const now = new Date('2026-03-31T00:00:00Z');
const deployment = (id: string, entity: string): DeliveryEvent =>
  normalizeEvent({ id, type: 'deployment', at: '2026-03-30T00:00:00Z', entity, environment: 'production', status: 'success' }, 'api', '/events/0', { now, clockSkewSeconds: 300 }).event!;

describe('delivery.events.received payload', () => {
  it('lists each entity once, in lower case, and counts the events no entity was found for', () => {
    const events = [deployment('a', 'component:default/Cart'), deployment('b', 'component:default/cart'), deployment('c', 'component:default/ledger')];
    const entityOf = (event: DeliveryEvent) => (event.id === 'c' ? undefined : event.targetValue);
    expect(eventsReceivedPayload('api', events, entityOf)).toEqual({ source: 'api', stored: 3, deployments: 3, changes: 0, incidents: 0, unmapped: 1, entities: ['component:default/cart'], entitiesTruncated: false });
  });

  it('cuts the list short, within what the event log stores, and says so', () => {
    const events = Array.from({ length: 2000 }, (_, i) => deployment(`d${i}`, `component:default/service-with-a-long-name-${i}`));
    const payload = eventsReceivedPayload('api', events, event => event.targetValue);
    expect(payload.entitiesTruncated).toBe(true);
    expect(payload.entities.length).toBeGreaterThan(0);
    expect(payload.entities.length).toBeLessThan(2000);
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThan(16 * 1024);
  });
});
