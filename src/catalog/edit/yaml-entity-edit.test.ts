import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { applyEntityEdit as applyEdit } from './yaml-entity-edit.js';
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

const applyEntityEdit = (text: string, edited: Entity) => applyEdit(text, edited).text;

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

describe('applyEntityEdit on the demo catalog (demo/catalog/components/commerce.yaml)', () => {
  const file = readFileSync(new URL('../../../demo/catalog/components/commerce.yaml', import.meta.url), 'utf8');
  const documents = parseAllDocuments(file).map(doc => doc.toJS() as Entity);
  const web = documents.find(doc => doc.metadata.name === 'storefront-web')!;
  const edit = (change: (entity: Entity) => void) => {
    const edited = structuredClone(web);
    change(edited);
    return applyEdit(file, edited);
  };

  /** The lines that differ between two texts (one contiguous stretch around the edit). */
  const changedLines = (before: string, after: string) => {
    const a = before.split('\n');
    const b = after.split('\n');
    let start = 0;
    while (start < a.length && a[start] === b[start]) start++;
    let end = 0;
    while (end < Math.min(a.length, b.length) - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
    return { removed: a.slice(start, a.length - end), added: b.slice(start, b.length - end) };
  };

  it('changes one word of a folded description on its one line, and names the field', () => {
    const { text, fields } = edit(e => { e.metadata.description = e.metadata.description!.replace('browsing', 'exploring'); });
    expect(changedLines(file, text)).toEqual({
      removed: ['    The larkspur.example web shop. Server-rendered Next.js pages for browsing'],
      added: ['    The larkspur.example web shop. Server-rendered Next.js pages for exploring'],
    });
    expect(fields).toEqual(['metadata.description']);
    expect((parseAllDocuments(text)[0]!.toJS() as Entity).metadata.description).toContain('for exploring aisles');
  });

  it('changes one list item, one spec field, adds one field and removes one, each on its own lines', () => {
    expect(changedLines(file, edit(e => { e.metadata.tags![1] = 'react'; }).text)).toEqual({
      removed: ['  tags: [typescript, nextjs, customer-facing]'],
      added: ['  tags: [typescript, react, customer-facing]'],
    });
    expect(changedLines(file, edit(e => { e.spec!.lifecycle = 'deprecated'; }).text)).toEqual({ removed: ['  lifecycle: production'], added: ['  lifecycle: deprecated'] });
    const added = edit(e => { e.spec!.subcomponentOf = 'web-shop-suite'; });
    expect(changedLines(file, added.text)).toEqual({ removed: [], added: ['  subcomponentOf: web-shop-suite'] });
    expect(added.fields).toEqual(['spec.subcomponentOf']);
    expect(changedLines(file, edit(e => { delete e.spec!.system; }).text)).toEqual({ removed: ['  system: web-shop'], added: [] });
  });

  it('keeps the comments and every other document byte for byte', () => {
    const { text } = edit(e => { e.metadata.title = 'Storefront: web'; });
    expect(changedLines(file, text)).toEqual({ removed: ['  title: Storefront web'], added: ['  title: "Storefront: web"'] });
    expect(text.startsWith('# Commerce domain: web shop, product catalogue and checkout.\n# ----')).toBe(true);
    expect(text.slice(text.indexOf('\n---\n'))).toBe(file.slice(file.indexOf('\n---\n')));
  });
});
