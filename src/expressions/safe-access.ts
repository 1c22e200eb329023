/**
 * The only way the interpreter reads data. A template can see own, enumerable data
 * properties of plain objects, elements and `length` of arrays and strings, and
 * nothing else: no prototype members, no getters, no functions. `constructor`,
 * `__proto__` and `prototype` read as undefined even when present as own keys.
 * Objects the interpreter creates have a null prototype, so no key can reach
 * `Object.prototype`.
 */
import type { Budget } from './budget.js';
import { limitError, type SourceLocation } from './template-error.js';
import { TemplateRegex } from './template-regex.js';

/** Keys never readable, whatever object they are on. */
const BLOCKED_KEYS = new Set([
  '__proto__',
  'constructor',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

/**
 * True for objects made by `{}`, `Object.create(null)` or JSON/YAML parsing.
 *
 * @example
 * isPlainObject({ a: 1 });   // true
 * isPlainObject(new Date()); // false
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A fresh null-prototype object for values the interpreter builds.
 *
 * @example
 * const o = createObject(); o['__proto__'] = 1; // an ordinary own key; no prototype changes
 */
export function createObject(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}

/** Functions and symbols never enter the interpreter. */
function dataOnly(value: unknown): unknown {
  return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
}

/**
 * Reads an own, enumerable data property; anything else is undefined.
 *
 * @example
 * readOwn({ a: 1 }, 'a');        // 1
 * readOwn({ a: 1 }, 'toString'); // undefined
 */
export function readOwn(target: object, key: string): unknown {
  if (BLOCKED_KEYS.has(key)) return undefined;
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  if (!descriptor || !descriptor.enumerable || !('value' in descriptor)) return undefined;
  return dataOnly(descriptor.value);
}

/**
 * Whether a plain object has a readable own key (used by `in`).
 *
 * @example
 * hasOwnReadable({ a: 1 }, 'a');           // true
 * hasOwnReadable({ a: 1 }, 'constructor'); // false
 */
export function hasOwnReadable(target: Record<string, unknown>, key: string): boolean {
  if (BLOCKED_KEYS.has(key)) return false;
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  return !!descriptor && !!descriptor.enumerable && 'value' in descriptor;
}

function indexOf(key: unknown): number | undefined {
  if (typeof key === 'number') return Number.isInteger(key) && key >= 0 ? key : undefined;
  if (typeof key === 'string' && /^(0|[1-9][0-9]*)$/.test(key)) return Number(key);
  return undefined;
}

/**
 * `target.key` / `target[key]` as a template sees it.
 *
 * @example
 * getProperty({ a: [10, 20] }, 'a');  // [10, 20]
 * getProperty([10, 20], 1);           // 20
 * getProperty('abc', 'length');       // 3
 * getProperty('', 'constructor');     // undefined
 */
export function getProperty(target: unknown, key: unknown): unknown {
  if (target === null || target === undefined) return undefined;
  if (typeof key !== 'string' && typeof key !== 'number') return undefined;
  if (typeof target === 'string') {
    if (key === 'length') return target.length;
    const i = indexOf(key);
    return i !== undefined && i < target.length ? target[i] : undefined;
  }
  if (Array.isArray(target)) {
    if (key === 'length') return target.length;
    const i = indexOf(key);
    return i !== undefined && i < target.length ? readOwn(target, String(i)) : undefined;
  }
  if (isPlainObject(target)) return readOwn(target, String(key));
  return undefined;
}

/**
 * Readable `[key, value]` pairs of a plain object, in insertion order.
 *
 * @example
 * ownEntries({ a: 1, b: 2 }); // [['a', 1], ['b', 2]]
 */
export function ownEntries(target: Record<string, unknown>): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const key of Object.keys(target)) {
    if (BLOCKED_KEYS.has(key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    if (!descriptor || !('value' in descriptor)) continue;
    const value = dataOnly(descriptor.value);
    if (typeof descriptor.value === 'function') continue;
    out.push([key, value]);
  }
  return out;
}

/**
 * Elements of an array as the template sees them (holes and accessors read as undefined).
 *
 * @example
 * arrayItems([1, 2]); // [1, 2]
 */
export function arrayItems(target: readonly unknown[]): unknown[] {
  const out: unknown[] = new Array<unknown>(target.length);
  for (let i = 0; i < target.length; i++) out[i] = readOwn(target, String(i));
  return out;
}

/**
 * Copies an engine value into ordinary JSON-like data for the caller, with JSON's rules:
 * null-prototype objects become plain objects, undefined and function members are
 * dropped from objects and become null in arrays, non-finite numbers become null, and
 * dates become ISO strings. Size and depth are bounded by the budget.
 *
 * @example
 * toPlainData(engineValue, budget); // safe to store or send as JSON
 */
export function toPlainData(value: unknown, budget: Budget, loc?: SourceLocation): unknown {
  let size = 0;
  const limits = budget.limits;
  const visit = (v: unknown, depth: number): unknown => {
    if (depth > limits.maxDepth) {
      throw limitError('maxDepth', `value is nested deeper than ${limits.maxDepth} levels`, loc);
    }
    size += 1;
    if (typeof v === 'string') size += v.length;
    if (size > limits.maxOutputSize) {
      throw limitError('maxOutputSize', `value is larger than ${limits.maxOutputSize} characters`, loc);
    }
    if (v === null || v === undefined || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'function' || typeof v === 'symbol') return undefined;
    if (Array.isArray(v)) {
      return arrayItems(v).map(item => {
        const out = visit(item, depth + 1);
        return out === undefined ? null : out;
      });
    }
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
    if (v instanceof TemplateRegex) return v.toString();
    if (isPlainObject(v)) {
      const entries: Array<[string, unknown]> = [];
      for (const [k, item] of ownEntries(v)) {
        const out = visit(item, depth + 1);
        if (out !== undefined) entries.push([k, out]);
      }
      // Object.fromEntries defines own properties, so a "__proto__" key stays a plain key.
      return Object.fromEntries(entries);
    }
    return undefined;
  };
  return visit(value, 0);
}
