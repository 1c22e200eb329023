/**
 * The general-purpose built-in filters, with Nunjucks semantics (Jinja where Nunjucks
 * has none, e.g. `split`, `unique`, `items`). Every filter works on data only and
 * checks the size of what it builds against the budget.
 */
import type { FilterContext, FilterDefinition } from './filter-types.js';
import { runTest, TEST_NAMES } from './is-tests.js';
import { toJsonText } from './json-text.js';
import { arrayItems, createObject, isPlainObject, ownEntries } from './safe-access.js';
import { runtimeError } from './template-error.js';
import { compareValues, getPath, isPrimitive, isTruthy, toNumber, toText } from './values.js';
import { describeValue } from './methods.js';
import { TemplateRegex } from './template-regex.js';
import { escapeHtml, newlinesToBreaks, replaceCounted, stripTags, urlEncode, whitespaceSplit, wordCount } from './text-filters.js';

function def(params: readonly string[], apply: FilterDefinition['apply']): FilterDefinition {
  return Object.freeze({ params: Object.freeze([...params]), apply });
}

function text(value: unknown, ctx: FilterContext): string {
  return toText(value, ctx.budget, ctx.loc);
}

function int(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = Math.trunc(toNumber(value));
  return Number.isNaN(n) ? fallback : n;
}

/** A list view of an iterable value: arrays as is, strings as characters, objects as keys. */
function items(value: unknown, name: string, ctx: FilterContext): unknown[] {
  if (Array.isArray(value)) return arrayItems(value);
  if (typeof value === 'string') return [...value];
  if (value === undefined || value === null) return [];
  if (isPlainObject(value)) return ownEntries(value).map(([k]) => k);
  throw runtimeError(`filter "${name}" expects a list, got ${describeValue(value)}`, ctx.loc);
}

function attributeOf(attribute: unknown): (item: unknown) => unknown {
  if (attribute === undefined || attribute === null) return item => item;
  return item => getPath(item, attribute);
}

/** Ordering used by sort/min/max: numbers numerically, strings (optionally case-folded), others equal. */
function order(a: unknown, b: unknown, caseSensitive: boolean): number {
  let x = a;
  let y = b;
  if (!caseSensitive) {
    if (typeof x === 'string') x = x.toLowerCase();
    if (typeof y === 'string') y = y.toLowerCase();
  }
  if (!isPrimitive(x) || !isPrimitive(y)) return 0;
  if (compareValues('<', x, y)) return -1;
  if (compareValues('>', x, y)) return 1;
  return 0;
}

function capitalize(s: string): string {
  const lower = s.toLowerCase();
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}

function replaceText(s: string, from: unknown, to: unknown, maxCount: unknown, ctx: FilterContext): string {
  const replacement = toText(to);
  if (from instanceof TemplateRegex) return from.replace(s, replacement, ctx.budget, ctx.loc);
  if (typeof from !== 'string' && typeof from !== 'number') return s;
  return replaceCounted(s, String(from), replacement, maxCount === undefined || maxCount === null ? -1 : int(maxCount, -1), ctx.budget, ctx.loc);
}

function pythonSplit(s: string, sep: unknown, maxsplit: number): string[] {
  if (sep === undefined || sep === null) return whitespaceSplit(s, maxsplit);
  if (sep instanceof TemplateRegex) return sep.split(s);
  const separator = toText(sep);
  if (separator === '') return [...s];
  const parts = s.split(separator);
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(separator)];
}

/** The general built-in filters by name. */
export const GENERAL_FILTERS: Readonly<Record<string, FilterDefinition>> = Object.freeze({
  lower: def([], (v, _a, ctx) => text(v, ctx).toLowerCase()),
  upper: def([], (v, _a, ctx) => text(v, ctx).toUpperCase()),
  capitalize: def([], (v, _a, ctx) => capitalize(text(v, ctx))),
  title: def([], (v, _a, ctx) => text(v, ctx).split(' ').map(capitalize).join(' ')),
  trim: def(['chars'], (v, [chars], ctx) => {
    const s = text(v, ctx);
    if (chars === undefined || chars === null) return s.trim();
    const set = new Set(toText(chars));
    let a = 0;
    let b = s.length;
    while (a < b && set.has(s[a] as string)) a++;
    while (b > a && set.has(s[b - 1] as string)) b--;
    return s.slice(a, b);
  }),
  replace: def(['old', 'new', 'count'], (v, [from, to, count], ctx) => {
    if (typeof v !== 'string' && typeof v !== 'number') return v;
    return replaceText(String(v), from, to, count, ctx);
  }),
  join: def(['d', 'attribute'], (v, [sep, attribute], ctx) => {
    if (v === undefined || v === null) return '';
    const get = attributeOf(attribute);
    return ctx.budget.joinText(items(v, 'join', ctx), item => text(get(item), ctx), sep === undefined || sep === null ? '' : toText(sep), ctx.loc);
  }),
  length: def([], v => length(v)),
  count: def([], v => length(v)),
  default: def(['default_value', 'boolean'], (v, [fallback, boolean]) => defaultValue(v, fallback, boolean)),
  d: def(['default_value', 'boolean'], (v, [fallback, boolean]) => defaultValue(v, fallback, boolean)),
  dump: def(['indent'], (v, [indent], ctx) => toJsonText(v, indent, ctx.budget, ctx.loc)),
  jsonify: def(['indent'], (v, [indent], ctx) => toJsonText(v, indent, ctx.budget, ctx.loc)),
  first: def([], v => (Array.isArray(v) ? arrayItems(v)[0] : typeof v === 'string' ? v[0] : undefined)),
  last: def([], v => {
    if (Array.isArray(v)) return arrayItems(v)[v.length - 1];
    return typeof v === 'string' ? v[v.length - 1] : undefined;
  }),
  string: def([], (v, _a, ctx) => text(v, ctx)),
  int: def(['default', 'base'], (v, [fallback, base]) => {
    const dflt = fallback === undefined ? 0 : fallback;
    if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : dflt;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v !== 'string') return dflt;
    const radix = base === undefined || base === null ? 10 : int(base, 10);
    const cleaned = radix === 16 ? v.trim().replace(/^0x/i, '') : radix === 8 ? v.trim().replace(/^0o/i, '') : radix === 2 ? v.trim().replace(/^0b/i, '') : v;
    const n = Number.parseInt(cleaned, radix);
    return Number.isNaN(n) ? dflt : n;
  }),
  float: def(['default'], (v, [fallback]) => {
    const dflt = fallback === undefined ? 0 : fallback;
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v !== 'string') return dflt;
    const n = Number.parseFloat(v);
    return Number.isNaN(n) ? dflt : n;
  }),
  abs: def([], v => Math.abs(toNumber(v))),
  round: def(['precision', 'method'], (v, [precision, method]) => {
    const factor = 10 ** int(precision, 0);
    const n = toNumber(v) * factor;
    const rounded = method === 'ceil' ? Math.ceil(n) : method === 'floor' ? Math.floor(n) : Math.round(n);
    return rounded / factor;
  }),
  list: def([], (v, _a, ctx) => {
    if (Array.isArray(v)) return arrayItems(v);
    if (typeof v === 'string') return [...v];
    if (v === undefined || v === null) return [];
    if (isPlainObject(v)) {
      return ownEntries(v).map(([key, value]) => {
        const pair = createObject();
        pair['key'] = key;
        pair['value'] = value;
        return pair;
      });
    }
    throw runtimeError(`filter "list" cannot make a list of ${describeValue(v)}`, ctx.loc);
  }),
  reverse: def([], v => {
    if (typeof v === 'string') return [...v].reverse().join('');
    if (Array.isArray(v)) return arrayItems(v).reverse();
    return v;
  }),
  sort: def(['reverse', 'case_sensitive', 'attribute'], (v, [reverse, caseSensitive, attribute], ctx) => {
    const get = attributeOf(attribute);
    const sign = isTruthy(reverse) ? -1 : 1;
    return items(v, 'sort', ctx).sort((a, b) => sign * order(get(a), get(b), isTruthy(caseSensitive)));
  }),
  unique: def(['case_sensitive', 'attribute'], (v, [caseSensitive, attribute], ctx) => {
    const get = attributeOf(attribute);
    const seen = new Set<unknown>();
    const out: unknown[] = [];
    for (const item of items(v, 'unique', ctx)) {
      let key = get(item);
      if (!isTruthy(caseSensitive) && typeof key === 'string') key = key.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(item);
    }
    return out;
  }),
  split: def(['sep', 'maxsplit'], (v, [sep, maxsplit], ctx) => pythonSplit(text(v, ctx), sep, int(maxsplit, -1))),
  truncate: def(['length', 'killwords', 'end', 'leeway'], (v, [len, killwords, end], ctx) => {
    let s = text(v, ctx);
    const max = int(len, 255) || 255;
    if (s.length <= max) return s;
    if (isTruthy(killwords)) s = s.slice(0, max);
    else {
      let idx = s.lastIndexOf(' ', max);
      if (idx === -1) idx = max;
      s = s.slice(0, idx);
    }
    const ending = end === undefined || end === null ? '...' : toText(end);
    ctx.budget.checkSize(s.length + ending.length, ctx.loc);
    return s + ending;
  }),
  indent: def(['width', 'first', 'blank'], (v, [width, first, blank], ctx) => {
    const s = text(v, ctx);
    if (s === '') return '';
    const pad = typeof width === 'string' ? width : ' '.repeat(Math.max(0, Math.min(int(width, 4), ctx.budget.limits.maxOutputSize)));
    const lines = s.split('\n');
    ctx.budget.checkSize(s.length + pad.length * lines.length, ctx.loc);
    return lines
      .map((line, i) => ((i === 0 && !isTruthy(first)) || (blank === false && line.trim() === '') ? line : pad + line))
      .join('\n');
  }),
  urlencode: def([], (v, _a, ctx) => {
    if (isPrimitive(v)) return urlEncode(toText(v), ctx.budget, ctx.loc);
    const pairs: Array<[unknown, unknown]> = Array.isArray(v)
      ? arrayItems(v).map(p => (Array.isArray(p) ? [arrayItems(p)[0], arrayItems(p)[1]] : [p, '']))
      : isPlainObject(v)
        ? ownEntries(v)
        : [];
    return ctx.budget.joinText(pairs, ([k, val]) => `${urlEncode(text(k, ctx), ctx.budget, ctx.loc)}=${urlEncode(text(val, ctx), ctx.budget, ctx.loc)}`, '&', ctx.loc);
  }),
  escape: def([], (v, _a, ctx) => escapeHtml(text(v, ctx), ctx.budget, ctx.loc)),
  e: def([], (v, _a, ctx) => escapeHtml(text(v, ctx), ctx.budget, ctx.loc)),
  safe: def([], v => v),
  sum: def(['attribute', 'start'], (v, [attribute, start], ctx) => {
    const get = attributeOf(attribute);
    return items(v, 'sum', ctx).reduce<number>((acc, item) => acc + toNumber(get(item)), start === undefined ? 0 : toNumber(start));
  }),
  min: def(['case_sensitive', 'attribute'], (v, [caseSensitive, attribute], ctx) => extreme(v, -1, caseSensitive, attribute, ctx)),
  max: def(['case_sensitive', 'attribute'], (v, [caseSensitive, attribute], ctx) => extreme(v, 1, caseSensitive, attribute, ctx)),
  selectattr: def(['attribute', 'test', 'value'], (v, args, ctx) => selectByAttribute(v, args, true, ctx)),
  rejectattr: def(['attribute', 'test', 'value'], (v, args, ctx) => selectByAttribute(v, args, false, ctx)),
  items: def([], (v, _a, ctx) => {
    if (v === undefined || v === null) return [];
    if (!isPlainObject(v)) throw runtimeError(`filter "items" expects an object, got ${describeValue(v)}`, ctx.loc);
    return ownEntries(v).map(([k, val]) => [k, val]);
  }),
  dictsort: def(['case_sensitive', 'by', 'reverse'], (v, [caseSensitive, by, reverse], ctx) => {
    if (!isPlainObject(v)) throw runtimeError(`filter "dictsort" expects an object, got ${describeValue(v)}`, ctx.loc);
    const index = by === 'value' ? 1 : 0;
    const sign = isTruthy(reverse) ? -1 : 1;
    return ownEntries(v)
      .sort((a, b) => sign * order(a[index], b[index], isTruthy(caseSensitive)))
      .map(([k, val]) => [k, val]);
  }),
  select: def(['test', 'value'], (v, args, ctx) => selectByTest(v, args, true, ctx)),
  reject: def(['test', 'value'], (v, args, ctx) => selectByTest(v, args, false, ctx)),
  groupby: def(['attribute'], (v, [attribute], ctx) => {
    const get = attributeOf(attribute);
    const groups = createObject();
    for (const item of items(v, 'groupby', ctx)) {
      const key = toText(get(item));
      const group = groups[key];
      if (Array.isArray(group)) group.push(item);
      else groups[key] = [item];
    }
    return groups;
  }),
  slice: def(['slices', 'fill_with'], (v, [count, fill], ctx) => {
    const n = int(count, 0);
    if (n < 1) throw runtimeError('filter "slice" needs a positive number of slices', ctx.loc);
    const list = items(v, 'slice', ctx);
    // n lists (plus fill values) are built whatever the input: refuse a huge n first.
    ctx.budget.checkSize(n + list.length + (fill === undefined ? 0 : n), ctx.loc);
    const per = Math.floor(list.length / n);
    const extra = list.length % n;
    const out: unknown[][] = [];
    let offset = 0;
    for (let i = 0; i < n; i++) {
      const size = per + (i < extra ? 1 : 0);
      const part = list.slice(offset, offset + size);
      offset += size;
      if (fill !== undefined && i >= extra && extra > 0) part.push(fill);
      out.push(part);
    }
    return out;
  }),
  striptags: def(['preserve_linebreaks'], (v, [preserve], ctx) => stripTags(text(v, ctx), isTruthy(preserve))),
  nl2br: def([], (v, _a, ctx) => newlinesToBreaks(text(v, ctx), ctx.budget, ctx.loc)),
  forceescape: def([], (v, _a, ctx) => escapeHtml(text(v, ctx), ctx.budget, ctx.loc)),
  wordcount: def([], (v, _a, ctx) => wordCount(text(v, ctx))),
  center: def(['width'], (v, [width], ctx) => {
    const s = text(v, ctx);
    const w = int(width, 80);
    if (s.length >= w) return s;
    ctx.budget.checkSize(w, ctx.loc);
    const left = Math.floor((w - s.length) / 2);
    return ' '.repeat(left) + s + ' '.repeat(w - s.length - left);
  }),
  batch: def(['linecount', 'fill_with'], (v, [size, fill], ctx) => {
    const n = int(size, 0);
    if (n < 1) throw runtimeError('filter "batch" needs a positive size', ctx.loc);
    const list = items(v, 'batch', ctx);
    // With fill_with the last batch is padded to n items: count them, and the batches, before building any.
    const batches = Math.ceil(list.length / n);
    ctx.budget.checkSize((fill === undefined ? list.length : batches * n) + batches, ctx.loc);
    const out: unknown[][] = [];
    for (let i = 0; i < list.length; i += n) {
      const chunk = list.slice(i, i + n);
      if (fill !== undefined && chunk.length < n) while (chunk.length < n) chunk.push(fill);
      out.push(chunk);
    }
    return out;
  }),
});

function length(v: unknown): number {
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (isPlainObject(v)) return ownEntries(v).length;
  return 0;
}

function defaultValue(value: unknown, fallback: unknown, boolean: unknown): unknown {
  if (isTruthy(boolean)) return isTruthy(value) ? value : fallback;
  return value !== undefined ? value : fallback;
}

function extreme(v: unknown, sign: 1 | -1, caseSensitive: unknown, attribute: unknown, ctx: FilterContext): unknown {
  const get = attributeOf(attribute);
  let best: unknown;
  let first = true;
  for (const item of items(v, sign > 0 ? 'max' : 'min', ctx)) {
    if (first || sign * order(get(item), get(best), isTruthy(caseSensitive)) > 0) best = item;
    first = false;
  }
  return best;
}

function selectByAttribute(v: unknown, [attribute, test, ...testArgs]: readonly unknown[], keep: boolean, ctx: FilterContext): unknown[] {
  const get = attributeOf(attribute);
  let predicate: (value: unknown) => boolean = isTruthy;
  if (test !== undefined) {
    const name = toText(test);
    if (!TEST_NAMES.has(name)) throw runtimeError(`unknown test "${name}"`, ctx.loc);
    predicate = value => runTest(name, value, testArgs);
  }
  return items(v, keep ? 'selectattr' : 'rejectattr', ctx).filter(item => predicate(get(item)) === keep);
}

function selectByTest(v: unknown, [test, ...testArgs]: readonly unknown[], keep: boolean, ctx: FilterContext): unknown[] {
  let predicate: (value: unknown) => boolean = isTruthy;
  if (test !== undefined) {
    const name = toText(test);
    if (!TEST_NAMES.has(name)) throw runtimeError(`unknown test "${name}"`, ctx.loc);
    predicate = value => runTest(name, value, testArgs);
  }
  return items(v, keep ? 'select' : 'reject', ctx).filter(item => predicate(item) === keep);
}
