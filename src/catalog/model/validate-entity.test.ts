import { describe, expect, it } from 'vitest';
import { defineKindPolicy } from './kind-policy.js';
import { builtinKindPolicies, createKindRegistry } from './kind-registry.js';
import { MAX_ERRORS_PER_ENTITY, validateEntity } from './validate-entity.js';

type Doc = Record<string, unknown>;

const valid = (): Doc => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    title: 'Payments',
    description: '',
    labels: { tier: 'gold', 'example.com/empty': '' },
    annotations: { 'backstage.io/techdocs-ref': 'dir:.', 'example.com/json': '{"a": 1}' },
    tags: ['java', 'c++', 'c#', 'lang:java'],
    links: [{ url: 'https://example.com', title: 'Home', icon: 'web', type: 'website' }],
    custom: { anything: true },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a', custom: 1 },
});

function errorsOf(doc: unknown): string[] {
  return validateEntity(doc).errors.map(e => `${e.pointer} ${e.rule}`);
}

function withMetadata(metadata: Doc): Doc {
  const doc = valid();
  return { ...doc, metadata: { ...(doc.metadata as Doc), ...metadata } };
}

describe('validateEntity: success', () => {
  it('returns a deep copy with the namespace defaulted after the name, nothing else changed', () => {
    const input = valid();
    const before = structuredClone(input);
    const { entity, errors } = validateEntity(input);
    expect(errors).toEqual([]);
    expect(input).toEqual(before);
    expect(entity).not.toBe(input);
    expect(entity?.metadata).not.toBe(input.metadata);
    expect(Object.keys(entity?.metadata ?? {}).slice(0, 2)).toEqual(['name', 'namespace']);
    const { namespace, ...rest } = entity?.metadata ?? { name: '' };
    expect(namespace).toBe('default');
    expect({ ...entity, metadata: rest }).toEqual(input);
  });

  it('keeps a given namespace', () => {
    expect(validateEntity(withMetadata({ namespace: 'finance' })).entity?.metadata.namespace).toBe('finance');
  });

  it('accepts a valid envelope of an unknown kind without spec checks', () => {
    const doc = { apiVersion: 'example.com/v1', kind: 'Environment', metadata: { name: 'dev' }, spec: { lifecycle: 5 } };
    expect(validateEntity(doc).errors).toEqual([]);
    expect(validateEntity({ apiVersion: 'v1', kind: 'Thing', metadata: { name: 'x' } }).errors).toEqual([]);
  });

  it('refuses a built-in kind in another case, or an apiVersion of Backstage’s it does not have, naming the spelling meant', () => {
    expect(validateEntity({ ...valid(), kind: 'component', spec: {} }).errors).toEqual([expect.objectContaining({ pointer: '/kind', rule: 'kind-typo', detail: expect.stringMatching(/did you mean Component\?$/) })]);
    expect(validateEntity({ ...valid(), kind: 'Api' }).errors).toEqual([expect.objectContaining({ pointer: '/kind', detail: expect.stringMatching(/did you mean API\?$/) })]);
    for (const apiVersion of ['backstage.io/v2', 'v1alpha1', 'v1', 'scaffolder.backstage.io/v1beta3']) {
      expect(validateEntity({ ...valid(), apiVersion }).errors, apiVersion).toEqual([expect.objectContaining({ pointer: '/apiVersion', rule: 'api-version-typo', detail: expect.stringMatching(/did you mean backstage\.io\/v1alpha1\?$/) })]);
    }
    expect(validateEntity({ ...valid(), apiVersion: 'v1beta1' }).errors[0]?.detail).toMatch(/did you mean backstage\.io\/v1beta1\?$/);
    expect(validateEntity({ ...valid(), kind: 'Widget', apiVersion: 'backstage.io/v3' }).errors).toEqual([expect.objectContaining({ pointer: '/apiVersion', detail: expect.stringMatching(/did you mean backstage\.io\/v1alpha1\?$/) })]);
  });

  it('keeps custom kinds welcome, under the organisation’s own apiVersion or Backstage’s', () => {
    expect(validateEntity({ apiVersion: 'acme.com/v1', kind: 'Widget', metadata: { name: 'w' } }).errors).toEqual([]);
    expect(validateEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Widget', metadata: { name: 'w' } }).errors).toEqual([]);
    expect(validateEntity({ apiVersion: 'acme.com/v1', kind: 'component', metadata: { name: 'w' } }).errors).toEqual([]);
  });

  it('accepts well-formed relations and status at the root', () => {
    const doc = {
      ...valid(),
      relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a', target: { kind: 'group', namespace: 'default', name: 'team-a' } }],
      status: { phase: 'Ready', items: [{ type: 'x', level: 'warning', message: '', error: { name: 'E', message: 'm', code: 'c' } }] },
    };
    expect(validateEntity(doc).errors).toEqual([]);
  });
});

describe('validateEntity: the root', () => {
  it.each([null, undefined, 'x', 5, true, [], [valid()]])('rejects a non-object document %j', raw => {
    const { entity, errors } = validateEntity(raw);
    expect(entity).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ pointer: '', rule: 'type' });
  });

  it('requires apiVersion, kind and metadata', () => {
    expect(errorsOf({})).toEqual(['/apiVersion required', '/kind required', '/metadata required']);
    expect(errorsOf({ apiVersion: null, kind: null, metadata: null })).toEqual(['/apiVersion required', '/kind required', '/metadata required']);
  });

  it('rejects foreign root fields, naming each', () => {
    const { errors } = validateEntity({ ...valid(), links: [], Spec: {}, 'a/b': 1 });
    expect(errors.map(e => e.pointer)).toEqual(['/links', '/Spec', '/a~1b']);
    expect(errors[0]?.detail).toBe('is not an entity field; the root may only hold apiVersion, kind, metadata, spec, relations, status');
    expect(errors[0]?.rule).toBe('unknown-field');
  });

  it('checks apiVersion and kind formats and types', () => {
    expect(errorsOf({ ...valid(), apiVersion: 'Backstage.io/v1', kind: 'Com-ponent' })).toEqual(['/apiVersion api-version', '/kind kind']);
    expect(errorsOf({ ...valid(), apiVersion: 1, kind: ['Component'] })).toEqual(['/apiVersion type', '/kind type']);
  });

  it('checks the types of metadata and spec', () => {
    expect(errorsOf({ ...valid(), metadata: [] })).toEqual(['/metadata type']);
    expect(errorsOf({ ...valid(), spec: [] })).toEqual(['/spec type']);
    expect(errorsOf({ ...valid(), spec: null })).toEqual(['/spec type']);
  });

  it('checks the shape of relations and status', () => {
    expect(errorsOf({ ...valid(), relations: {} })).toEqual(['/relations type']);
    expect(errorsOf({ ...valid(), relations: [5, { type: 'a-b', targetRef: '', x: 1, target: { kind: 'k', name: '', y: 1 } }] })).toEqual([
      '/relations/0 type',
      '/relations/1/x unknown-field',
      '/relations/1/type pattern',
      '/relations/1/targetRef non-empty',
      '/relations/1/target/y unknown-field',
      '/relations/1/target/namespace required',
      '/relations/1/target/name non-empty',
    ]);
    expect(errorsOf({ ...valid(), status: [] })).toEqual(['/status type']);
    expect(errorsOf({ ...valid(), status: { items: [{ type: '', level: 'fatal', message: 5, error: { message: 'm', stack: 1 } }] } })).toEqual([
      '/status/items/0/type non-empty',
      '/status/items/0/level enum',
      '/status/items/0/message type',
      '/status/items/0/error/name required',
      '/status/items/0/error/stack type',
    ]);
  });
});

describe('validateEntity: metadata', () => {
  it('requires a valid name and names the rule', () => {
    expect(validateEntity(withMetadata({ name: 'invalid component' })).errors).toEqual([
      {
        pointer: '/metadata/name',
        detail: 'must match ^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$ and be at most 63 characters',
        rule: 'name',
      },
    ]);
    expect(errorsOf(withMetadata({ name: undefined }))).toEqual(['/metadata/name required']);
    expect(errorsOf(withMetadata({ name: 42 }))).toEqual(['/metadata/name type']);
  });

  it('checks the namespace when given, including null and empty', () => {
    expect(errorsOf(withMetadata({ namespace: 'Finance' }))).toEqual(['/metadata/namespace namespace']);
    expect(errorsOf(withMetadata({ namespace: '' }))).toEqual(['/metadata/namespace namespace']);
    expect(errorsOf(withMetadata({ namespace: null }))).toEqual(['/metadata/namespace type']);
  });

  it('checks title, description, uid and etag', () => {
    expect(errorsOf(withMetadata({ title: '', description: 5, uid: '', etag: 1 }))).toEqual([
      '/metadata/title non-empty',
      '/metadata/description type',
      '/metadata/uid non-empty',
      '/metadata/etag type',
    ]);
    expect(errorsOf(withMetadata({ title: ' ', description: '' }))).toEqual([]);
  });

  it('checks label keys and values', () => {
    expect(validateEntity(withMetadata({ labels: { 'Example.com/x': 'ok', 'a/b': 'bad value', n: 1.2 } })).errors).toEqual([
      expect.objectContaining({ pointer: '/metadata/labels/Example.com~1x', rule: 'label-key' }),
      expect.objectContaining({ pointer: '/metadata/labels/a~1b', rule: 'label-value' }),
      {
        pointer: '/metadata/labels/n',
        detail: 'label value must be a string (found number; quote it in YAML)',
        rule: 'type',
      },
    ]);
    expect(errorsOf(withMetadata({ labels: ['a'] }))).toEqual(['/metadata/labels type']);
    expect(errorsOf(withMetadata({ labels: null }))).toEqual(['/metadata/labels type']);
  });

  it('checks annotation keys and values', () => {
    expect(errorsOf(withMetadata({ annotations: { 'a b': 'x', flag: true, '': 'y' } }))).toEqual([
      '/metadata/annotations/a b annotation-key',
      '/metadata/annotations/flag type',
      '/metadata/annotations/ annotation-key',
    ]);
    expect(errorsOf(withMetadata({ annotations: 'x' }))).toEqual(['/metadata/annotations type']);
  });

  it('checks tags', () => {
    expect(errorsOf(withMetadata({ tags: ['go', 'go 1.15', 'Go', 3, ''] }))).toEqual([
      '/metadata/tags/1 tag',
      '/metadata/tags/2 tag',
      '/metadata/tags/3 type',
      '/metadata/tags/4 tag',
    ]);
    expect(errorsOf(withMetadata({ tags: 'go' }))).toEqual(['/metadata/tags type']);
  });

  it('checks links', () => {
    expect(errorsOf(withMetadata({ links: [{ url: 'x', title: ' ' }, 'y', {}] }))).toEqual([
      '/metadata/links/0/url url',
      '/metadata/links/0/title non-empty',
      '/metadata/links/1 type',
      '/metadata/links/2/url required',
    ]);
    expect(errorsOf(withMetadata({ links: {} }))).toEqual(['/metadata/links type']);
  });
});

describe('validateEntity: spec of known kinds', () => {
  it('requires spec', () => {
    const { spec: _spec, ...doc } = valid();
    expect(validateEntity(doc).errors).toEqual([{ pointer: '/spec', detail: 'is required for kind Component', rule: 'required' }]);
  });

  it('reports spec errors with the envelope errors, all at once', () => {
    expect(errorsOf({ ...withMetadata({ name: 'a b', tags: ['X'] }), extra: 1, spec: { owner: '', dependsOn: 'x' } })).toEqual([
      '/extra unknown-field',
      '/metadata/name name',
      '/metadata/tags/0 tag',
      '/spec/type required',
      '/spec/lifecycle required',
      '/spec/owner non-empty',
      '/spec/dependsOn type',
    ]);
  });

  it('uses a given registry for a kind no module declares', () => {
    const widget = defineKindPolicy({
      kind: 'Widget',
      apiVersions: ['example.com/v1alpha1'],
      specSchema: { type: 'object', required: ['version'], properties: { version: { type: 'string' } } },
    });
    const registry = createKindRegistry([...builtinKindPolicies, widget]);
    const doc = { apiVersion: 'example.com/v1alpha1', kind: 'Widget', metadata: { name: 'postgres' }, spec: {} };
    expect(validateEntity(doc).errors).toEqual([]);
    expect(validateEntity(doc, { registry }).errors).toEqual([{ pointer: '/spec/version', detail: 'is required', rule: 'required' }]);
  });
});

describe('validateEntity: never throws', () => {
  it('survives hostile and odd inputs', () => {
    const cyclic: Doc = { apiVersion: 'v1', kind: 'Thing', metadata: { name: 'x' }, spec: {} };
    (cyclic.spec as Doc).self = cyclic;
    let deep: Doc = {};
    const deepRoot = { apiVersion: 'v1', kind: 'Thing', metadata: { name: 'x' }, spec: deep };
    for (let i = 0; i < 100_000; i++) {
      const next: Doc = {};
      deep.a = next;
      deep = next;
    }
    const throwingGetter = { apiVersion: 'v1', kind: 'Thing', get metadata(): never { throw new Error('boom'); } };
    const throwingProxy = new Proxy({}, { ownKeys: () => { throw new Error('no keys'); } });
    const hostileError = new Proxy({}, { get: () => { throw new Error('x'); }, ownKeys: () => { throw { toString: () => { throw new Error('y'); } }; } });
    const inputs: unknown[] = [
      cyclic, deepRoot, throwingGetter, throwingProxy, hostileError, Symbol('s'), () => 1, 10n, new Date(), new Map(),
      { apiVersion: 'v1', kind: 'Thing', metadata: { name: 'x', fn: () => 1 } },
      { apiVersion: 'v1', kind: 'Thing', metadata: Object.create(null) },
      { apiVersion: 'v1', kind: 'Thing', metadata: { name: 'x', labels: Object.create(null) } },
      { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x' }, spec: { type: Symbol('t') } },
    ];
    for (const input of inputs) {
      let result: ReturnType<typeof validateEntity> | undefined;
      expect(() => (result = validateEntity(input))).not.toThrow();
      expect(Array.isArray(result?.errors)).toBe(true);
    }
    expect(validateEntity(cyclic).errors).toEqual([]);
    expect(validateEntity(throwingGetter).errors.map(e => e.rule)).toContain('internal');
    expect(validateEntity(deepRoot).errors.map(e => e.rule)).toEqual(['json']);
  });

  it('caps the number of errors listed for one document', () => {
    const labels = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`bad key ${i}`, 'v']));
    const { errors } = validateEntity(withMetadata({ labels }));
    expect(errors).toHaveLength(MAX_ERRORS_PER_ENTITY + 1);
    expect(errors.at(-1)).toEqual({ pointer: '', detail: `and ${50_000 - MAX_ERRORS_PER_ENTITY} more errors not listed`, rule: 'too-many-errors' });
  });

  it('handles a large valid entity', () => {
    const annotations = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`example.com/k${i}`, 'x'.repeat(100)]));
    expect(validateEntity(withMetadata({ annotations })).errors).toEqual([]);
  });
});
