import { describe, expect, it } from 'vitest';
import { announcementErrors, canonicalAudience, isShownTo, type Announcement } from './announcement.js';

const NOW = new Date('2026-12-06T12:00:00Z');
const base: Announcement = { id: 'a', title: 'T', text: 'B', audience: [], publishedAt: '2026-12-01T00:00:00Z', author: 'user:default/ruth' };

describe('announcements', () => {
  it('are shown until they expire, to everyone or to members of their teams (ancestor groups included)', () => {
    expect(isShownTo(base, [], NOW)).toBe(true);
    expect(isShownTo({ ...base, expiresAt: '2026-12-06T12:00:00Z' }, [], NOW)).toBe(false);
    expect(isShownTo({ ...base, expiresAt: '2026-12-06T12:00:01Z' }, [], NOW)).toBe(true);
    const forCheckout = { ...base, audience: ['group:default/checkout-team'] };
    expect(isShownTo(forCheckout, ['group:default/payments-team'], NOW)).toBe(false);
    expect(isShownTo(forCheckout, ['group:default/Checkout-Team', 'group:default/engineering'], NOW)).toBe(true);
  });

  it('take group refs in any accepted form, and name each mistake', () => {
    expect(canonicalAudience(['checkout-team', 'group:default/checkout-team', 'Group:ops/SRE'])).toEqual(['group:default/checkout-team', 'group:ops/sre']);
    expect(announcementErrors({ title: 'x'.repeat(121), text: 'ok', audience: ['user:default/jo'], expiresAt: 'soon' }, NOW)).toEqual([
      { pointer: '/title', detail: 'must be at most 120 characters' },
      { pointer: '/audience/0', detail: 'must be a group ref such as group:default/payments (got "user:default/jo")' },
      { pointer: '/expiresAt', detail: 'must be a date and time (ISO 8601)' },
    ]);
  });
});
