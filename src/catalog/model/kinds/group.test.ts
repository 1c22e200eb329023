import { describe, expect, it } from 'vitest';
import type { Entity } from '../../../core/entity.js';
import { deriveRelations } from '../relations.js';
import { validateEntity } from '../validate-entity.js';
import { groupPolicy } from './group.js';

const API_VERSION = 'backstage.io/v1alpha1';

function entity(spec: Record<string, unknown>, namespace?: string): Entity {
  return {
    apiVersion: API_VERSION,
    kind: 'Group',
    metadata: { name: 'x', ...(namespace ? { namespace } : {}) },
    spec,
  };
}

/** `pointer rule` of each error validateEntity reports for this spec. */
function specErrors(spec: Record<string, unknown>): string[] {
  return validateEntity(entity(spec)).errors.map(e => `${e.pointer} ${e.rule}`);
}

/** Relations as `source type target` lines. */
function lines(e: Entity): string[] {
  return deriveRelations(e).map(r => `${r.source} ${r.type} ${r.target}`);
}

describe('Group policy', () => {
  it('covers kind Group', () => {
    expect(groupPolicy.kind).toBe('Group');
  });
  it('accepts minimal and full specs', () => {
    expect(specErrors({ type: 'team', children: [] })).toEqual([]);
    expect(
      specErrors({ type: 'team', children: ['c'], members: ['u'], parent: 'p', profile: { displayName: 'T', email: 'a@b', picture: 'x', slack: 1 } }),
    ).toEqual([]);
  });

  it('requires type and children (even if empty)', () => {
    expect(specErrors({ members: [] })).toEqual(['/spec/type required', '/spec/children required']);
  });

  it('types its fields', () => {
    expect(specErrors({ type: 'team', children: 'c', members: [''], parent: 5, profile: { email: '' } })).toEqual([
      '/spec/profile/email non-empty', '/spec/parent type', '/spec/children type', '/spec/members/0 non-empty',
    ]);
    expect(specErrors({ type: 'team', children: [], profile: 'x' })).toEqual(['/spec/profile type']);
  });

  it('derives parent, children and members', () => {
    expect(lines(entity({ type: 'team', parent: 'org', children: ['sub'], members: ['jane', 'user:ops/bob'] }))).toEqual([
      'group:default/x childOf group:default/org', 'group:default/org parentOf group:default/x',
      'group:default/x parentOf group:default/sub', 'group:default/sub childOf group:default/x',
      'group:default/x hasMember user:default/jane', 'user:default/jane memberOf group:default/x',
      'group:default/x hasMember user:ops/bob', 'user:ops/bob memberOf group:default/x',
    ]);
  });
});
