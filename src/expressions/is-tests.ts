/**
 * Tests for `value is name(args)` / `value is not name`, as in Nunjucks and Jinja.
 * All are pure predicates over data.
 */
import { isPlainObject } from './safe-access.js';
import { compareValues, isTruthy, looseEquals, toNumber, inOperator } from './values.js';

type TestFn = (value: unknown, args: readonly unknown[]) => boolean;

const TESTS: Readonly<Record<string, TestFn>> = Object.freeze({
  defined: v => v !== undefined,
  undefined: v => v === undefined,
  none: v => v === null,
  null: v => v === null,
  string: v => typeof v === 'string',
  number: v => typeof v === 'number',
  boolean: v => typeof v === 'boolean',
  true: v => v === true,
  false: v => v === false,
  mapping: v => isPlainObject(v),
  iterable: v => Array.isArray(v) || typeof v === 'string' || isPlainObject(v),
  sequence: v => Array.isArray(v) || typeof v === 'string',
  callable: () => false,
  odd: v => Math.abs(toNumber(v) % 2) === 1,
  even: v => toNumber(v) % 2 === 0,
  divisibleby: (v, [n]) => toNumber(v) % toNumber(n) === 0,
  truthy: v => isTruthy(v),
  falsy: v => !isTruthy(v),
  lower: v => typeof v === 'string' && v === v.toLowerCase(),
  upper: v => typeof v === 'string' && v === v.toUpperCase(),
  equalto: (v, [o]) => looseEquals(v, o),
  eq: (v, [o]) => looseEquals(v, o),
  ne: (v, [o]) => !looseEquals(v, o),
  sameas: (v, [o]) => v === o,
  lt: (v, [o]) => compareValues('<', v, o),
  lessthan: (v, [o]) => compareValues('<', v, o),
  le: (v, [o]) => compareValues('<=', v, o),
  gt: (v, [o]) => compareValues('>', v, o),
  greaterthan: (v, [o]) => compareValues('>', v, o),
  ge: (v, [o]) => compareValues('>=', v, o),
  in: (v, [o]) => inOperator(v, o),
});

/** Names usable after `is`. */
export const TEST_NAMES: ReadonlySet<string> = new Set(Object.keys(TESTS));

/**
 * Runs a named test; the parser has already refused unknown names.
 *
 * @example
 * runTest('divisibleby', 9, [3]); // true
 */
export function runTest(name: string, value: unknown, args: readonly unknown[]): boolean {
  const fn = Object.hasOwn(TESTS, name) ? TESTS[name] : undefined;
  return fn ? fn(value, args) : false;
}
