import { describe, expect, it } from 'vitest';
import { defineKindPolicy } from './kind-policy.js';
import { builtinKindPolicies, createKindRegistry, defaultKindRegistry, findKindPolicy } from './kind-registry.js';
import { validateSpec } from './spec-schema.js';

describe('kind registry', () => {
  it('holds the eleven built-in kinds', () => {
    expect(builtinKindPolicies.map(p => p.kind)).toEqual([
      'Component', 'API', 'Resource', 'System', 'Domain', 'Group', 'User', 'Location', 'Template', 'Capability', 'CapabilityBinding',
    ]);
    // First, before the kinds modules declare (once the module list has loaded in this process, they follow).
    expect(defaultKindRegistry.list().slice(0, builtinKindPolicies.length)).toEqual(builtinKindPolicies);
  });

  it('matches kinds case-sensitively and apiVersions exactly, as Backstage\'s validators do', () => {
    expect(findKindPolicy('Component', 'backstage.io/v1alpha1')?.kind).toBe('Component');
    expect(findKindPolicy('Component', 'backstage.io/v1beta1')?.kind).toBe('Component');
    expect(findKindPolicy('component', 'backstage.io/v1alpha1')).toBeUndefined();
    expect(findKindPolicy('Api', 'backstage.io/v1alpha1')).toBeUndefined();
    expect(findKindPolicy('Component', 'backstage.io/v1')).toBeUndefined();
    expect(findKindPolicy('Component', 'Backstage.io/v1alpha1')).toBeUndefined();
    expect(findKindPolicy('Template', 'scaffolder.backstage.io/v1beta3')?.kind).toBe('Template');
    expect(findKindPolicy('Template', 'backstage.io/v1beta2')).toBeUndefined();
    expect(findKindPolicy(undefined, 5)).toBeUndefined();
  });

  it('compiles every built-in spec schema in ajv strict mode', () => {
    for (const policy of builtinKindPolicies) expect(() => validateSpec(policy.specSchema, {})).not.toThrow();
  });

  it('freezes policies', () => {
    for (const policy of builtinKindPolicies) {
      expect(Object.isFrozen(policy)).toBe(true);
      expect(Object.isFrozen(policy.apiVersions)).toBe(true);
      expect(Object.isFrozen(policy.relationFields)).toBe(true);
    }
  });

  it('lets a custom registry add kinds; the first policy covering a kind and apiVersion wins', () => {
    const a = defineKindPolicy({ kind: 'Scorecard', apiVersions: ['pave.dev/v1alpha1'], specSchema: { type: 'object' } });
    const b = defineKindPolicy({ kind: 'Scorecard', apiVersions: ['pave.dev/v1alpha1', 'pave.dev/v1'], specSchema: { type: 'object' } });
    const registry = createKindRegistry([...builtinKindPolicies, a, b]);
    expect(registry.find('Scorecard', 'pave.dev/v1alpha1')).toBe(a);
    expect(registry.find('Scorecard', 'pave.dev/v1')).toBe(b);
    expect(registry.find('Component', 'backstage.io/v1alpha1')?.kind).toBe('Component');
    expect(registry.list()).toHaveLength(13);
  });
});
