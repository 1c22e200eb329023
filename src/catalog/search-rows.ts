import type { Entity } from '../core/entity.js';
import type { SearchRowTuple } from './derived-rows-diff.js';

const MAX_VALUE_LENGTH = 200;
/** Fields that are bookkeeping, not facts to filter on. */
const SKIPPED = new Set(['metadata.uid', 'metadata.etag', 'relations', 'status']);
/** No skipped key is longer: longer keys are not looked up (hashing each fresh key string was a good part of the cost). */
const LONGEST_SKIPPED = Math.max(...[...SKIPPED].map(key => key.length));

/**
 * Flattens an entity into dotted keys (`spec.owner`, `metadata.tags`, `metadata.annotations.backstage.io/techdocs-ref`),
 * one row per array element, as Backstage's search table does: `[id, key, value, original value]` rows, the key and
 * value lower-cased for case-insensitive matching, both values null when it is too long to index (the key still
 * "exists"), each key and value once. Made as the rows the writer inserts (a 15.7k load makes 322k of them). Relations
 * are not flattened: filters on `relations.<type>` read the relations table, which stays right when the other side
 * changes.
 */
export function searchRowsOf(entity: Entity, id: string): SearchRowTuple[] {
  const rows = new SearchRows(id);
  // An entity without a namespace is flattened as if it had the default one (where a null one stands, else last).
  rows.visit('', entity.metadata.namespace == null ? { ...entity, metadata: { ...entity.metadata, namespace: 'default' } } : entity);
  return rows.rows;
}

/** One entity's rows as they are made, each lower-cased key and value once. */
class SearchRows {
  readonly rows: SearchRowTuple[] = [];
  /** The lower-cased values kept by lower-cased key: one value alone (most keys have one), or a set of them. */
  readonly #seen = new Map<string, string | Set<string>>();

  constructor(readonly id: string) {}

  visit(key: string, value: unknown): void {
    if (key.length <= LONGEST_SKIPPED && SKIPPED.has(key)) return;
    if (value === undefined) return;
    if (Array.isArray(value)) {
      for (const item of value) {
        this.visit(key, item);
        // As in Backstage, each string of a list is also a key of its own: `metadata.tags.java = true`.
        if (typeof item === 'string' && item.length <= MAX_VALUE_LENGTH) this.visit(`${key}.${item}`, true);
      }
      return;
    }
    if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      for (const child of Object.keys(record)) this.visit(key ? `${key}.${child}` : child, record[child]);
      return;
    }
    const text = value === null ? null : String(value);
    const fits = text !== null && text.length <= MAX_VALUE_LENGTH;
    // toLowerCase gives what toLocaleLowerCase('en-US') gives for every code point (only tr, az and lt
    // differ), without resolving the locale on each call: ~100x faster over millions of rows.
    const lowerKey = key.toLowerCase();
    const lowerValue = fits ? text.toLowerCase() : null;
    if (!this.#firstOf(lowerKey, lowerValue)) return;
    this.rows.push([this.id, lowerKey, lowerValue, fits ? text : null]);
  }

  /**
   * Whether this lower-cased key and value come for the first time (the first row of each is kept). No value (null, or
   * too long) counts as the text `null`, as it did when each pair was a `key\u0000value` string: the same rows.
   */
  #firstOf(key: string, lowerValue: string | null): boolean {
    const value = lowerValue ?? 'null';
    const seen = this.#seen.get(key);
    if (seen === undefined) {
      this.#seen.set(key, value);
      return true;
    }
    if (seen instanceof Set) {
      if (seen.has(value)) return false;
      seen.add(value);
      return true;
    }
    if (seen === value) return false;
    this.#seen.set(key, new Set([seen, value]));
    return true;
  }
}
