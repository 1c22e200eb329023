import { describe, expect, it } from 'vitest';
import type { Entity } from '../../../core/entity.js';
import { deriveRelations } from '../relations.js';
import { validateEntity } from '../validate-entity.js';
import { systemPolicy } from './system.js';

const API_VERSION = 'backstage.io/v1alpha1';

function entity(spec: Record<string, unknown>, namespace?: string): Entity {
  return {
    apiVersion: API_VERSION,
    kind: 'System',
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

describe('System policy', () => {
  it('covers kind System', () => {
    expect(systemPolicy.kind).toBe('System');
  });
  it('accepts minimal and full specs', () => {
    expect(specErrors({ owner: 'a' })).toEqual([]);
    expect(specErrors({ owner: 'a', domain: 'd', type: 'product' })).toEqual([]);
  });

  it('requires owner and types its fields', () => {
    expect(specErrors({ domain: '', type: 1 })).toEqual(['/spec/owner required', '/spec/domain non-empty', '/spec/type type']);
  });

  it('derives owner and domain', () => {
    expect(lines(entity({ owner: 'a', domain: 'payments' }))).toEqual([
      'system:default/x ownedBy group:default/a', 'group:default/a ownerOf system:default/x',
      'system:default/x partOf domain:default/payments', 'domain:default/payments hasPart system:default/x',
    ]);
  });
});
