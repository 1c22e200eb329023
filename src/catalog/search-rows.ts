import type { Entity } from '../core/entity.js';
import type { SearchRowTuple } from './derived-rows-diff.js';

const MAX_VALUE_LENGTH = 200;
/** Fields that are bookkeeping, not facts to filter on. */
const SKIPPED = new Set(['metadata.uid', 'metadata.etag', 'relations', 'status']);

/**
 * Flattens an entity into dotted keys (`spec.owner`, `metadata.tags`, `metadata.annotations.backstage.io/techdocs-ref`),
 * one row per array element, as Backstage's search table does: `[id, key, value, original value]` rows, the key and
 * value lower-cased for case-insensitive matching, both values null when it is too long to index (the key still
 * "exists"), each key and value once. Made as the rows the writer inserts (a 15.7k load makes 322k of them). Relations
 * are not flattened: filters on `relations.<type>` read the relations table, which stays right when the other side
 * changes.
 */
export function searchRowsOf(entity: Entity, id: string): SearchRowTuple[] {
  const rows: SearchRowTuple[] = [];
  const seen = new Set<string>();
  const visit = (key: string, value: unknown): void => {
    if (SKIPPED.has(key)) return;
    if (value === undefined) return;
    if (Array.isArray(value)) {
      for (const item of value) {
        visit(key, item);
        // As in Backstage, each string of a list is also a key of its own: `metadata.tags.java = true`.
        if (typeof item === 'string' && item.length <= MAX_VALUE_LENGTH) visit(`${key}.${item}`, true);
      }
      return;
    }
    if (value !== null && typeof value === 'object') {
      for (const [child, childValue] of Object.entries(value)) visit(key ? `${key}.${child}` : child, childValue);
      return;
    }
    const text = value === null ? null : String(value);
    const fits = text !== null && text.length <= MAX_VALUE_LENGTH;
    // toLowerCase gives what toLocaleLowerCase('en-US') gives for every code point (only tr, az and lt
    // differ), without resolving the locale on each call: ~100x faster over millions of rows.
    const lowerKey = key.toLowerCase();
    const lowerValue = fits ? text.toLowerCase() : null;
    // The first row of a key and value is kept.
    const once = `${lowerKey}\u0000${lowerValue}`;
    if (seen.has(once)) return;
    seen.add(once);
    rows.push([id, lowerKey, lowerValue, fits ? text : null]);
  };
  visit('', { ...entity, metadata: { ...entity.metadata, namespace: entity.metadata.namespace ?? 'default' } });
  return rows;
}
