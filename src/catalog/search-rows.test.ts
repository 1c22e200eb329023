import { describe, expect, it } from 'vitest';
import type { Entity } from '../core/entity.js';
import { searchRowsOf } from './search-rows.js';

const entity = (metadata: Record<string, unknown>, spec: Record<string, unknown>): Entity =>
  ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'a', ...metadata }, spec }) as unknown as Entity;

describe('searchRowsOf', () => {
  it('flattens into lower-cased dotted keys, list strings as keys too, bookkeeping left out', () => {
    const rows = searchRowsOf(
      { ...entity({ namespace: 'Ns', uid: 'u', etag: 'e', tags: ['Java'], annotations: { 'backstage.io/X': 'Ünïcödé Σ' } }, { owner: 'Team-A' }), relations: [{ type: 'ownedBy', targetRef: 'group:ns/team-a' }], status: { items: [] } } as unknown as Entity,
      'id1',
    );
    expect(rows).toEqual([
      ['id1', 'apiversion', 'backstage.io/v1alpha1', 'backstage.io/v1alpha1'],
      ['id1', 'kind', 'component', 'Component'],
      ['id1', 'metadata.name', 'a', 'a'],
      ['id1', 'metadata.namespace', 'ns', 'Ns'],
      ['id1', 'metadata.tags', 'java', 'Java'],
      ['id1', 'metadata.tags.java', 'true', 'true'],
      ['id1', 'metadata.annotations.backstage.io/x', 'ünïcödé σ', 'Ünïcödé Σ'],
      ['id1', 'spec.owner', 'team-a', 'Team-A'],
    ]);
  });

  it('adds the default namespace last of the metadata when there is none, where a null one stands', () => {
    const keys = (rows: ReturnType<typeof searchRowsOf>) => rows.map(row => `${row[1]}=${row[2]}`);
    expect(keys(searchRowsOf(entity({ title: 'T' }, {}), 'i'))).toEqual(['apiversion=backstage.io/v1alpha1', 'kind=component', 'metadata.name=a', 'metadata.title=t', 'metadata.namespace=default']);
    expect(keys(searchRowsOf(entity({ namespace: null, title: 'T' }, {}), 'i'))).toEqual(['apiversion=backstage.io/v1alpha1', 'kind=component', 'metadata.name=a', 'metadata.namespace=default', 'metadata.title=t']);
  });

  it('keeps each lower-cased key and value once, the first row of them', () => {
    const rows = searchRowsOf(entity({ namespace: 'default' }, { Owner: 'X', owner: 'x', 'deep.key': 1, deep: { key: '1', Key: 2 }, list: ['B', 'b', 'c', 'B'] }), 'i').slice(4);
    expect(rows).toEqual([
      ['i', 'spec.owner', 'x', 'X'],
      ['i', 'spec.deep.key', '1', '1'],
      ['i', 'spec.deep.key', '2', '2'],
      ['i', 'spec.list', 'b', 'B'],
      ['i', 'spec.list.b', 'true', 'true'],
      ['i', 'spec.list', 'c', 'c'],
      ['i', 'spec.list.c', 'true', 'true'],
    ]);
  });

  it('gives no value for null and for values too long, once a key, the text "null" counting as no value', () => {
    const long = 'x'.repeat(201);
    const rows = searchRowsOf(entity({ namespace: 'default' }, { a: [null, long, 'null', 'NULL'], b: [long, null], c: ['y'.repeat(200)], d: ['null', null] }), 'i').slice(4);
    expect(rows).toEqual([
      ['i', 'spec.a', null, null],
      ['i', 'spec.a.null', 'true', 'true'],
      ['i', 'spec.b', null, null],
      ['i', 'spec.c', 'y'.repeat(200), 'y'.repeat(200)],
      ['i', `spec.c.${'y'.repeat(200)}`, 'true', 'true'],
      ['i', 'spec.d', 'null', 'null'],
      ['i', 'spec.d.null', 'true', 'true'],
    ]);
  });

  it('leaves out only the bookkeeping keys themselves, not longer keys that start like them', () => {
    const rows = searchRowsOf(entity({ namespace: 'default', 'uid.x': 'kept', etagged: 'kept' }, { status: 's', relations: 'r' }), 'i').slice(3);
    expect(rows.map(row => row[1])).toEqual(['metadata.namespace', 'metadata.uid.x', 'metadata.etagged', 'spec.status', 'spec.relations']);
  });
});
