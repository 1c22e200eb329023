import { badRequest, pointerSegment, type FieldError } from '../../core/problem.js';

/**
 * Backstage's filter predicates (`@backstage/filter-predicates`), as the newer catalog client sends them in
 * `query`: an object whose keys are dotted field paths (each value a primitive, `{ $exists }`, `{ $in }`,
 * `{ $hasPrefix }` or `{ $contains }`), ANDed; or `{ $all: [...] }`, `{ $any: [...] }`, `{ $not: ... }`.
 * Values compare case-insensitively, numbers and booleans as their text.
 */
export type Predicate =
  | { all: Predicate[] }
  | { any: Predicate[] }
  | { not: Predicate }
  | { field: string; match: FieldMatch };

/** What one field must hold; values are lower-cased text. */
export type FieldMatch = { in: string[] } | { exists: boolean } | { prefix: string };

/** A predicate that matches everything (the empty expression). */
export const MATCH_ALL: Predicate = { all: [] };
/** Most nodes (operators, fields and values) one predicate may have, and how deep it may nest. */
export const MAX_PREDICATE_NODES = 200;
export const MAX_PREDICATE_DEPTH = 8;

/**
 * Reads a `query` body field, refusing (400, each problem naming its place under `pointer`) anything that is
 * not a predicate, or one bigger than MAX_PREDICATE_NODES or deeper than MAX_PREDICATE_DEPTH.
 * @example parsePredicate({ kind: 'Component', 'spec.type': { $in: ['service', 'website'] } }, '/query')
 */
export function parsePredicate(value: unknown, pointer = '/query'): Predicate {
  const errors: FieldError[] = [];
  let nodes = 0;
  const fail = (at: string, detail: string): Predicate => {
    errors.push({ pointer: at, detail });
    return MATCH_ALL;
  };
  const primitive = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  const text = (v: string | number | boolean) => String(v).toLocaleLowerCase('en-US');

  const predicate = (v: unknown, at: string, depth: number): Predicate => {
    if (++nodes > MAX_PREDICATE_NODES || depth > MAX_PREDICATE_DEPTH) return fail(pointer, `must have at most ${MAX_PREDICATE_NODES} nodes and nest at most ${MAX_PREDICATE_DEPTH} deep`);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return fail(at, 'must be an object (a filter predicate)');
    const entries = Object.entries(v);
    const operator = entries.find(([key]) => key.startsWith('$'));
    if (operator) {
      const [key, operand] = operator;
      const here = `${at}/${pointerSegment(key)}`;
      if (entries.length > 1) return fail(at, `${key} must stand alone in its object`);
      if (key === '$not') return { not: predicate(operand, here, depth + 1) };
      if (key !== '$all' && key !== '$any') return fail(here, 'is not an operator: use $all, $any or $not, or a field path');
      if (!Array.isArray(operand)) return fail(here, 'must be an array of predicates');
      const list = operand.map((item, i) => predicate(item, `${here}/${i}`, depth + 1));
      return key === '$all' ? { all: list } : { any: list };
    }
    return { all: entries.map(([field, operand]) => ({ field: field.toLocaleLowerCase('en-US'), match: fieldMatch(operand, `${at}/${pointerSegment(field)}`) })) };
  };

  const fieldMatch = (v: unknown, at: string): FieldMatch => {
    nodes++;
    if (primitive(v)) return { in: [text(v)] };
    const entries = v && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v) : [];
    if (entries.length !== 1) return invalid(at, 'must be a string, number or boolean, or one of { $exists }, { $in }, { $hasPrefix }, { $contains }');
    const [[key, operand]] = entries as [[string, unknown]];
    const here = `${at}/${pointerSegment(key)}`;
    switch (key) {
      case '$exists':
        return typeof operand === 'boolean' ? { exists: operand } : invalid(here, 'must be true or false');
      case '$in':
        nodes += Array.isArray(operand) ? operand.length : 0;
        return Array.isArray(operand) && operand.every(primitive) ? { in: operand.map(text) } : invalid(here, 'must be an array of strings, numbers or booleans');
      case '$hasPrefix':
        return typeof operand === 'string' ? { prefix: text(operand) } : invalid(here, 'must be a string');
      case '$contains':
        // Array items are indexed under their array's path, so "contains X" is "has X" there.
        if (primitive(operand)) return { in: [text(operand)] };
        if (operand && typeof operand === 'object' && Array.isArray((operand as { $any?: unknown }).$any) && Object.keys(operand).length === 1) {
          const any = (operand as { $any: unknown[] }).$any;
          nodes += any.length;
          if (any.every(primitive)) return { in: any.map(text) };
        }
        return invalid(here, 'must be a string, number or boolean, or { $any: [...] } of them');
      default:
        return invalid(here, 'is not a value operator: use $exists, $in, $hasPrefix or $contains');
    }
  };
  const invalid = (at: string, detail: string): FieldMatch => {
    errors.push({ pointer: at, detail });
    return { exists: true };
  };

  const parsed = predicate(value, pointer, 1);
  if (nodes > MAX_PREDICATE_NODES) errors.push({ pointer, detail: `must have at most ${MAX_PREDICATE_NODES} nodes and nest at most ${MAX_PREDICATE_DEPTH} deep` });
  if (errors.length) {
    const unique = [...new Map(errors.map(e => [`${e.pointer} ${e.detail}`, e])).values()];
    throw badRequest(`Invalid query: ${unique.map(e => `${e.pointer} ${e.detail}`).join('; ')}`, unique);
  }
  return parsed;
}

/**
 * Whether a plain record (keys are the field paths, values text or lists of text) satisfies a predicate;
 * for small collections read whole, such as locations.
 * @example matchesPredicate(parsePredicate({ type: 'url' }), { id: 'l1', type: 'url', target: 'https://…' }) // true
 */
export function matchesPredicate(predicate: Predicate, record: Record<string, string | string[] | undefined>): boolean {
  if ('all' in predicate) return predicate.all.every(p => matchesPredicate(p, record));
  if ('any' in predicate) return predicate.any.some(p => matchesPredicate(p, record));
  if ('not' in predicate) return !matchesPredicate(predicate.not, record);
  const key = Object.keys(record).find(k => k.toLocaleLowerCase('en-US') === predicate.field);
  const raw = key === undefined ? undefined : record[key];
  const values = raw === undefined ? [] : (Array.isArray(raw) ? raw : [raw]).map(v => v.toLocaleLowerCase('en-US'));
  const match = predicate.match;
  if ('exists' in match) return match.exists === values.length > 0;
  if ('prefix' in match) return values.some(v => v.startsWith(match.prefix));
  return values.some(v => match.in.includes(v));
}

/**
 * A parsed predicate as a `query` again, in its present order (parsing the result gives the same
 * predicate, with no more nodes or depth than the original had): cursors carry the order the first page chose.
 * @example formatPredicate(parsePredicate({ kind: 'Component' })) // { kind: 'component' }
 */
export function formatPredicate(predicate: Predicate): unknown {
  if ('any' in predicate) return { $any: predicate.any.map(formatPredicate) };
  if ('not' in predicate) return { $not: formatPredicate(predicate.not) };
  if ('field' in predicate) return { [predicate.field]: formatMatch(predicate.match) };
  // One object of fields, as `{ kind, 'spec.owner' }` is written, when its items allow it.
  const fields = predicate.all.flatMap(p => ('field' in p ? [p] : []));
  if (fields.length === predicate.all.length && new Set(fields.map(f => f.field)).size === fields.length) {
    return Object.fromEntries(fields.map(f => [f.field, formatMatch(f.match)]));
  }
  return { $all: predicate.all.map(formatPredicate) };
}

function formatMatch(match: FieldMatch): unknown {
  if ('exists' in match) return { $exists: match.exists };
  if ('prefix' in match) return { $hasPrefix: match.prefix };
  return match.in.length === 1 ? match.in[0] : { $in: match.in };
}
