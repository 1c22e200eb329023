import { describe, expect, it } from 'vitest';
import type { Entity } from '../../../core/entity.js';
import { deriveRelations } from '../relations.js';
import { validateEntity } from '../validate-entity.js';
import { userPolicy } from './user.js';

const API_VERSION = 'backstage.io/v1alpha1';

function entity(spec: Record<string, unknown>, namespace?: string): Entity {
  return {
    apiVersion: API_VERSION,
    kind: 'User',
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

describe('User policy', () => {
  it('covers kind User', () => {
    expect(userPolicy.kind).toBe('User');
  });
  it('accepts minimal and full specs', () => {
    expect(specErrors({ memberOf: [] })).toEqual([]);
    expect(specErrors({ memberOf: ['a'], profile: { displayName: 'Jane', email: 'j@x', picture: 'https://x' } })).toEqual([]);
  });

  it('requires memberOf (even if empty) and types its fields', () => {
    expect(specErrors({ profile: { picture: 5 } })).toEqual(['/spec/memberOf required', '/spec/profile/picture type']);
    expect(specErrors({ memberOf: 'team-a' })).toEqual(['/spec/memberOf type']);
  });

  it('derives memberOf', () => {
    expect(lines(entity({ memberOf: ['team-a', 'group:hr/people'] }, 'corp'))).toEqual([
      'user:corp/x memberOf group:corp/team-a', 'group:corp/team-a hasMember user:corp/x',
      'user:corp/x memberOf group:hr/people', 'group:hr/people hasMember user:corp/x',
    ]);
  });
});
