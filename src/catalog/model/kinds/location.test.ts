import { describe, expect, it } from 'vitest';
import type { Entity } from '../../../core/entity.js';
import { deriveRelations } from '../relations.js';
import { validateEntity } from '../validate-entity.js';
import { locationPolicy } from './location.js';

const API_VERSION = 'backstage.io/v1alpha1';

function entity(spec: Record<string, unknown>, namespace?: string): Entity {
  return {
    apiVersion: API_VERSION,
    kind: 'Location',
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

describe('Location policy', () => {
  it('covers kind Location', () => {
    expect(locationPolicy.kind).toBe('Location');
  });
  it('accepts an empty spec and a full one', () => {
    expect(specErrors({})).toEqual([]);
    expect(specErrors({ type: 'url', target: 'https://x/catalog-info.yaml', targets: ['./a.yaml'], presence: 'optional' })).toEqual([]);
  });

  it('types its fields; presence is required or optional', () => {
    expect(specErrors({ type: '', target: 5, targets: [''], presence: 'maybe' })).toEqual([
      '/spec/type non-empty', '/spec/target type', '/spec/targets/0 non-empty', '/spec/presence enum',
    ]);
  });

  it('still requires spec itself', () => {
    const { spec: _spec, ...withoutSpec } = entity({});
    expect(validateEntity(withoutSpec).errors.map(e => e.pointer)).toEqual(['/spec']);
  });

  it('derives no relations', () => {
    expect(lines(entity({ target: './x.yaml' }))).toEqual([]);
  });
});
