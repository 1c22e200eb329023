import { describe, expect, it } from 'vitest';
import type { Entity } from '../../../core/entity.js';
import { deriveRelations } from '../relations.js';
import { validateEntity } from '../validate-entity.js';
import { defaultKindRegistry } from '../kind-registry.js';
import { capabilityBindingPolicy } from './capability-binding.js';

const entity = (spec: Record<string, unknown>): Entity => ({ apiVersion: 'pave.dev/v1alpha1', kind: 'CapabilityBinding', metadata: { name: 'postgresql', namespace: 'checkout-team' }, spec });

describe('CapabilityBinding policy', () => {
  it('is a built-in kind at pave.dev/v1alpha1', () => {
    expect(defaultKindRegistry.find('CapabilityBinding', 'pave.dev/v1alpha1')).toBe(capabilityBindingPolicy);
  });

  it('needs the owning team and the capability, and knows its phases', () => {
    expect(validateEntity(entity({})).errors.map(e => `${e.pointer} ${e.rule}`)).toEqual(['/spec/owner required', '/spec/capability required']);
    expect(validateEntity(entity({ owner: 'group:default/checkout-team', capability: 'capability:default/postgresql', phase: 'Waiting' })).errors.map(e => e.pointer)).toEqual(['/spec/phase']);
  });

  it('is owned by its team and depends on the capability it binds', () => {
    const lines = deriveRelations(entity({ owner: 'group:default/checkout-team', capability: 'capability:default/postgresql', version: '^1', phase: 'Bound' })).map(r => `${r.source} ${r.type} ${r.target}`);
    expect(lines).toEqual([
      'capabilitybinding:checkout-team/postgresql ownedBy group:default/checkout-team', 'group:default/checkout-team ownerOf capabilitybinding:checkout-team/postgresql',
      'capabilitybinding:checkout-team/postgresql dependsOn capability:default/postgresql', 'capability:default/postgresql dependencyOf capabilitybinding:checkout-team/postgresql',
    ]);
  });
});
