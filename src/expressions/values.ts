/**
 * Value semantics of the template language: truthiness, conversion to text and numbers,
 * equality, ordering and the arithmetic operators. They follow Nunjucks (JavaScript)
 * semantics on primitives; on arrays and objects they never call into the values
 * (no `toString`, `valueOf` or getters run), so a value cannot execute anything.
 */
import type { Budget } from './budget.js';
import { arrayItems, getProperty, hasOwnReadable, isPlainObject } from './safe-access.js';
import { limitError, type SourceLocation } from './template-error.js';
import { TemplateRegex } from './template-regex.js';

export type Primitive = string | number | boolean | null | undefined;

/**
 * Whether a value is a primitive (safe for JavaScript's own operators).
 *
 * @example
 * isPrimitive('a'); // true
 * isPrimitive([]);  // false
 */
export function isPrimitive(value: unknown): value is Primitive {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

/**
 * Truthiness as in Nunjucks (JavaScript): '', 0, NaN, false, null and undefined are false;
 * every array and object (even empty) is true.
 *
 * @example
 * isTruthy(''); // false
 * isTruthy([]); // true
 */
export function isTruthy(value: unknown): boolean {
  return !!value;
}

function formatNumber(n: number): string {
  return String(n);
}

/**
 * Renders a value as text the way Nunjucks prints it: undefined and null are '',
 * arrays are their items joined by ",", objects are "[object Object]".
 * Size and depth are bounded when a budget is given.
 *
 * @example
 * toText([1, null, 'a']); // '1,,a'
 * toText(undefined);      // ''
 */
export function toText(value: unknown, budget?: Budget, loc?: SourceLocation): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return arrayText(value, budget, loc);
  if (value instanceof TemplateRegex) return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  return '[object Object]';
}

function arrayText(root: readonly unknown[], budget: Budget | undefined, loc: SourceLocation | undefined): string {
  const maxSize = budget?.limits.maxOutputSize ?? Number.POSITIVE_INFINITY;
  const maxDepth = budget?.limits.maxDepth ?? 200;
  let size = 0;
  const walk = (items: readonly unknown[], depth: number): string => {
    if (depth > maxDepth) throw limitError('maxDepth', `list is nested deeper than ${maxDepth} levels`, loc);
    const parts: string[] = [];
    for (const item of arrayItems(items)) {
      const text = Array.isArray(item) ? walk(item, depth + 1) : toText(item);
      size += text.length + 1;
      if (size > maxSize) throw limitError('maxOutputSize', `text larger than ${maxSize} characters`, loc);
      parts.push(text);
    }
    return parts.join(',');
  };
  return walk(root, 1);
}

/**
 * Converts to a number like JavaScript's `Number()` on primitives; arrays and objects are NaN.
 *
 * @example
 * toNumber('42'); // 42
 * toNumber(null); // 0
 */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (isPrimitive(value)) return Number(value);
  return Number.NaN;
}

/**
 * `==`: JavaScript loose equality between primitives, identity otherwise.
 *
 * @example
 * looseEquals(1, '1');     // true
 * looseEquals(null, undefined); // true
 */
export function looseEquals(a: unknown, b: unknown): boolean {
  // eslint-disable-next-line eqeqeq
  if (isPrimitive(a) && isPrimitive(b)) return a == b;
  return a === b;
}

/**
 * `<`, `>`, `<=`, `>=` on primitives (numbers numerically, two strings by code unit);
 * any comparison involving an array or object is false.
 *
 * @example
 * compareValues('<', 1, 2);     // true
 * compareValues('<', 'a', 'b'); // true
 */
export function compareValues(op: '<' | '>' | '<=' | '>=', a: unknown, b: unknown): boolean {
  if (!isPrimitive(a) || !isPrimitive(b)) return false;
  const x = a as unknown as number;
  const y = b as unknown as number;
  switch (op) {
    case '<':
      return x < y;
    case '>':
      return x > y;
    case '<=':
      return x <= y;
    case '>=':
      return x >= y;
  }
}

/**
 * `needle in haystack`: list membership (strict equality), substring, or own key of an object.
 *
 * @example
 * inOperator('b', ['a', 'b']);   // true
 * inOperator('ell', 'hello');    // true
 * inOperator('toString', {});    // false
 */
export function inOperator(needle: unknown, haystack: unknown): boolean {
  if (Array.isArray(haystack)) return arrayItems(haystack).some(item => item === needle || (Number.isNaN(item) && Number.isNaN(needle)));
  if (typeof haystack === 'string') return isPrimitive(needle) && needle !== undefined && needle !== null && haystack.includes(String(needle));
  if (isPlainObject(haystack)) return (typeof needle === 'string' || typeof needle === 'number') && hasOwnReadable(haystack, String(needle));
  return false;
}

/**
 * `+`: numbers add; if either side is a string, list or object both sides are joined as
 * text (undefined and null as ''); booleans and null count as numbers.
 *
 * @example
 * plus(1, 2);       // 3
 * plus('a', 1);     // 'a1'
 */
export function plus(a: unknown, b: unknown, budget?: Budget, loc?: SourceLocation): unknown {
  const textual = (v: unknown) => typeof v === 'string' || (v !== null && typeof v === 'object');
  if (textual(a) || textual(b)) {
    const left = toText(a, budget, loc);
    const right = toText(b, budget, loc);
    budget?.checkSize(left.length + right.length, loc);
    return left + right;
  }
  return toNumber(a) + toNumber(b);
}

/**
 * The numeric operators `- * / // % **` with JavaScript number semantics.
 *
 * @example
 * arithmetic('//', 7, 2); // 3
 */
export function arithmetic(op: '-' | '*' | '/' | '//' | '%' | '**', a: unknown, b: unknown): number {
  const x = toNumber(a);
  const y = toNumber(b);
  switch (op) {
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return x / y;
    case '//':
      return Math.floor(x / y);
    case '%':
      return x % y;
    case '**':
      return x ** y;
  }
}

/**
 * Reads a dotted path (`a.b.0.c`) or a list of keys through the safe accessors.
 *
 * @example
 * getPath({ a: { b: [5] } }, 'a.b.0'); // 5
 */
export function getPath(target: unknown, path: unknown): unknown {
  const keys: unknown[] = Array.isArray(path)
    ? arrayItems(path)
    : typeof path === 'number'
      ? [path]
      : String(path ?? '')
          .split(/\.|\[(\d+)\]/)
          .filter((k): k is string => k !== undefined && k !== '');
  let value = target;
  for (const key of keys) {
    value = getProperty(value, key);
    if (value === undefined) return undefined;
  }
  return value;
}
