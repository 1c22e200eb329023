import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { PaveError } from '../core/problem.js';
import { checkTemplate, renderFile, renderString, renderValue } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The rule of the first field error of a thrown PaveError. */
function ruleOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PaveError);
    return (error as PaveError).problem.errors?.[0]?.rule;
  }
  throw new Error('expected the template to be refused');
}

const context = {
  name: 'x',
  list: [1, 2],
  obj: { a: 1 },
  fn: () => 'called',
  holder: { method: () => 'called', date: new Date(0), map: new Map([['k', 'v']]) },
};

afterEach(() => {
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect((Object.prototype as unknown as Record<string, unknown>)['polluted']).toBeUndefined();
});

describe('no JavaScript is ever evaluated', () => {
  it('the engine source uses no eval, Function, vm or template engine', () => {
    const files = readdirSync(here).filter(f => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const source = readFileSync(join(here, file), 'utf8');
      expect(source, file).not.toMatch(/\beval\s*\(|new\s+Function\b|\bFunction\s*\(|node:vm|from 'vm'|nunjucks'|setTimeout|require\(/);
    }
  });
});

describe('property access reaches data only', () => {
  it.each([
    '${{ "".constructor }}',
    '${{ "".constructor.constructor }}',
    '${{ name.constructor }}',
    '${{ [].map }}',
    '${{ list.map }}',
    '${{ list.push }}',
    '${{ obj.toString }}',
    '${{ obj.hasOwnProperty }}',
    '${{ obj.__proto__ }}',
    '${{ obj["__proto__"] }}',
    '${{ obj.constructor.prototype }}',
    '${{ {}.__proto__ }}',
    '${{ fn }}',
    '${{ holder.method }}',
    '${{ holder.date.getTime }}',
    '${{ holder.map.get }}',
    '${{ range }}',
    '${{ range.constructor }}',
    '${{ cycler }}',
    '${{ joiner.constructor }}',
    '${{ lipsum.__globals__ }}',
    '${{ self.__init__.__globals__ }}',
    '${{ "".__class__.__mro__[1] }}',
    '${{ r/x/.source }}',
    '${{ r/x/.constructor }}',
    '${{ loop.constructor }}',
  ])('%s is undefined', source => {
    expect(renderString(source, context)).toBeUndefined();
    expect(renderString(`[${source}]`, context)).toBe('[]');
  });

  it('does not run getters of context objects', () => {
    let ran = false;
    const sneaky = Object.defineProperty({}, 'secret', { enumerable: true, get: () => ((ran = true), 'leaked') });
    expect(renderString('${{ sneaky.secret }}', { sneaky })).toBeUndefined();
    expect(renderString('${{ sneaky | dump }}', { sneaky })).toBe('{}');
    expect(ran).toBe(false);
  });

  it('does not re-render template text that comes from values', () => {
    expect(renderString('${{ x }}', { x: '${{ secrets.token }}', secrets: { token: 't' } })).toBe('${{ secrets.token }}');
  });

  it('filters, tests and methods are looked up by own name only', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty']) {
      expect(checkTemplate(`\${{ x | ${name} }}`)[0]?.rule).toBe('unknown-filter');
      expect(checkTemplate(`\${{ x is ${name} }}`)[0]?.rule).toBe('unknown-test');
    }
    expect(checkTemplate('${{ x | shout }}', { filters: JSON.parse('{"__proto__": {"shout": 1}}') as Record<string, never> })[0]?.rule).toBe(
      'unknown-filter',
    );
  });
});

describe('calls are refused', () => {
  it.each([
    '${{ "".constructor.constructor("return process")() }}',
    '${{ x.constructor.constructor("return process")() }}',
    '${{ range.constructor("return global.process.mainModule.require(\'child_process\').execSync(\'id\')")() }}',
    '${{ cycler.__init__.__globals__.os.popen("id").read() }}',
    '${{ joiner.constructor("return this")() }}',
    '${{ "".__class__.__mro__[1].__subclasses__() }}',
    '${{ list.map("x") }}',
    '${{ obj.__lookupGetter__("a") }}',
    '${{ name.valueOf() }}',
    '${{ fn() }}',
    '${{ holder.method() }}',
    '${{ obj["keys"]() }}',
    '${{ name.split(" ")() }}',
    '${{ range(3).constructor() }}',
    '{% set f = name.constructor %}${{ f("x") }}',
  ])('%s', source => {
    const errors = checkTemplate(source);
    expect(errors.map(e => e.rule)).toContain('not-callable');
    expect(() => renderString(source, context)).toThrow(PaveError);
  });

  it('the allowed methods are the interpreter\'s own, not the value\'s', () => {
    const tricky = { split: 'not a function', name: Object.assign(Object.create({ split: () => 'hijacked' }) as object, {}) };
    expect(() => renderString('${{ t.name.split(",") }}', { t: tricky })).toThrow(/cannot call split\(\) on an object/);
  });
});

describe('prototype pollution', () => {
  it('object literals with __proto__ keys do not touch Object.prototype', () => {
    renderFile('{% set x = {"__proto__": {"polluted": "yes"}} %}${{ x.__proto__.polluted }}', {});
    renderFile('{% set x = {__proto__: {polluted: "yes"}, constructor: {prototype: {polluted: 1}}} %}', {});
    const value = renderString('${{ {"__proto__": {"polluted": "yes"}, "a": 1} }}', {}) as Record<string, unknown>;
    expect(value).toEqual({ a: 1 });
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it('set cannot assign into objects; a variable named __proto__ is just a local variable', () => {
    expect(checkTemplate('{% set obj.__proto__.polluted = 1 %}')[0]?.rule).toBe('syntax');
    expect(renderFile('{% set __proto__ = {polluted: 1} %}{% set constructor = 2 %}${{ __proto__.polluted }}${{ constructor }}', {})).toBe('12');
  });

  it('renderValue keeps a JSON "__proto__" key as a plain key', () => {
    const input = JSON.parse('{"__proto__": {"polluted": "yes"}, "a": "${{ 1 }}"}') as unknown;
    const out = renderValue(input, {}) as Record<string, unknown>;
    expect(out['a']).toBe(1);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('filters that build objects use null prototypes', () => {
    const parsed = renderString('${{ ("github.com?owner=o&repo=r&__proto__=x" | parseRepoUrl).__proto__ }}', {});
    expect(parsed).toBeUndefined();
  });
});

describe('tags that reach other templates are refused', () => {
  it.each([
    ['{% include "/etc/passwd" %}', 'include'],
    ['{% import "macros.njk" as m %}', 'import'],
    ['{% from "x" import y %}', 'from'],
    ['{% extends "base.njk" %}', 'extends'],
    ['{% macro m() %}x{% endmacro %}', 'macro'],
    ['{% call m() %}x{% endcall %}', 'call'],
    ['{% block b %}x{% endblock %}', 'block'],
    ['{% filter upper %}x{% endfilter %}', 'filter'],
  ])('%s', (source, tag) => {
    const errors = checkTemplate(`ok\n${source}`);
    expect(errors[0]).toMatchObject({ rule: 'unsupported-tag' });
    expect(errors[0]?.detail).toMatch(new RegExp(`^line 2, column 4: tag "${tag}" is not supported`));
    expect(() => renderFile(source, {})).toThrow(/is not supported/);
  });
});

describe('limits', () => {
  it('range() is capped', () => {
    expect(ruleOf(() => renderString('${{ range(1e12) }}', {}))).toBe('limits.maxRangeSize');
    expect(ruleOf(() => renderString('${{ range(0, 1e12, 1) }}', {}))).toBe('limits.maxRangeSize');
    expect(renderString('${{ range(5) | length }}', {}, { limits: { maxRangeSize: 5 } })).toBe(5);
    expect(ruleOf(() => renderString('${{ range(6) }}', {}, { limits: { maxRangeSize: 5 } }))).toBe('limits.maxRangeSize');
  });

  it('nested loops hit the total iteration limit', () => {
    const source = '{% for a in range(1000) %}{% for b in range(1000) %}{% endfor %}{% endfor %}';
    // A generous clock, so that a slow CI machine reaches the iteration limit first.
    expect(ruleOf(() => renderFile(source, {}, { limits: { timeBudgetMs: 60_000 } }))).toBe('limits.maxLoopIterations');
    const small = '{% for a in range(10) %}{% for b in range(10) %}x{% endfor %}{% endfor %}';
    expect(renderFile(small, {}, { limits: { maxLoopIterations: 110 } })).toHaveLength(100);
    expect(ruleOf(() => renderFile(small, {}, { limits: { maxLoopIterations: 100 } }))).toBe('limits.maxLoopIterations');
  });

  it('10 000 nested parentheses, nots, minuses and tags are refused without a stack overflow', () => {
    const parens = '${{ ' + '('.repeat(10_000) + '1' + ')'.repeat(10_000) + ' }}';
    expect(ruleOf(() => renderString(parens, {}))).toBe('limits.maxDepth');
    expect(checkTemplate(parens)[0]?.rule).toBe('limits.maxDepth');
    expect(ruleOf(() => renderString('${{ ' + 'not '.repeat(10_000) + 'x }}', {}))).toBe('limits.maxDepth');
    expect(ruleOf(() => renderString('${{ ' + '- '.repeat(10_000) + '1 }}', {}))).toBe('limits.maxDepth');
    expect(ruleOf(() => renderString('${{ ' + '['.repeat(10_000) + ']'.repeat(10_000) + ' }}', {}))).toBe('limits.maxDepth');
    expect(ruleOf(() => renderString('${{ ' + '{a:'.repeat(10_000) + '1' + '}'.repeat(10_000) + ' }}', {}))).toBe('limits.maxDepth');
    expect(ruleOf(() => renderFile('{% if x %}'.repeat(10_000) + '{% endif %}'.repeat(10_000), {}))).toBe('limits.maxDepth');
    expect(ruleOf(() => renderString('${{ x' + ' | upper'.repeat(10_000) + ' }}', {}))).toBe('limits.maxDepth');
    expect(ruleOf(() => renderString('${{ x' + '.a'.repeat(10_000) + ' }}', {}))).toBe('limits.maxDepth');
    expect(ruleOf(() => renderString('${{ ' + '1 + '.repeat(10_000) + '1 }}', {}))).toBe('limits.maxDepth');
  });

  it('string doubling in a loop hits the output limit', () => {
    const limits = { timeBudgetMs: 60_000 };
    const doubling = '{% set s = "xxxxxxxxxx" %}{% for i in range(100) %}{% set s = s ~ s %}{% endfor %}${{ s }}';
    expect(ruleOf(() => renderFile(doubling, {}, { limits }))).toBe('limits.maxOutputSize');
    const plus = '{% set s = "x" %}{% for i in range(100) %}{% set s = s + s %}{% endfor %}';
    expect(ruleOf(() => renderFile(plus, {}, { limits }))).toBe('limits.maxOutputSize');
    const block = '{% set s = "x" %}{% for i in range(100) %}{% set s %}${{ s }}${{ s }}{% endset %}{% endfor %}';
    expect(ruleOf(() => renderFile(block, {}, { limits }))).toBe('limits.maxOutputSize');
  });

  it('repetition and padding are checked before the string is built', () => {
    expect(ruleOf(() => renderString('${{ "x".repeat(1e12) }}', {}))).toBe('limits.maxOutputSize');
    expect(ruleOf(() => renderString('${{ "x".padStart(1e12) }}', {}))).toBe('limits.maxOutputSize');
    expect(ruleOf(() => renderString('${{ "a\\nb" | indent(1e12) }}', {}))).toBe('limits.maxOutputSize');
    expect(ruleOf(() => renderString('${{ "x" | center(1e12) }}', {}))).toBe('limits.maxOutputSize');
    expect(ruleOf(() => renderString('${{ "abc" | replace("", "x".repeat(1000000)) }}', {}))).toBe('limits.maxOutputSize');
  });

  it('total output is capped', () => {
    const many = '{% for i in range(10000) %}${{ "x".repeat(1000) }}{% endfor %}';
    expect(ruleOf(() => renderFile(many, {}, { limits: { timeBudgetMs: 60_000 } }))).toBe('limits.maxOutputSize');
    expect(ruleOf(() => renderFile('${{ "x".repeat(20) }}', {}, { limits: { maxOutputSize: 10 } }))).toBe('limits.maxOutputSize');
  });

  it('values built from shared parts cannot explode when printed, dumped or returned', () => {
    const build = '{% set x = [1] %}{% for i in range(64) %}{% set x = [x, x] %}{% endfor %}';
    const started = Date.now();
    expect(ruleOf(() => renderFile(build + '${{ x | dump }}', {}))).toBe('limits.maxOutputSize');
    expect(ruleOf(() => renderFile(build + '${{ x }}', {}))).toBe('limits.maxOutputSize');
    expect(ruleOf(() => renderString(build + '${{ x | length }}${{ x | string }}', {}))).toBe('limits.maxOutputSize');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('cyclic context data is refused by depth, not by hanging', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a['self'] = a;
    expect(ruleOf(() => renderString('${{ a | dump }}', { a }))).toBe('limits.maxDepth');
    expect(ruleOf(() => renderString('${{ a }}', { a }))).toBe('limits.maxDepth');
    const list: unknown[] = [];
    list.push(list);
    expect(ruleOf(() => renderString('[${{ list }}]', { list }))).toBe('limits.maxDepth');
  });

  it('the wall-clock budget stops slow templates', () => {
    const slow = '{% for i in range(10000) %}{% set y = big | sort | reverse | join(",") %}{% endfor %}';
    const big = Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 10_000);
    const started = Date.now();
    expect(ruleOf(() => renderFile(slow, { big }, { limits: { timeBudgetMs: 100 } }))).toBe('limits.timeBudgetMs');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('the source size is capped', () => {
    const source = 'x'.repeat(101) + '${{ 1 }}';
    expect(ruleOf(() => renderFile(source, {}, { limits: { maxSourceSize: 100 } }))).toBe('limits.maxSourceSize');
    expect(checkTemplate(source, { limits: { maxSourceSize: 100 } })[0]?.rule).toBe('limits.maxSourceSize');
  });

  it('deeply nested input values are refused by renderValue', () => {
    let value: unknown = 'leaf';
    for (let i = 0; i < 300; i++) value = [value];
    expect(ruleOf(() => renderValue(value, {}))).toBe('limits.maxDepth');
  });

  it('regular expressions run in linear time: catastrophic patterns finish, back-references and look-around are refused', () => {
    for (const re of ['(a)\\1', '(?<n>a)\\k<n>', 'a(?=b)', 'a(?!b)', '(?<=a)b', '(?<!a)b']) {
      expect(checkTemplate(`\${{ s | replace(r/${re}/, "") }}`)[0]?.rule, re).toBe('unsafe-regex');
    }
    const hostile = { s: 'a'.repeat(5000) + '!' };
    for (const re of ['(a+)+$', '(a|aa)*b', '(x*y?){2,}', '((ab)*)+', 'a*a*a*a*a*a*a*a*a*a*b', 'domain:| |-', '^[a-z0-9-]+$', '[(]+', '\\(a+\\)+']) {
      expect(checkTemplate(`\${{ s | replace(r/${re}/, "") }}`), re).toEqual([]);
      expect(typeof renderString(`\${{ s | replace(r/${re}/g, "x") }}`, hostile), re).toBe('string');
    }
  });
});
