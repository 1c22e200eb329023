import { describe, expect, it } from 'vitest';
import type { Entity } from '../../../core/entity.js';
import { deriveRelations } from '../relations.js';
import { validateEntity } from '../validate-entity.js';
import { capabilityPolicy, PAVE_API_VERSION } from './capability.js';

function entity(spec: Record<string, unknown>, apiVersion = PAVE_API_VERSION): Entity {
  return { apiVersion, kind: 'Capability', metadata: { name: 'postgresql' }, spec };
}

const specErrors = (spec: Record<string, unknown>) => validateEntity(entity(spec)).errors.map(e => `${e.pointer} ${e.rule}`);
const lines = (e: Entity) => deriveRelations(e).map(r => `${r.source} ${r.type} ${r.target}`);

describe('Capability policy', () => {
  it('covers kind Capability at pave.dev/v1alpha1 only', () => {
    expect(capabilityPolicy.kind).toBe('Capability');
    expect(capabilityPolicy.apiVersions).toEqual(['pave.dev/v1alpha1']);
    // At another apiVersion it is a custom kind: its envelope alone is checked and it has no relations.
    expect(lines(entity({ owner: 'platform-team' }, 'example.com/v1'))).toEqual([]);
  });

  it('accepts an empty spec and a platform API capability document', () => {
    expect(specErrors({})).toEqual([]);
    expect(specErrors({ version: '1.0.0', api: { group: 'databases.pave.dev', version: 'v1alpha1', kind: 'PostgreSQL', schema: { type: 'object' } }, workflows: { configure: [] } })).toEqual([]);
  });

  it('types its fields', () => {
    expect(specErrors({ owner: '', versions: '1.0.0', dependsOn: [''], api: { kind: 5 } })).toEqual([
      '/spec/owner non-empty', '/spec/versions type', '/spec/dependsOn/0 non-empty', '/spec/api/kind type',
    ]);
  });

  it('derives the owning team and the capabilities it depends on', () => {
    expect(lines(entity({ owner: 'platform-team', dependsOn: ['capability:default/team-namespace'] }))).toEqual([
      'capability:default/postgresql ownedBy group:default/platform-team', 'group:default/platform-team ownerOf capability:default/postgresql',
      'capability:default/postgresql dependsOn capability:default/team-namespace', 'capability:default/team-namespace dependencyOf capability:default/postgresql',
    ]);
  });
});
