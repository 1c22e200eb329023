import { describe, expect, it } from 'vitest';
import type { Entity } from '../../../core/entity.js';
import { deriveRelations } from '../relations.js';
import { validateEntity } from '../validate-entity.js';
import { domainPolicy } from './domain.js';

const API_VERSION = 'backstage.io/v1alpha1';

function entity(spec: Record<string, unknown>, namespace?: string): Entity {
  return {
    apiVersion: API_VERSION,
    kind: 'Domain',
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

describe('Domain policy', () => {
  it('covers kind Domain', () => {
    expect(domainPolicy.kind).toBe('Domain');
  });
  it('accepts minimal and full specs', () => {
    expect(specErrors({ owner: 'a' })).toEqual([]);
    expect(specErrors({ owner: 'a', subdomainOf: 'b', type: 'business' })).toEqual([]);
  });

  it('requires owner and types its fields', () => {
    expect(specErrors({ subdomainOf: 5 })).toEqual(['/spec/owner required', '/spec/subdomainOf type']);
  });

  it('derives owner and subdomainOf', () => {
    expect(lines(entity({ owner: 'a', subdomainOf: 'commerce' }))).toEqual([
      'domain:default/x ownedBy group:default/a', 'group:default/a ownerOf domain:default/x',
      'domain:default/x partOf domain:default/commerce', 'domain:default/commerce hasPart domain:default/x',
    ]);
  });
});
