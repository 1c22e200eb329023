import { describe, expect, it } from 'vitest';
import type { Entity } from '../../core/entity.js';
import { guardedChanges, MEMBERSHIP_WRITE, OWNERSHIP_TRANSFER } from './guarded-changes.js';

const user = (memberOf: string[], extra: Partial<Entity['spec']> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'dave' },
  spec: { memberOf, ...extra },
});
const group = (spec: Record<string, unknown>): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'checkout-team' }, spec: { type: 'team', children: [], ...spec } });
const component = (owner: string, apiVersion = 'backstage.io/v1alpha1'): Entity => ({ apiVersion, kind: 'Component', metadata: { name: 'cart' }, spec: { type: 'service', lifecycle: 'production', owner } });

describe('guardedChanges', () => {
  it('finds a User joining or leaving a group, comparing refs rather than spellings', () => {
    expect(guardedChanges(user(['checkout-team']), user(['checkout-team', 'platform-team']))).toEqual([
      { action: MEMBERSHIP_WRITE, pointer: '/spec/memberOf', detail: 'adds group:default/platform-team' },
    ]);
    expect(guardedChanges(user(['checkout-team', 'search']), user(['group:default/checkout-team']))).toEqual([
      { action: MEMBERSHIP_WRITE, pointer: '/spec/memberOf', detail: 'removes group:default/search' },
    ]);
    expect(guardedChanges(user(['checkout-team']), user(['group:default/Checkout-Team'], { profile: { displayName: 'Dave' } }))).toEqual([]);
  });

  it('treats a new User or Group with members as a membership change, and its deletion too', () => {
    expect(guardedChanges(undefined, user(['platform-team'])).map(c => c.pointer)).toEqual(['/spec/memberOf']);
    expect(guardedChanges(undefined, user([]))).toEqual([]);
    expect(guardedChanges(group({ members: ['dave'] }), undefined).map(c => c.pointer)).toEqual(['/spec/members']);
  });

  it("guards a Group's members, children and parent", () => {
    const before = group({ members: ['ann'], parent: 'shop' });
    const after = group({ members: ['ann', 'dave'], parent: 'platform-team', children: ['ops'] });
    expect(guardedChanges(before, after).map(c => [c.action, c.pointer])).toEqual([
      [MEMBERSHIP_WRITE, '/spec/parent'],
      [MEMBERSHIP_WRITE, '/spec/children'],
      [MEMBERSHIP_WRITE, '/spec/members'],
    ]);
  });

  it('guards moving an existing entity to another owner, not the owner of a new one', () => {
    expect(guardedChanges(component('checkout-team'), component('search-team'))).toEqual([
      { action: OWNERSHIP_TRANSFER, pointer: '/spec/owner', detail: 'adds group:default/search-team and removes group:default/checkout-team' },
    ]);
    expect(guardedChanges(undefined, component('search-team'))).toEqual([]);
    expect(guardedChanges(component('checkout-team'), component('group:default/checkout-team'))).toEqual([]);
  });

  it('guards published kinds whatever their apiVersion or spelling of the kind', () => {
    const template: Entity = { apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 't' }, spec: { type: 'service', steps: [] } };
    expect(guardedChanges(undefined, template)).toEqual([{ action: 'templates.template.publish', pointer: '/kind', detail: 'creates a Template, which needs templates.template.publish' }]);
    expect(guardedChanges(undefined, { ...template, apiVersion: 'scaffolder.backstage.io/v1beta2', kind: 'template' }).map(c => c.action)).toEqual(['templates.template.publish']);
    const location: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name: 'l' }, spec: { targets: ['/etc/passwd'] } };
    expect(guardedChanges(location, undefined).map(c => [c.action, c.detail])).toEqual([['catalog.location.create', 'deletes a Location, which needs catalog.location.create']]);
    expect(guardedChanges(component('a'), component('a', 'backstage.io/v1beta1'))).toEqual([]);
  });
});
