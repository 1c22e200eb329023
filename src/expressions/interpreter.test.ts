import { describe, expect, it } from 'vitest';
import { renderFile, renderString } from './index.js';

const ctx = {
  name: 'Pave',
  n: 7,
  list: [3, 1, 2],
  obj: { a: 1, b: { c: 'deep' }, 'with-dash': 'dash' },
  empty: [],
  parameters: { name: 'my-service', tags: ['api', 'web'], flag: false },
  steps: { publish: { output: { remoteUrl: 'https://x/y' } } },
};
const r = (source: string, context: Record<string, unknown> = ctx) => renderString(source, context);
const f = (source: string, context: Record<string, unknown> = ctx) => renderFile(source, context);

describe('expressions', () => {
  it('reads names, properties and indexes', () => {
    expect(r('${{ name }}')).toBe('Pave');
    expect(r('${{ obj.b.c }}')).toBe('deep');
    expect(r("${{ obj['with-dash'] }}")).toBe('dash');
    expect(r('${{ list[0] }}')).toBe(3);
    expect(r("${{ steps['publish'].output.remoteUrl }}")).toBe('https://x/y');
    expect(r('${{ name[1] }}')).toBe('a');
    expect(r('${{ list.length }}')).toBe(3);
    expect(r('${{ name.length }}')).toBe(4);
  });

  it('renders undefined as empty text and tolerates access on undefined', () => {
    expect(r('[${{ missing }}]')).toBe('[]');
    expect(r('[${{ missing.deeper.still }}]')).toBe('[]');
    expect(r('${{ missing.deeper }}')).toBeUndefined();
    expect(r('[${{ none }}]')).toBe('[]');
  });

  it('evaluates literals', () => {
    expect(r('${{ "a\\"b" }}')).toBe('a"b');
    expect(r("${{ 'it\\'s' }}")).toBe("it's");
    expect(r('${{ 42 }}')).toBe(42);
    expect(r('${{ 1.5 }}')).toBe(1.5);
    expect(r('${{ 2e3 }}')).toBe(2000);
    expect(r('${{ true }}')).toBe(true);
    expect(r('${{ False }}')).toBe(false);
    expect(r('${{ null }}')).toBeNull();
    expect(r('${{ None }}')).toBeNull();
    expect(r('${{ [1, "two", [3]] }}')).toEqual([1, 'two', [3]]);
    expect(r('${{ {a: 1, "b c": [2], (name): 3} }}')).toEqual({ a: 1, 'b c': [2], Pave: 3 });
    expect(r('${{ [] }}')).toEqual([]);
    expect(r('${{ {} }}')).toEqual({});
  });

  it('does arithmetic and concatenation', () => {
    expect(r('${{ 1 + 2 * 3 }}')).toBe(7);
    expect(r('${{ (1 + 2) * 3 }}')).toBe(9);
    expect(r('${{ 7 / 2 }}')).toBe(3.5);
    expect(r('${{ 7 // 2 }}')).toBe(3);
    expect(r('${{ 7 % 3 }}')).toBe(1);
    expect(r('${{ 2 ** 10 }}')).toBe(1024);
    expect(r('${{ -n }}')).toBe(-7);
    expect(r('${{ +"3" }}')).toBe(3);
    expect(r('${{ 10 - 2 - 3 }}')).toBe(5);
    expect(r('${{ "a" ~ 1 ~ true }}')).toBe('a1true');
    expect(r('${{ "a" + "b" }}')).toBe('ab');
    expect(r('${{ "n=" + n }}')).toBe('n=7');
    expect(r('${{ "x" + missing }}')).toBe('x');
    expect(r('${{ "x" ~ missing }}')).toBe('x');
  });

  it('compares', () => {
    expect(r('${{ 1 == 1 }}')).toBe(true);
    expect(r('${{ 1 == "1" }}')).toBe(true);
    expect(r('${{ 1 === "1" }}')).toBe(false);
    expect(r('${{ 1 !== "1" }}')).toBe(true);
    expect(r('${{ 1 != 2 }}')).toBe(true);
    expect(r('${{ 1 < 2 }}')).toBe(true);
    expect(r('${{ 2 > 2 }}')).toBe(false);
    expect(r('${{ 2 >= 2 }}')).toBe(true);
    expect(r('${{ 3 <= 2 }}')).toBe(false);
    expect(r('${{ 1 < n < 10 }}')).toBe(true);
    expect(r('${{ 1 < n < 5 }}')).toBe(false);
    expect(r('${{ "a" < "b" }}')).toBe(true);
    expect(r('${{ parameters.flag === false }}')).toBe(true);
    expect(r('${{ list == list }}')).toBe(true);
    expect(r('${{ [1] == [1] }}')).toBe(false);
  });

  it('supports in and not in', () => {
    expect(r('${{ 1 in list }}')).toBe(true);
    expect(r('${{ 9 in list }}')).toBe(false);
    expect(r('${{ "av" in name }}')).toBe(true);
    expect(r('${{ "a" in obj }}')).toBe(true);
    expect(r('${{ "toString" in obj }}')).toBe(false);
    expect(r('${{ "x" not in list }}')).toBe(true);
    expect(r('${{ "x" in missing }}')).toBe(false);
  });

  it('supports and / or / not with JavaScript values', () => {
    expect(r('${{ missing or "fallback" }}')).toBe('fallback');
    expect(r('${{ name and n }}')).toBe(7);
    expect(r('${{ not parameters.flag }}')).toBe(true);
    expect(r('${{ not name }}')).toBe(false);
    expect(r('${{ 0 or "" }}')).toBe('');
    expect(r('${{ not not [] }}')).toBe(true);
  });

  it('supports inline if', () => {
    expect(r('${{ "yes" if n > 5 else "no" }}')).toBe('yes');
    expect(r('${{ "yes" if n > 50 else "no" }}')).toBe('no');
    expect(r('[${{ "yes" if missing }}]')).toBe('[]');
    expect(r('${{ "a" if false else "b" if true else "c" }}')).toBe('b');
  });

  it('applies chained filters with arguments and keyword arguments', () => {
    expect(r('${{ name | lower | replace("a", "4") }}')).toBe('p4ve');
    expect(r('${{ parameters.tags | join(", ") | upper }}')).toBe('API, WEB');
    expect(r('${{ "hello world" | truncate(length=5, end="!") }}')).toBe('hello!');
    expect(r('${{ missing | default("d", boolean=true) }}')).toBe('d');
  });

  it('supports slices', () => {
    expect(r('${{ list[1:] }}')).toEqual([1, 2]);
    expect(r('${{ list[:-1] }}')).toEqual([3, 1]);
    expect(r('${{ list[::-1] }}')).toEqual([2, 1, 3]);
    expect(r('${{ name[0:2] }}')).toBe('Pa');
  });

  it('supports is tests', () => {
    expect(r('${{ name is defined }}')).toBe(true);
    expect(r('${{ missing is defined }}')).toBe(false);
    expect(r('${{ missing is not defined }}')).toBe(true);
    expect(r('${{ n is odd }}')).toBe(true);
    expect(r('${{ 9 is divisibleby(3) }}')).toBe(true);
    expect(r('${{ 9 is divisibleby 4 }}')).toBe(false);
    expect(r('${{ name is string }}')).toBe(true);
    expect(r('${{ obj is mapping }}')).toBe(true);
    expect(r('${{ list is sameas list }}')).toBe(true);
    expect(r('${{ null is none }}')).toBe(true);
  });

  it('calls range() and the built-in methods', () => {
    expect(r('${{ range(3) }}')).toEqual([0, 1, 2]);
    expect(r('${{ range(1, 7, 2) }}')).toEqual([1, 3, 5]);
    expect(r('${{ range(3, 0, -1) }}')).toEqual([3, 2, 1]);
    expect(r('${{ "a b c".split(" ") }}')).toEqual(['a', 'b', 'c']);
    expect(r('${{ "1.2.3".split(".")[2] }}')).toBe('3');
    expect(r('${{ name.toUpperCase() }}')).toBe('PAVE');
    expect(r('${{ name.lower() }}')).toBe('pave');
    expect(r('${{ name.startsWith("Pa") }}')).toBe(true);
    expect(r('${{ "a-b-c".replace("-", "_") }}')).toBe('a_b-c');
    expect(r('${{ "a-b-c".replaceAll("-", "_") }}')).toBe('a_b_c');
    expect(r('${{ "a-b-c".replace(r/-/g, "") }}')).toBe('abc');
    expect(r('${{ list.join("+") }}')).toBe('3+1+2');
    expect(r('${{ ", ".join(parameters.tags) }}')).toBe('api, web');
    expect(r('${{ list.includes(2) }}')).toBe(true);
    expect(r('${{ obj.keys() }}')).toEqual(['a', 'b', 'with-dash']);
    expect(r('${{ obj.get("zz", 5) }}')).toBe(5);
    expect(r('${{ "  x ".strip() }}')).toBe('x');
    expect(r('${{ "ab".padStart(4, "-") }}')).toBe('--ab');
  });

  it('reports a clear error when a method is called on the wrong type', () => {
    expect(() => r('${{ missing.split(" ") }}')).toThrow(/line 1, column 12: cannot call split\(\) on undefined/);
  });

  it('stringifies values in text like Nunjucks', () => {
    expect(r('${{ list }}!')).toBe('3,1,2!');
    expect(r('${{ obj }}!')).toBe('[object Object]!');
    expect(r('${{ true }}!')).toBe('true!');
    expect(r('${{ 0.1 + 0.2 }}!')).toBe('0.30000000000000004!');
  });
});

describe('statements', () => {
  it('if / elif / else', () => {
    const t = '{% if n > 10 %}big{% elif n > 5 %}medium{% elseif n > 1 %}small{% else %}tiny{% endif %}';
    expect(f(t)).toBe('medium');
    expect(f(t, { n: 50 })).toBe('big');
    expect(f(t, { n: 3 })).toBe('small');
    expect(f(t, { n: 0 })).toBe('tiny');
    expect(f('{% if missing %}x{% endif %}')).toBe('');
  });

  it('for with loop variables', () => {
    expect(f('{% for x in list %}${{ loop.index }}:${{ x }}{% if not loop.last %},{% endif %}{% endfor %}')).toBe('1:3,2:1,3:2');
    expect(f('{% for x in list %}${{ loop.index0 }}${{ loop.first }}${{ loop.length }}${{ loop.revindex }} {% endfor %}')).toBe(
      '0true33 1false32 2false31 ',
    );
  });

  it('for over objects, pairs and strings, with else', () => {
    expect(f('{% for k, v in obj %}${{ k }}={{ v }};{% endfor %}', { obj: { a: 1, b: 2 } })).toBe('a={{ v }};b={{ v }};');
    expect(f('{% for k, v in obj %}${{ k }}=${{ v }};{% endfor %}', { obj: { a: 1, b: 2 } })).toBe('a=1;b=2;');
    expect(f('{% for k in obj %}${{ k }}{% endfor %}', { obj: { a: 1, b: 2 } })).toBe('ab');
    expect(f('{% for a, b in [[1, 2], [3, 4]] %}${{ a + b }} {% endfor %}')).toBe('3 7 ');
    expect(f('{% for c in "abc" %}${{ c }}.{% endfor %}')).toBe('a.b.c.');
    expect(f('{% for x in empty %}x{% else %}none{% endfor %}')).toBe('none');
    expect(f('{% for x in missing %}x{% else %}none{% endfor %}')).toBe('none');
  });

  it('nested loops see outer variables', () => {
    expect(f('{% for a in [1, 2] %}{% for b in ["x", "y"] %}${{ a }}${{ b }}{% if not loop.last %},{% endif %}{% endfor %};{% endfor %}')).toBe(
      '1x,1y;2x,2y;',
    );
  });

  it('set, including accumulation across loop iterations and the block form', () => {
    expect(f('{% set x = n * 2 %}${{ x }}')).toBe('14');
    expect(f('{% set a, b = 1 %}${{ a }}${{ b }}')).toBe('11');
    expect(f('{% set total = 0 %}{% for x in list %}{% set total = total + x %}{% endfor %}${{ total }}')).toBe('6');
    expect(f('{% for x in list %}{% set inner = x %}{% endfor %}[${{ inner }}]')).toBe('[]');
    expect(f('{% set block %}Hi ${{ name }}{% endset %}${{ block | upper }}')).toBe('HI PAVE');
    expect(f('{% set name = "shadow" %}${{ name }}')).toBe('shadow');
  });

  it('raw blocks and comments', () => {
    expect(f('{% raw %}${{ x }}{% endraw %}')).toBe('${{ x }}');
    expect(f('a{# a comment with ${{ x }} #}b')).toBe('ab');
  });

  it('whitespace control', () => {
    const t = 'tags:\n  {%- for t in parameters.tags %}\n  - ${{ t }}\n  {%- endfor %}\nend';
    expect(f(t)).toBe('tags:\n  - api\n  - web\nend');
    expect(f('a  ${{- name -}}  b')).toBe('aPaveb');
    expect(f('{% if true -%}\n   x\n{%- endif %}')).toBe('x');
  });

  it('reports runtime errors with their location', () => {
    expect(() => f('line1\n${{ range(0, 3, 0) }}')).toThrow(/line 2, column 5: range\(\) step cannot be zero/);
  });
});
