import { describe, expect, it } from 'vitest';
import type { Entity } from '../../core/entity.js';
import { defineKindPolicy } from './kind-policy.js';
import { createKindRegistry } from './kind-registry.js';
import {
  RELATION_API_CONSUMED_BY,
  RELATION_API_PROVIDED_BY,
  RELATION_CHILD_OF,
  RELATION_CONSUMES_API,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_HAS_MEMBER,
  RELATION_HAS_PART,
  RELATION_MEMBER_OF,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PAIRS,
  RELATION_PARENT_OF,
  RELATION_PART_OF,
  RELATION_PROVIDES_API,
  deriveRelations,
  deriveRelationsWithErrors,
} from './relations.js';

const component = (spec: Record<string, unknown>, metadata: Partial<Entity['metadata']> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'Payments', ...metadata },
  spec: { type: 'service', lifecycle: 'production', ...spec },
});

describe('relation vocabulary', () => {
  it('uses Backstage\'s names', () => {
    expect([
      RELATION_OWNED_BY, RELATION_OWNER_OF, RELATION_DEPENDS_ON, RELATION_DEPENDENCY_OF, RELATION_PROVIDES_API,
      RELATION_API_PROVIDED_BY, RELATION_CONSUMES_API, RELATION_API_CONSUMED_BY, RELATION_PART_OF, RELATION_HAS_PART,
      RELATION_MEMBER_OF, RELATION_HAS_MEMBER, RELATION_CHILD_OF, RELATION_PARENT_OF,
    ]).toEqual([
      'ownedBy', 'ownerOf', 'dependsOn', 'dependencyOf', 'providesApi', 'apiProvidedBy', 'consumesApi', 'apiConsumedBy',
      'partOf', 'hasPart', 'memberOf', 'hasMember', 'childOf', 'parentOf',
    ]);
  });

  it('pairs every type with its reverse, symmetrically', () => {
    for (const [type, reverse] of Object.entries(RELATION_PAIRS)) {
      expect(RELATION_PAIRS[reverse]).toBe(type);
      expect(reverse).not.toBe(type);
    }
  });
});

describe('deriveRelations', () => {
  it('returns both directions with canonical lower-case refs', () => {
    expect(deriveRelations(component({ owner: 'Team-A' }))).toEqual([
      { source: 'component:default/payments', type: 'ownedBy', target: 'group:default/team-a' },
      { source: 'group:default/team-a', type: 'ownerOf', target: 'component:default/payments' },
    ]);
  });

  it('defaults refs to the entity\'s own namespace, and keeps explicit kinds and namespaces', () => {
    expect(deriveRelations(component({ owner: 'user:ops/jane', system: 'billing' }, { namespace: 'finance' }))).toEqual([
      { source: 'component:finance/payments', type: 'ownedBy', target: 'user:ops/jane' },
      { source: 'user:ops/jane', type: 'ownerOf', target: 'component:finance/payments' },
      { source: 'component:finance/payments', type: 'partOf', target: 'system:finance/billing' },
      { source: 'system:finance/billing', type: 'hasPart', target: 'component:finance/payments' },
    ]);
  });

  it('de-duplicates repeated refs', () => {
    const relations = deriveRelations(component({ owner: 'a', dependsOn: ['component:x', 'Component:X', 'component:default/x'] }));
    expect(relations.filter(r => r.type === 'dependsOn')).toEqual([
      { source: 'component:default/payments', type: 'dependsOn', target: 'component:default/x' },
    ]);
  });

  it('skips unreadable refs and says why, keeping the rest', () => {
    const result = deriveRelationsWithErrors(component({ owner: 'a', dependsOn: ['b', 5, 'resource:db', ':x'], system: {} }));
    expect(result.relations.map(r => `${r.type} ${r.target}`)).toEqual([
      'ownedBy group:default/a',
      'ownerOf component:default/payments',
      'dependsOn resource:default/db',
      'dependencyOf component:default/payments',
    ]);
    expect(result.errors).toEqual([
      { pointer: '/spec/dependsOn/0', rule: 'entity-ref', detail: 'must name its kind, e.g. "component:b" (this field has no default kind)' },
      { pointer: '/spec/dependsOn/1', rule: 'entity-ref', detail: 'must be an entity ref string of the form [kind:][namespace/]name' },
      { pointer: '/spec/dependsOn/3', rule: 'entity-ref', detail: '":x" is not an entity ref of the form [kind:][namespace/]name' },
      { pointer: '/spec/system', rule: 'entity-ref', detail: 'must be an entity ref string of the form [kind:][namespace/]name' },
    ]);
  });

  it('derives nothing for custom kinds, unknown apiVersions or a missing spec', () => {
    expect(deriveRelations({ ...component({ owner: 'a' }), kind: 'Environment' })).toEqual([]);
    expect(deriveRelations({ ...component({ owner: 'a' }), kind: 'component' })).toEqual([]);
    expect(deriveRelations({ ...component({ owner: 'a' }), apiVersion: 'backstage.io/v2' })).toEqual([]);
    const { spec: _spec, ...withoutSpec } = component({});
    expect(deriveRelations(withoutSpec)).toEqual([]);
  });

  it('never throws, even on malformed entities', () => {
    const odd: unknown[] = [null, undefined, 5, 'x', [], {}, { kind: 'Component', apiVersion: 'backstage.io/v1alpha1' },
      { kind: 'Component', apiVersion: 'backstage.io/v1alpha1', metadata: null, spec: { owner: 'a' } },
      { kind: 'Component', apiVersion: 'backstage.io/v1alpha1', metadata: { name: 5 }, spec: { owner: 'a' } },
      { kind: 'Component', apiVersion: 'backstage.io/v1alpha1', metadata: { name: 'x' }, spec: [] }];
    for (const entity of odd) {
      expect(() => deriveRelationsWithErrors(entity as Entity)).not.toThrow();
    }
  });

  it('uses a given registry, e.g. with a kind no module declares', () => {
    const widget = defineKindPolicy({
      kind: 'Widget',
      apiVersions: ['example.com/v1alpha1'],
      specSchema: { type: 'object' },
      relationFields: [{ field: 'owner', type: 'ownedBy', reverse: 'ownerOf', defaultKind: 'Group' }],
    });
    const entity: Entity = { apiVersion: 'example.com/v1alpha1', kind: 'Widget', metadata: { name: 'db' }, spec: { owner: 'platform' } };
    expect(deriveRelations(entity)).toEqual([]);
    expect(deriveRelations(entity, createKindRegistry([widget]))).toEqual([
      { source: 'widget:default/db', type: 'ownedBy', target: 'group:default/platform' },
      { source: 'group:default/platform', type: 'ownerOf', target: 'widget:default/db' },
    ]);
  });
});
