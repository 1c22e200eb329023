/**
 * The few methods a template may call on a value, e.g. `name.split(" ")` (used by real
 * Backstage templates) or Jinja's `name.lower()` (cookiecutter templates). They are
 * implemented here over data: the interpreter never looks a method up on a JavaScript
 * object and never obtains a function value, so `x.split` without a call is undefined
 * and `x.constructor(...)` is refused when the template is parsed.
 */
import type { Budget } from './budget.js';
import { arrayItems, getProperty, isPlainObject, ownEntries } from './safe-access.js';
import { runtimeError, type SourceLocation } from './template-error.js';
import { toNumber, toText } from './values.js';
import { replaceLiteral, TemplateRegex } from './template-regex.js';
import { replaceCounted } from './text-filters.js';

export interface MethodContext {
  budget: Budget;
  loc: SourceLocation;
  /** Python semantics where they differ from JavaScript (`replace` replaces all, `split()` on whitespace). */
  pythonSemantics: boolean;
}

type Method = (receiver: unknown, args: readonly unknown[], ctx: MethodContext) => unknown;

function str(receiver: unknown, name: string, ctx: MethodContext): string {
  if (typeof receiver !== 'string') {
    throw runtimeError(`cannot call ${name}() on ${describeValue(receiver)}: it is a string method`, ctx.loc);
  }
  return receiver;
}

/**
 * Short description of a value's type for error messages.
 *
 * @example
 * describeValue([1]); // 'a list'
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function integer(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = Math.trunc(toNumber(value));
  return Number.isNaN(n) ? fallback : n;
}

function stripChars(s: string, chars: unknown, side: 'both' | 'start' | 'end'): string {
  if (chars === undefined || chars === null) {
    return side === 'both' ? s.trim() : side === 'start' ? s.trimStart() : s.trimEnd();
  }
  const set = new Set(toText(chars));
  let start = 0;
  let end = s.length;
  if (side !== 'end') while (start < end && set.has(s[start] as string)) start++;
  if (side !== 'start') while (end > start && set.has(s[end - 1] as string)) end--;
  return s.slice(start, end);
}


function titleCase(s: string): string {
  return s.replace(/([^\s\-_]+)/g, word => (word[0] ?? '').toUpperCase() + word.slice(1).toLowerCase());
}

const METHODS: Readonly<Record<string, Method>> = Object.freeze({
  split: (r, [sep, limit], ctx) => {
    const s = str(r, 'split', ctx);
    if (sep === undefined || sep === null) {
      if (!ctx.pythonSemantics) return [s];
      const parts = s.trim().split(/\s+/).filter(p => p !== '');
      return parts;
    }
    const lim = limit === undefined ? undefined : integer(limit, -1);
    if (ctx.pythonSemantics && lim !== undefined && lim >= 0 && typeof sep === 'string') {
      const parts = s.split(sep);
      return parts.length > lim + 1 ? [...parts.slice(0, lim), parts.slice(lim).join(sep)] : parts;
    }
    const max = lim !== undefined && lim >= 0 ? lim : undefined;
    return sep instanceof TemplateRegex ? sep.split(s, max) : s.split(toText(sep), max);
  },
  toLowerCase: (r, _a, ctx) => str(r, 'toLowerCase', ctx).toLowerCase(),
  toUpperCase: (r, _a, ctx) => str(r, 'toUpperCase', ctx).toUpperCase(),
  lower: (r, _a, ctx) => str(r, 'lower', ctx).toLowerCase(),
  upper: (r, _a, ctx) => str(r, 'upper', ctx).toUpperCase(),
  trim: (r, _a, ctx) => str(r, 'trim', ctx).trim(),
  trimStart: (r, _a, ctx) => str(r, 'trimStart', ctx).trimStart(),
  trimEnd: (r, _a, ctx) => str(r, 'trimEnd', ctx).trimEnd(),
  strip: (r, [chars], ctx) => stripChars(str(r, 'strip', ctx), chars, 'both'),
  lstrip: (r, [chars], ctx) => stripChars(str(r, 'lstrip', ctx), chars, 'start'),
  rstrip: (r, [chars], ctx) => stripChars(str(r, 'rstrip', ctx), chars, 'end'),
  capitalize: (r, _a, ctx) => {
    const s = str(r, 'capitalize', ctx);
    return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
  },
  title: (r, _a, ctx) => titleCase(str(r, 'title', ctx)),
  startsWith: (r, [p], ctx) => str(r, 'startsWith', ctx).startsWith(toText(p)),
  startswith: (r, [p], ctx) => str(r, 'startswith', ctx).startsWith(toText(p)),
  endsWith: (r, [p], ctx) => str(r, 'endsWith', ctx).endsWith(toText(p)),
  endswith: (r, [p], ctx) => str(r, 'endswith', ctx).endsWith(toText(p)),
  find: (r, [p], ctx) => str(r, 'find', ctx).indexOf(toText(p)),
  count: (r, [p], ctx) => {
    if (Array.isArray(r)) return arrayItems(r).filter(item => item === p).length;
    const s = str(r, 'count', ctx);
    const needle = toText(p);
    return needle === '' ? s.length + 1 : s.split(needle).length - 1;
  },
  charAt: (r, [i], ctx) => str(r, 'charAt', ctx).charAt(integer(i, 0)),
  padStart: (r, [n, fill], ctx) => {
    const s = str(r, 'padStart', ctx);
    const width = integer(n, 0);
    ctx.budget.checkSize(width, ctx.loc);
    return s.padStart(width, fill === undefined ? ' ' : toText(fill));
  },
  padEnd: (r, [n, fill], ctx) => {
    const s = str(r, 'padEnd', ctx);
    const width = integer(n, 0);
    ctx.budget.checkSize(width, ctx.loc);
    return s.padEnd(width, fill === undefined ? ' ' : toText(fill));
  },
  repeat: (r, [n], ctx) => {
    const s = str(r, 'repeat', ctx);
    const times = Math.max(0, integer(n, 0));
    ctx.budget.checkSize(s.length * times, ctx.loc);
    return s.repeat(times);
  },
  substring: (r, [a, b], ctx) => str(r, 'substring', ctx).substring(integer(a, 0), b === undefined ? undefined : integer(b, 0)),
  replace: (r, [from, to, count], ctx) => {
    const s = str(r, 'replace', ctx);
    const replacement = toText(to);
    if (from instanceof TemplateRegex) return from.replace(s, replacement, ctx.budget, ctx.loc);
    if (ctx.pythonSemantics) return replaceCounted(s, toText(from), replacement, integer(count, -1), ctx.budget, ctx.loc);
    return replaceLiteral(s, toText(from), replacement, false, ctx.budget, ctx.loc);
  },
  replaceAll: (r, [from, to], ctx) => {
    const s = str(r, 'replaceAll', ctx);
    if (from instanceof TemplateRegex) {
      if (!from.global) throw runtimeError('replaceAll() needs a regular expression with the "g" flag', ctx.loc);
      return from.replace(s, toText(to), ctx.budget, ctx.loc);
    }
    return replaceCounted(s, toText(from), toText(to), -1, ctx.budget, ctx.loc);
  },
  includes: (r, [x], ctx) => {
    if (Array.isArray(r)) return arrayItems(r).includes(x);
    return str(r, 'includes', ctx).includes(toText(x));
  },
  indexOf: (r, [x], ctx) => {
    if (Array.isArray(r)) return arrayItems(r).indexOf(x);
    return str(r, 'indexOf', ctx).indexOf(toText(x));
  },
  lastIndexOf: (r, [x], ctx) => {
    if (Array.isArray(r)) return arrayItems(r).lastIndexOf(x);
    return str(r, 'lastIndexOf', ctx).lastIndexOf(toText(x));
  },
  slice: (r, [a, b], ctx) => {
    const start = integer(a, 0);
    const end = b === undefined || b === null ? undefined : integer(b, 0);
    if (Array.isArray(r)) return arrayItems(r).slice(start, end);
    return str(r, 'slice', ctx).slice(start, end);
  },
  at: (r, [i], ctx) => {
    if (Array.isArray(r)) return arrayItems(r).at(integer(i, 0));
    return str(r, 'at', ctx).at(integer(i, 0));
  },
  concat: (r, args, ctx) => {
    if (Array.isArray(r)) {
      const out = arrayItems(r);
      for (const a of args) {
        if (Array.isArray(a)) out.push(...arrayItems(a));
        else out.push(a);
        ctx.budget.checkSize(out.length, ctx.loc);
      }
      return out;
    }
    const s = str(r, 'concat', ctx);
    return ctx.budget.joinText([s, ...args], a => toText(a, ctx.budget, ctx.loc), '', ctx.loc);
  },
  join: (r, [x], ctx) => {
    if (Array.isArray(r)) {
      const sep = x === undefined ? ',' : toText(x);
      return ctx.budget.joinText(arrayItems(r), i => toText(i, ctx.budget, ctx.loc), sep, ctx.loc);
    }
    // Python: ", ".join(items)
    const sep = str(r, 'join', ctx);
    const items = Array.isArray(x) ? arrayItems(x) : typeof x === 'string' ? [...x] : [];
    return ctx.budget.joinText(items, i => toText(i, ctx.budget, ctx.loc), sep, ctx.loc);
  },
  toString: (r: unknown, _a: readonly unknown[], ctx: MethodContext) => toText(r, ctx.budget, ctx.loc),
  items: (r, _a, ctx) => ownEntries(object(r, 'items', ctx)).map(([k, v]) => [k, v]),
  keys: (r, _a, ctx) => ownEntries(object(r, 'keys', ctx)).map(([k]) => k),
  values: (r, _a, ctx) => ownEntries(object(r, 'values', ctx)).map(([, v]) => v),
  get: (r, [key, fallback], ctx) => {
    const value = getProperty(object(r, 'get', ctx), key);
    return value === undefined ? fallback : value;
  },
});

function object(receiver: unknown, name: string, ctx: MethodContext): Record<string, unknown> {
  if (!isPlainObject(receiver)) {
    throw runtimeError(`cannot call ${name}() on ${describeValue(receiver)}: it is an object method`, ctx.loc);
  }
  return receiver;
}

/** Names that may be called as methods; the parser refuses any other call. */
export const METHOD_NAMES: ReadonlySet<string> = new Set(Object.keys(METHODS));

/**
 * Calls an allowed method on a value.
 *
 * @example
 * callMethod('a b', 'split', [' '], ctx); // ['a', 'b']
 */
export function callMethod(receiver: unknown, name: string, args: readonly unknown[], ctx: MethodContext): unknown {
  const method = Object.hasOwn(METHODS, name) ? METHODS[name] : undefined;
  if (!method) throw runtimeError(`"${name}" is not a callable method`, ctx.loc, 'not-callable');
  return method(receiver, args, ctx);
}

