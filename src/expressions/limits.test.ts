import { describe, expect, it } from 'vitest';
import { PaveError } from '../core/problem.js';
import { renderString } from './index.js';
import { DEFAULT_LIMITS, resolveLimits } from './limits.js';

describe('limits', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_LIMITS).toEqual({
      maxSourceSize: 1024 * 1024,
      maxOutputSize: 2 * 1024 * 1024,
      maxLoopIterations: 100_000,
      maxRangeSize: 10_000,
      maxDepth: 200,
      timeBudgetMs: 1000,
    });
    expect(Object.isFrozen(DEFAULT_LIMITS)).toBe(true);
  });

  it('fills partial limits with defaults and ignores unusable values', () => {
    const limits = resolveLimits({ timeBudgetMs: 250.7, maxDepth: -1, maxRangeSize: Number.NaN, maxLoopIterations: Infinity });
    expect(limits).toEqual({ ...DEFAULT_LIMITS, timeBudgetMs: 250 });
    expect(Object.isFrozen(limits)).toBe(true);
    expect(resolveLimits()).toBe(DEFAULT_LIMITS);
  });
});

describe('every operation sizes its result before building it', () => {
  const ruleOf = (source: string, context: Record<string, unknown> = {}): string | undefined => {
    try {
      renderString(source, context);
    } catch (error) {
      expect(error).toBeInstanceOf(PaveError);
      return (error as PaveError).problem.errors?.[0]?.rule;
    }
    throw new Error(`expected ${source} to be refused`);
  };
  const big = { s: 'a'.repeat(1000), list: Array.from({ length: 10_000 }, (_, i) => i) };

  it.each([
    // The red team's crashes: each would have built hundreds of megabytes.
    ["${{ 'a'.repeat(1000) | replace(r/a/g, '$&'.repeat(200000)) }}"],
    ["${{ [1] | batch(300000000, 'x') }}"],
    ["${{ 'a'.repeat(1000) | replace(r/a/g, '$`'.repeat(10)) | length }}"],
    ["${{ s.replace('a', \"$'\".repeat(5000)) }}"],
    ["${{ s | replace('a', 'b'.repeat(5000)) }}"],
    ["${{ s | replace('', 'b'.repeat(5000)) }}"],
    ["${{ s.replaceAll('a', 'b'.repeat(5000)) }}"],
    ["${{ 'x'.repeat(3000000) }}"],
    ["${{ list | join('x'.repeat(1000)) }}"],
    ["${{ list.join('x'.repeat(1000)) }}"],
    ["${{ ','.join(s.repeat(2000)) }}"],
    ["${{ s.concat(s.repeat(2000), s.repeat(2000)) }}"],
    ["${{ s | center(300000000) }}"],
    ["${{ s.padStart(300000000) }}"],
    ["${{ s | indent(300000000) }}"],
    ["${{ (s ~ '\\n').repeat(2000) | indent(2000) }}"],
    ["${{ s | truncate(1, true, 'x'.repeat(2100000)) }}"],
    ["${{ '<'.repeat(1000000) | escape }}"],
    ["${{ '<'.repeat(1000000) | forceescape }}"],
    ["${{ '\\n'.repeat(1000000) | nl2br }}"],
    ["${{ '€'.repeat(1000000) | urlencode }}"],
    ["${{ [1, 2] | slice(300000000) }}"],
    ["${{ list | batch(3000000, 0) }}"],
    ["${{ s.repeat(2000) ~ s.repeat(2000) }}"],
    ["${{ s.repeat(2000) + s.repeat(2000) }}"],
    ["${{ range(10000) | list }}${{ range(300000000) }}"],
  ])('%s', source => {
    expect(ruleOf(source, big)).toMatch(/^limits\.(maxOutputSize|maxRangeSize)$/);
  });
});

describe('text filters take linear time', () => {
  it('striptags on input that makes the obvious regular expression quadratic', () => {
    const unclosedTags = '<a'.repeat(500_000);
    expect(renderString('${{ s | striptags | length }}', { s: unclosedTags })).toBe(1_000_000);
    const unclosedComments = '<!--'.repeat(250_000);
    expect(renderString('${{ s | striptags | length }}', { s: unclosedComments })).toBe(1_000_000);
    const spaces = ' '.repeat(500_000) + 'x';
    expect(renderString('${{ s | striptags(true) }}', { s: spaces })).toBe('x');
  });

  it('striptags keeps its Nunjucks meaning', () => {
    expect(renderString('${{ "<p>Hello <b>world</b></p><!-- x -->!" | striptags }}', {})).toBe('Hello world!');
    expect(renderString('${{ "a <x_y> b < c" | striptags }}', {})).toBe('a <x_y> b < c');
    expect(renderString('${{ "  <p>a</p>  \\n\\n\\n\\n  b  " | striptags(true) }}', {})).toBe('a\n\nb');
  });

  it('split() without a separator and wordcount scan once', () => {
    const words = 'ab '.repeat(300_000);
    expect(renderString('${{ s | split(none, 299999) | length }}', { s: words })).toBe(300_000);
    expect(renderString('${{ s | wordcount }}', { s: words })).toBe(300_000);
    expect(renderString('${{ "  a b  c " | split(none, 1) }}', {})).toEqual(['a', 'b  c ']);
  });
});
