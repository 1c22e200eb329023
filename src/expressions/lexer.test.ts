import { describe, expect, it } from 'vitest';
import { tokenize } from './lexer.js';

const kinds = (source: string, compat = false) => tokenize(source, { cookiecutterCompat: compat }).tokens.map(t => t.kind);
const values = (source: string, compat = false) => tokenize(source, { cookiecutterCompat: compat }).tokens.map(t => t.value);

describe('lexer', () => {
  it('splits text and ${{ }} expressions', () => {
    expect(kinds('Hello ${{ name | upper }}!')).toEqual(['text', 'varStart', 'name', 'op', 'name', 'varEnd', 'text', 'eof']);
  });

  it('leaves {{ }} as text unless cookiecutter mode', () => {
    expect(kinds('a {{ b }}')).toEqual(['text', 'eof']);
    expect(kinds('a {{ b }}', true)).toEqual(['text', 'varStart', 'name', 'varEnd', 'eof']);
    expect(values('x ${{ b }}', true)).toEqual(['x ', '${{', 'b', '}}', '']);
  });

  it('reads numbers, strings with escapes, regex literals and operators', () => {
    const { tokens } = tokenize(`\${{ 1.5e3 'a\\'b\\n' "q" r/a[/]b/gi ** // === !== <= ~ }}`);
    const inner = tokens.slice(1, -2);
    expect(inner.map(t => t.kind)).toEqual(['number', 'string', 'string', 'regex', 'op', 'op', 'op', 'op', 'op', 'op']);
    expect(inner[0]?.number).toBe(1500);
    expect(inner[1]?.value).toBe("a'b\n");
    expect(inner[3]?.value).toBe('a[/]b');
    expect(inner[3]?.flags).toBe('gi');
  });

  it('tracks braces so object literals can close with }}', () => {
    expect(values('${{ {a: {b: 1}} }}').slice(0, -1)).toEqual(['${{', '{', 'a', ':', '{', 'b', ':', '1', '}', '}', '}}']);
  });

  it('reports lines and columns', () => {
    const { tokens } = tokenize('line1\n  ${{ x }}');
    expect(tokens[1]?.loc).toEqual({ line: 2, column: 3 });
    expect(tokens[2]?.loc).toEqual({ line: 2, column: 7 });
  });

  it('drops comments and applies whitespace control on every tag kind', () => {
    expect(values('a {# note #} b')).toEqual(['a ', ' b', '']);
    expect(values('a  {#- note -#}  b')).toEqual(['a', 'b', '']);
    expect(values('a \n {%- if x -%} \n b')).toEqual(['a', '{%', 'if', 'x', '%}', 'b', '']);
    expect(values('a  ${{- x -}}  b')).toEqual(['a', '${{', 'x', '}}', 'b', '']);
  });

  it('copies raw blocks verbatim', () => {
    const { tokens } = tokenize('{% raw %}${{ not parsed }} {% if %}{% endraw %}!');
    expect(tokens.map(t => t.kind)).toEqual(['text', 'text', 'eof']);
    expect(tokens[0]?.value).toBe('${{ not parsed }} {% if %}');
    expect(tokenize('{% verbatim -%}  x  {%- endverbatim %}').tokens[0]?.value).toBe('x');
  });

  it('reports unclosed tags, comments, strings and raw blocks', () => {
    expect(tokenize('${{ x').issues[0]?.message).toMatch(/unclosed tag/);
    expect(tokenize('{# x').issues[0]?.message).toMatch(/unclosed comment/);
    expect(tokenize('${{ "abc }}').issues[0]?.message).toMatch(/unterminated string/);
    expect(tokenize('{% raw %} x').issues[0]?.message).toMatch(/unclosed "raw"/);
    expect(tokenize('${{ a @ b }}').issues[0]).toMatchObject({ message: 'unexpected character "@" in tag', loc: { line: 1, column: 7 } });
  });
});
