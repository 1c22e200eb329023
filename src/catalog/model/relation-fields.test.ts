import { describe, expect, it } from 'vitest';
import type { Entity } from '../../core/entity.js';
import { relationsFromFields, type RelationField } from './relation-fields.js';

const entity = (spec: unknown, namespace?: string): Entity => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name: 'w', ...(namespace === undefined ? {} : { namespace }) },
  spec: spec as Record<string, unknown>,
});

const fields: RelationField[] = [
  { field: 'owner', type: 'ownedBy', reverse: 'ownerOf', defaultKind: 'Group' },
  { field: 'needs', type: 'dependsOn', reverse: 'dependencyOf' },
];

describe('relationsFromFields', () => {
  it('accepts one ref or a list, in field order', () => {
    expect(relationsFromFields(entity({ needs: 'resource:db', owner: ['a', 'user:b'] }), fields).relations).toEqual([
      { source: 'widget:default/w', type: 'ownedBy', target: 'group:default/a' },
      { source: 'group:default/a', type: 'ownerOf', target: 'widget:default/w' },
      { source: 'widget:default/w', type: 'ownedBy', target: 'user:default/b' },
      { source: 'user:default/b', type: 'ownerOf', target: 'widget:default/w' },
      { source: 'widget:default/w', type: 'dependsOn', target: 'resource:default/db' },
      { source: 'resource:default/db', type: 'dependencyOf', target: 'widget:default/w' },
    ]);
  });

  it('ignores absent, null and empty values as Backstage does', () => {
    expect(relationsFromFields(entity({ owner: '', needs: null }), fields)).toEqual({ relations: [], errors: [] });
    expect(relationsFromFields(entity({ owner: [] }), fields)).toEqual({ relations: [], errors: [] });
  });

  it('inherits the entity namespace, or default', () => {
    expect(relationsFromFields(entity({ owner: 'a' }, 'ops'), fields).relations[0]?.target).toBe('group:ops/a');
    expect(relationsFromFields(entity({ owner: 'a' }, ''), fields).relations[0]).toEqual({
      source: 'widget:default/w', type: 'ownedBy', target: 'group:default/a',
    });
  });

  it('reads refs the way Backstage does (a colon after the first slash belongs to the name)', () => {
    const { relations, errors } = relationsFromFields(entity({ owner: 'ns/a:b', needs: ['Component:NS/A:b', 'ns/component:x'] }), fields);
    expect(relations.filter((_, i) => i % 2 === 0).map(r => r.target)).toEqual(['group:ns/a:b', 'component:ns/a:b']);
    // `ns/component:x` has no kind (the colon is part of the name), and `needs` has no default kind.
    expect(errors.map(e => e.pointer)).toEqual(['/spec/needs/1']);
  });

  it('returns nothing when spec is not an object', () => {
    for (const spec of [undefined, null, [], 'x']) expect(relationsFromFields(entity(spec), fields)).toEqual({ relations: [], errors: [] });
  });
});
