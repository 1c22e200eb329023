import { describe, expect, it } from 'vitest';
import { PaveError } from '../core/problem.js';
import { renderString } from './index.js';
import { regexProblem } from './template-regex.js';

const r = (source: string, context: Record<string, unknown> = {}) => renderString(source, context);

describe('regular expressions run on RE2 semantics', () => {
  it('keeps JavaScript replacement patterns', () => {
    expect(r('${{ "ann@x bob@y" | replace(r/(\\w+)@/g, "$1 at ") }}')).toBe('ann at x bob at y');
    expect(r('${{ "a-b" | replace(r/-/, "[$&]") }}')).toBe('a[-]b');
    expect(r('${{ "a-b" | replace(r/-/, "$`|$\'") }}')).toBe('aa|bb');
    expect(r('${{ "2024-05" | replace(r/(?<y>\\d+)-(?<m>\\d+)/, "$<m>/$<y>") }}')).toBe('05/2024');
    expect(r('${{ "ab" | replace(r/(a)/, "$$1 $2 $0 $11") }}')).toBe('$1 $2 $0 a1b');
    expect(r('${{ "aaa" | replace(r/a/, "b") }}')).toBe('baa');
    expect(r('${{ "AbA" | replace(r/a/gi, "x") }}')).toBe('xbx');
    expect(r('${{ "x\\ny" | replace(r/^y/m, "z") }}')).toBe('x\nz');
    expect(r('${{ "a😀b" | replace(r/./g, "[$&]") }}')).toBe('[a][😀][b]');
  });

  it('splits like String.prototype.split, captured groups included', () => {
    expect(r('${{ "a, b;c" | split(r/[,;] ?/) }}')).toEqual(['a', 'b', 'c']);
    expect(r('${{ "a1b2c".split(r/(\\d)/) }}')).toEqual(['a', '1', 'b', '2', 'c']);
    expect(r('${{ "ab".split(r/x*/) }}')).toEqual(['a', 'b']);
    expect(r('${{ "a,b,c".split(r/,/, 2) }}')).toEqual(['a', 'b']);
    expect(r('${{ "".split(r/,/) }}')).toEqual(['']);
  });

  it('prints as a RegExp does and exposes nothing', () => {
    expect(r('${{ r/a+/gi }}')).toBe('/a+/gi');
    expect(r('${{ r/a/ | dump }}')).toBe('{}');
    expect(r('${{ r/a/.source }}')).toBeUndefined();
  });

  it('refuses what RE2 cannot match in linear time, saying why', () => {
    expect(regexProblem('(a)\\1', '')).toMatch(/back-reference \(\\1\).*linear-time \(RE2\)/);
    expect(regexProblem('(?<n>a)\\k<n>', '')).toMatch(/named back-reference/);
    expect(regexProblem('a(?=b)', '')).toMatch(/look-ahead/);
    expect(regexProblem('(?<!a)b', '')).toMatch(/look-behind/);
    expect(regexProblem('[(?=]\\(?=', '')).toBeUndefined();
    expect(regexProblem('a{2000}', '')).toMatch(/invalid regular expression .*repeat count/);
    expect(regexProblem('a'.repeat(1001), '')).toMatch(/longer than 1000/);
    expect(() => r('${{ x | replace(r/(a)\\1/, "") }}', { x: 'aa' })).toThrow(PaveError);
  });

  it('matches catastrophic patterns on hostile input at once (the red team\'s stall)', () => {
    expect(r("${{ 'a'.repeat(34) | replace(r/a*a*a*a*a*a*a*a*a*a*b/, 'x') }}")).toBe('a'.repeat(34));
    expect(r('${{ s | replace(r/(a+)+$/, "x") }}', { s: 'a'.repeat(100_000) + '!' })).toBe('a'.repeat(100_000) + '!');
  });
});
