/**
 * Whether a value satisfies a JSON Schema, for the part of the language form conditions are written in (an
 * `if`, the branches of `oneOf`/`anyOf` and of `dependencies`): const, enum, type, required, properties,
 * items, string, number and list bounds, pattern, not, allOf/anyOf/oneOf, if/then/else. A walk over the
 * schema with nothing compiled (the portal's CSP forbids eval, so ajv cannot run here); a keyword it does not
 * know holds. It only decides what the form shows: the server validates the values for real.
 */
import { isRecord, type JsonSchema } from './schema.js';

/** Deep equality of plain JSON values (for const and enum). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function hasType(type: string, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isRecord(value);
    case 'array':
      return Array.isArray(value);
    case 'null':
      return value === null;
    default:
      return true;
  }
}

function matchesPattern(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return true; // a pattern this browser cannot read: the server decides
  }
}

/**
 * @example matchesSchema({ properties: { environment: { const: 'prod' } }, required: ['environment'] }, { environment: 'prod' }) // true
 */
export function matchesSchema(schema: JsonSchema | boolean | undefined, value: unknown, depth = 0): boolean {
  if (schema === undefined || schema === true) return true;
  if (schema === false) return false;
  if (depth > 32) return true;
  const next = (s: JsonSchema | boolean | undefined, v: unknown) => matchesSchema(s, v, depth + 1);
  if ('const' in schema && !sameValue(schema.const, value)) return false;
  if (schema.enum && !schema.enum.some((e) => sameValue(e, value))) return false;
  if (schema.type !== undefined && !(Array.isArray(schema.type) ? schema.type : [schema.type]).some((t) => hasType(t, value))) return false;
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) return false;
    if (schema.maxLength !== undefined && value.length > schema.maxLength) return false;
    if (schema.pattern && !matchesPattern(schema.pattern, value)) return false;
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return false;
    if (schema.maximum !== undefined && value > schema.maximum) return false;
  }
  if (isRecord(value)) {
    if (schema.required?.some((key) => value[key] === undefined)) return false;
    for (const [key, sub] of Object.entries(schema.properties ?? {})) if (value[key] !== undefined && !next(sub, value[key])) return false;
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return false;
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return false;
    if (schema.items && !value.every((item) => next(schema.items, item))) return false;
    if (schema.contains !== undefined && !value.some((item) => next(schema.contains, item))) return false;
  }
  if (schema.not !== undefined && next(schema.not, value)) return false;
  if (schema.allOf && !schema.allOf.every((s) => next(s, value))) return false;
  if (schema.anyOf && !schema.anyOf.some((s) => next(s, value))) return false;
  if (schema.oneOf && schema.oneOf.filter((s) => next(s, value)).length !== 1) return false;
  if (isCondition(schema.if) && !next(next(schema.if, value) ? schema.then : schema.else, value)) return false;
  return true;
}

/** A JSON Schema `if` (a schema); a page's own `if:` is an expression (text), which the server evaluates. */
export function isCondition(value: unknown): value is JsonSchema | boolean {
  return typeof value === 'boolean' || isRecord(value);
}
