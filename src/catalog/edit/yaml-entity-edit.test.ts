import { describe, expect, it } from 'vitest';
import { applyEntityEdit } from './yaml-entity-edit.js';
import type { Entity } from '../../core/entity.js';

const FILE = `# Payments team catalog
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments
  description: Takes paymnets # typo on purpose
  tags: [java]
spec:
  type: service # the main one
  lifecycle: production
  owner: team-a
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: payments-api
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition:
    $text: ./openapi.yaml
`;

const entity = (overrides: Partial<Entity['metadata']>, spec: Record<string, unknown> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    uid: 'u-1',
    etag: 'e-1',
    description: 'Takes paymnets',
    tags: ['java'],
    annotations: { 'backstage.io/managed-by-location': 'file:/x.yaml' },
    ...overrides,
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a', ...spec },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
});

describe('applyEntityEdit', () => {
  it('changes only the edited field and keeps comments, other documents and derived fields out', () => {
    const out = applyEntityEdit(FILE, entity({ description: 'Takes payments' }));
    expect(out).toContain('description: Takes payments');
    expect(out).toContain('# Payments team catalog');
    expect(out).toContain('type: service # the main one');
    expect(out).toContain('$text: ./openapi.yaml');
    expect(out).not.toContain('managed-by-location');
    expect(out).not.toContain('relations');
    expect(out).not.toContain('uid');
    expect(out.split('\n').length).toBe(FILE.split('\n').length);
  });

  it('adds and removes fields, and keeps placeholders of other entities untouched', () => {
    const api: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'API',
      metadata: { name: 'payments-api', namespace: 'default', title: 'Payments API' },
      spec: { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: 'openapi: 3.0.0 (resolved text)' },
    };
    const out = applyEntityEdit(FILE, api);
    expect(out).toContain('title: Payments API');
    expect(out).toContain('$text: ./openapi.yaml');
    expect(out).not.toContain('resolved text');
    const removed = applyEntityEdit(FILE, entity({ tags: undefined }));
    expect(removed).not.toContain('tags');
  });

  it('keeps CRLF line endings and refuses an entity the file no longer defines', () => {
    const out = applyEntityEdit(FILE.replace(/\n/g, '\r\n'), entity({ description: 'Takes payments' }));
    expect(out).toContain('description: Takes payments # typo on purpose\r\n');
    expect(() => applyEntityEdit(FILE, entity({ name: 'gone' }))).toThrow(/no longer defined/);
  });
});

describe('applyEntityEdit keeps the rest of the file byte for byte', () => {
  const folded = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments
  description: >
    Takes payments from every till
    and the web shop.
  tags: [java, tier-1]
  title: "Payments"
spec:
  type: service
  lifecycle: production
  owner: team-a
`;
  const base = (metadata: Partial<Entity['metadata']>): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments', description: 'Takes payments from every till and the web shop.\n', tags: ['java', 'tier-1'], title: 'Payments', ...metadata },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  });

  it('splices a changed value and leaves folded text and flow lists as written', () => {
    expect(applyEntityEdit(folded, base({ title: 'Payments: cards & cash' }))).toBe(folded.replace('"Payments"', '"Payments: cards & cash"'));
    expect(applyEntityEdit(folded, base({ tags: ['java', 'tier-2'] }))).toBe(folded.replace('[java, tier-1]', '[java, tier-2]'));
  });
});
