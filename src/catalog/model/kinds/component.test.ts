import { describe, expect, it } from 'vitest';
import type { Entity } from '../../../core/entity.js';
import { deriveRelations, deriveRelationsWithErrors } from '../relations.js';
import { validateEntity } from '../validate-entity.js';
import { componentPolicy } from './component.js';

const API_VERSION = 'backstage.io/v1alpha1';

function entity(spec: Record<string, unknown>, namespace?: string): Entity {
  return {
    apiVersion: API_VERSION,
    kind: 'Component',
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

describe('Component policy', () => {
  it('covers kind Component', () => {
    expect(componentPolicy.kind).toBe('Component');
  });
  it('applies to backstage.io/v1alpha1 and v1beta1', () => {
    expect(componentPolicy.apiVersions).toEqual(['backstage.io/v1alpha1', 'backstage.io/v1beta1']);
  });

  it('accepts minimal and full specs', () => {
    expect(specErrors({ type: 'service', lifecycle: 'production', owner: 'team-a' })).toEqual([]);
    expect(
      specErrors({
        type: 'service', lifecycle: 'production', owner: 'team-a', system: 's', subcomponentOf: 'c',
        providesApis: ['a'], consumesApis: [], dependsOn: ['resource:db'], dependencyOf: 'anything', extra: { x: 1 },
      }),
    ).toEqual([]);
  });

  it('requires type, lifecycle and owner', () => {
    expect(specErrors({})).toEqual(['/spec/type required', '/spec/lifecycle required', '/spec/owner required']);
  });

  it('types every known field', () => {
    expect(
      specErrors({ type: '', lifecycle: 1, owner: [], system: '', subcomponentOf: 2, providesApis: 'a', consumesApis: [''], dependsOn: [3] }),
    ).toEqual([
      '/spec/type non-empty', '/spec/lifecycle type', '/spec/owner type', '/spec/system non-empty', '/spec/subcomponentOf type',
      '/spec/providesApis type', '/spec/consumesApis/0 non-empty', '/spec/dependsOn/0 type',
    ]);
  });

  it('derives owner, subcomponentOf, APIs, dependencies and system with Backstage\'s default kinds', () => {
    expect(
      lines(entity({
        type: 'service', lifecycle: 'p', owner: 'team-a', subcomponentOf: 'parent', providesApis: ['pay-api'],
        consumesApis: ['other/fx-api'], dependsOn: ['resource:db'], dependencyOf: ['component:web'], system: 'billing',
      }, 'fin')),
    ).toEqual([
      'component:fin/x ownedBy group:fin/team-a', 'group:fin/team-a ownerOf component:fin/x',
      'component:fin/x partOf component:fin/parent', 'component:fin/parent hasPart component:fin/x',
      'component:fin/x providesApi api:fin/pay-api', 'api:fin/pay-api apiProvidedBy component:fin/x',
      'component:fin/x consumesApi api:other/fx-api', 'api:other/fx-api apiConsumedBy component:fin/x',
      'component:fin/x dependsOn resource:fin/db', 'resource:fin/db dependencyOf component:fin/x',
      'component:fin/x dependencyOf component:fin/web', 'component:fin/web dependsOn component:fin/x',
      'component:fin/x partOf system:fin/billing', 'system:fin/billing hasPart component:fin/x',
    ]);
  });

  it('needs an explicit kind in dependsOn and dependencyOf (no default kind in Backstage)', () => {
    const result = deriveRelationsWithErrors(entity({ type: 's', lifecycle: 'p', owner: 'user:me', dependsOn: ['db'], dependencyOf: 'web' }));
    expect(result.relations.map(r => r.type)).toEqual(['ownedBy', 'ownerOf']);
    expect(result.errors.map(e => e.pointer)).toEqual(['/spec/dependsOn/0', '/spec/dependencyOf']);
  });
});
