import { describe, expect, it } from 'vitest';
import { AddressPolicy } from './address-policy.js';
import { isKnownEventType } from './event-types.js';
import { moduleList } from '../modules.js';

const TYPES = moduleList().flatMap(module => (module.eventTypes ?? []).map(t => t.type));
import { normalizeFilter, subscriptionMatches, validateWebhookFields } from './webhook-subscription.js';

const event = (type: string, subject?: string, payload: Record<string, unknown> = {}) => ({ type, ...(subject ? { subject } : {}), payload });

describe('webhook subscriptions (no I/O)', () => {
  it('knows the event types Pave appends, exact or as prefixes that cover one', () => {
    expect(isKnownEventType('catalog.entity.updated', TYPES)).toBe(true);
    expect(isKnownEventType('templates.task.step-finished', TYPES)).toBe(true);
    expect(isKnownEventType('catalog.*', TYPES)).toBe(true);
    expect(isKnownEventType('platform.request.*', TYPES)).toBe(true);
    expect(isKnownEventType('catalog.entity.renamed', TYPES)).toBe(false);
    expect(isKnownEventType('nothing.*', TYPES)).toBe(false);
    expect(isKnownEventType('catalog', TYPES)).toBe(false);
    expect(isKnownEventType('catalog.%', TYPES)).toBe(false);
    expect(isKnownEventType('Catalog.entity.updated', TYPES)).toBe(false);
  });

  it('matches types and every filter list against the payload, else the subject ref', () => {
    const hook = { types: ['catalog.entity.*'], filter: normalizeFilter({ kinds: ['Component'], owners: ['checkout-team'], namespaces: ['Default'] }) };
    expect(hook.filter).toEqual({ kinds: ['component'], owners: ['group:default/checkout-team'], namespaces: ['default'] });
    const owned = { kind: 'Component', namespace: 'default', owner: 'group:default/checkout-team' };
    expect(subscriptionMatches(hook, event('catalog.entity.updated', 'component:default/payments', owned))).toBe(true);
    expect(subscriptionMatches(hook, event('catalog.location.refreshed', 'component:default/payments', owned))).toBe(false);
    expect(subscriptionMatches(hook, event('catalog.entity.updated', 'component:default/payments', { ...owned, owner: 'group:default/platform-team' }))).toBe(false);
    // Kind and namespace come from the subject when the payload lacks them; an owner only from the payload.
    expect(subscriptionMatches(hook, event('catalog.entity.deleted', 'component:default/payments', { owner: 'checkout-team' }))).toBe(true);
    expect(subscriptionMatches(hook, event('catalog.entity.deleted', 'component:default/payments'))).toBe(false);
    expect(subscriptionMatches(hook, event('catalog.entity.deleted', 'api:other/payments', { owner: 'checkout-team' }))).toBe(false);
    expect(subscriptionMatches({ types: ['catalog.entity.updated'] }, event('catalog.entity.updated'))).toBe(true);
    expect(normalizeFilter({})).toBeUndefined();
  });

  it('names each mistake in the fields given', () => {
    const policy = new AddressPolicy();
    const pointers = (input: Parameters<typeof validateWebhookFields>[0]) => validateWebhookFields(input, policy, TYPES).map(e => e.pointer);
    expect(pointers({ url: 'https://hooks.example.com/x', types: ['catalog.*'], secret: 'x'.repeat(16) })).toEqual([]);
    expect(pointers({ url: 'https://user:pw@hooks.example.com/x' })).toEqual(['/url']);
    expect(pointers({ types: [] })).toEqual(['/types']);
    expect(pointers({ filter: { kinds: [], colour: ['red'] } as never })).toEqual(['/filter/kinds', '/filter/colour']);
    expect(pointers({ secret: 'x'.repeat(15) })).toEqual(['/secret']);
    expect(pointers({ secret: 'x'.repeat(16), rotateSecret: true })).toEqual(['/rotateSecret']);
  });
});
