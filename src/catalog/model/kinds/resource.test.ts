import { describe, expect, it } from 'vitest';
import type { Entity } from '../../../core/entity.js';
import { deriveRelations } from '../relations.js';
import { validateEntity } from '../validate-entity.js';
import { resourcePolicy } from './resource.js';

const API_VERSION = 'backstage.io/v1alpha1';

function entity(spec: Record<string, unknown>, namespace?: string): Entity {
  return {
    apiVersion: API_VERSION,
    kind: 'Resource',
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

describe('Resource policy', () => {
  it('covers kind Resource', () => {
    expect(resourcePolicy.kind).toBe('Resource');
  });
  it('accepts minimal and full specs', () => {
    expect(specErrors({ type: 'database', owner: 'a' })).toEqual([]);
    expect(specErrors({ type: 'database', owner: 'a', dependsOn: ['resource:b'], dependencyOf: 5, system: 's' })).toEqual([]);
  });

  it('requires type and owner', () => {
    expect(specErrors({ lifecycle: 'production' })).toEqual(['/spec/type required', '/spec/owner required']);
  });

  it('types its fields', () => {
    expect(specErrors({ type: 'db', owner: 'a', dependsOn: 'x', system: '' })).toEqual(['/spec/dependsOn type', '/spec/system non-empty']);
  });

  it('derives owner, dependencies and system', () => {
    expect(lines(entity({ type: 'db', owner: 'a', dependsOn: ['resource:disk'], dependencyOf: ['component:api'], system: 's' }))).toEqual([
      'resource:default/x ownedBy group:default/a', 'group:default/a ownerOf resource:default/x',
      'resource:default/x dependsOn resource:default/disk', 'resource:default/disk dependencyOf resource:default/x',
      'resource:default/x dependencyOf component:default/api', 'component:default/api dependsOn resource:default/x',
      'resource:default/x partOf system:default/s', 'system:default/s hasPart resource:default/x',
    ]);
  });
});
