import { describe, expect, it } from 'vitest';
import type { Entity } from '../../../core/entity.js';
import { deriveRelations } from '../relations.js';
import { validateEntity } from '../validate-entity.js';
import { apiPolicy } from './api.js';

const API_VERSION = 'backstage.io/v1alpha1';

function entity(spec: Record<string, unknown>, namespace?: string): Entity {
  return {
    apiVersion: API_VERSION,
    kind: 'API',
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

describe('API policy', () => {
  it('covers kind API', () => {
    expect(apiPolicy.kind).toBe('API');
  });
  const ok = { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: 'openapi: 3.0.0' };

  it('accepts a full spec', () => {
    expect(specErrors({ ...ok, system: 'billing' })).toEqual([]);
  });

  it('requires type, lifecycle, owner and definition', () => {
    expect(specErrors({})).toEqual(['/spec/type required', '/spec/lifecycle required', '/spec/owner required', '/spec/definition required']);
  });

  it('needs definition as text (a $text placeholder must be substituted first)', () => {
    expect(specErrors({ ...ok, definition: { $text: './openapi.yaml' } })).toEqual(['/spec/definition type']);
    expect(specErrors({ ...ok, definition: '' })).toEqual(['/spec/definition non-empty']);
    expect(specErrors({ ...ok, system: 5 })).toEqual(['/spec/system type']);
  });

  it('derives owner and system', () => {
    expect(lines(entity({ ...ok, owner: 'user:jane', system: 'billing' }))).toEqual([
      'api:default/x ownedBy user:default/jane', 'user:default/jane ownerOf api:default/x',
      'api:default/x partOf system:default/billing', 'system:default/billing hasPart api:default/x',
    ]);
  });
});
