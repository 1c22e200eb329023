import { describe, expect, it } from 'vitest';
import type { Entity } from '../core/entity.js';
import { sentBodyOf, storedJson } from './sent-entity.js';

/** What `sent_body` is defined as: the stored entity with its uid and etag last in `metadata`. */
const definition = (stored: Entity, id: string, etag: string) => JSON.stringify({ ...stored, metadata: { ...stored.metadata, uid: id, etag } });

describe('sentBodyOf', () => {
  const odd: Record<string, unknown>[] = [
    { apiVersion: 'v1', kind: 'Component', metadata: { name: 'a' }, spec: { owner: 'x' } },
    // Keys before metadata, one left out of JSON; a nested "metadata" that reads like the real one.
    { spec: { metadata: { name: 'a' }, note: 'é "q" \u2028 😀' }, gone: undefined, kind: 'Component', apiVersion: 'v1', metadata: { name: 'a' } },
    // Integer-like keys come first in an object; uid and etag still last.
    { apiVersion: 'v1', kind: 'Component', metadata: { name: 'a', 2: 'two', 1: 'one', title: 'T' }, status: { items: [] } },
  ];
  it('splices uid and etag into the JSON exactly where spreading them into metadata puts them', () => {
    for (const entity of odd) {
      const stored = entity as unknown as Entity;
      expect(sentBodyOf(stored, JSON.stringify(stored), 'id-1', 'etag/"1"').sent_body).toBe(definition(stored, 'id-1', 'etag/"1"'));
    }
  });
  it('writes the stored JSON as JSON.stringify does, with where metadata closes for the splice', () => {
    for (const entity of [...odd, { apiVersion: 'v1', kind: 'Component', metadata: {}, spec: { a: { b: {} } } }]) {
      const stored = entity as unknown as Entity;
      const { body, metadataEnd } = storedJson(stored);
      expect(body).toBe(JSON.stringify(stored));
      expect(sentBodyOf(stored, body, 'id-1', 'e', metadataEnd)).toEqual(sentBodyOf(stored, body, 'id-1', 'e'));
      expect(sentBodyOf(stored, body, 'id-1', 'e', metadataEnd).sent_body).toBe(definition(stored, 'id-1', 'e'));
    }
  });
  it('marks only entities whose keys by-name’s schema writes in the same order', () => {
    const marks = odd.map(entity => sentBodyOf(entity as unknown as Entity, JSON.stringify(entity), 'i', 'e').schema_ordered);
    expect(marks).toEqual([1, 0, 0]);
  });
});
