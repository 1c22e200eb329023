/**
 * JSON text of an engine value, for the `dump` / `jsonify` filters. Same output as
 * `JSON.stringify(value, null, indent)` for data, but reads values only through the
 * safe accessors and stops at the output-size and depth limits (a value built from
 * shared parts can be exponentially larger than the memory it takes).
 */
import type { Budget } from './budget.js';
import { arrayItems, isPlainObject, ownEntries } from './safe-access.js';
import { limitError, type SourceLocation } from './template-error.js';

/**
 * Serializes a value; undefined (and a lone function) gives undefined, like JSON.stringify.
 *
 * @example
 * toJsonText({ a: [1, 'x'] }, undefined, budget);  // '{"a":[1,"x"]}'
 * toJsonText({ a: 1 }, 2, budget);                 // '{\n  "a": 1\n}'
 */
export function toJsonText(value: unknown, indent: unknown, budget: Budget, loc?: SourceLocation): string | undefined {
  const gap =
    typeof indent === 'number' && indent >= 1
      ? ' '.repeat(Math.min(10, Math.floor(indent)))
      : typeof indent === 'string'
        ? indent.slice(0, 10)
        : '';
  const { maxOutputSize, maxDepth } = budget.limits;
  let size = 0;
  const count = (text: string): string => {
    size += text.length;
    if (size > maxOutputSize) throw limitError('maxOutputSize', `JSON text larger than ${maxOutputSize} characters`, loc);
    return text;
  };
  const write = (v: unknown, depth: number, prefix: string): string | undefined => {
    if (depth > maxDepth) throw limitError('maxDepth', `value is nested deeper than ${maxDepth} levels`, loc);
    if (v === null) return count('null');
    if (typeof v === 'string') return count(JSON.stringify(v));
    if (typeof v === 'number') return count(Number.isFinite(v) ? JSON.stringify(v) : 'null');
    if (typeof v === 'boolean') return count(v ? 'true' : 'false');
    if (typeof v === 'bigint') return count(JSON.stringify(v.toString()));
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return undefined;
    if (v instanceof Date) return count(Number.isNaN(v.getTime()) ? 'null' : JSON.stringify(v.toISOString()));
    const inner = prefix + gap;
    const open = gap ? '\n' + inner : '';
    const close = gap ? '\n' + prefix : '';
    const sep = gap ? ',\n' + inner : ',';
    if (Array.isArray(v)) {
      const items = arrayItems(v);
      if (items.length === 0) return count('[]');
      const parts = items.map(item => write(item, depth + 1, inner) ?? count('null'));
      count(open + close + '[]');
      return '[' + open + parts.join(sep) + close + ']';
    }
    if (isPlainObject(v)) {
      const parts: string[] = [];
      for (const [key, item] of ownEntries(v)) {
        const text = write(item, depth + 1, inner);
        if (text === undefined) continue;
        parts.push(count(JSON.stringify(key) + (gap ? ': ' : ':')) + text);
      }
      if (parts.length === 0) return count('{}');
      count(open + close + '{}');
      return '{' + open + parts.join(sep) + close + '}';
    }
    // RegExp and other non-plain objects serialize as JSON.stringify does for them: {}
    return count('{}');
  };
  return write(value, 0, '');
}
