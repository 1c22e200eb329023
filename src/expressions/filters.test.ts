import { describe, expect, it } from 'vitest';
import { BUILT_IN_FILTER_NAMES, renderString } from './index.js';

const ctx = {
  s: 'Hello World',
  words: 'the quick brown fox',
  list: [3, 1, 2, 1],
  names: ['b', 'A', 'c', 'a'],
  people: [
    { name: 'Bo', age: 40, admin: true },
    { name: 'al', age: 30, admin: false },
  ],
  obj: { b: 2, a: 1 },
  n: -3.14159,
  repoUrl: 'github.com?owner=acme&repo=api',
  ref: 'group:platform/team-a',
};
const r = (source: string) => renderString(source, ctx);
const covered = new Set<string>();
const t = (name: string, source: string, expected: unknown) => {
  covered.add(name);
  it(`${name}: ${source}`, () => {
    expect(r(source)).toEqual(expected);
  });
};

describe('filters', () => {
  t('lower', '${{ s | lower }}', 'hello world');
  t('upper', '${{ s | upper }}', 'HELLO WORLD');
  t('capitalize', '${{ "hELLO wORLD" | capitalize }}', 'Hello world');
  t('title', '${{ words | title }}', 'The Quick Brown Fox');
  t('trim', '${{ "  x  " | trim }}', 'x');
  t('trim', '${{ "--x--" | trim("-") }}', 'x');
  t('replace', '${{ s | replace("o", "0") }}', 'Hell0 W0rld');
  t('replace', '${{ s | replace("o", "0", 1) }}', 'Hell0 World');
  t('replace', '${{ "abc" | replace("", ".") }}', '.a.b.c.');
  t('replace', '${{ "domain:finance-ops" | replace(r/domain:| |-/, "") }}', 'finance-ops');
  t('replace', '${{ "a-b c" | replace(r/[- ]/g, "_") }}', 'a_b_c');
  t('join', '${{ list | join }}', '3121');
  t('join', '${{ list | join(", ") }}', '3, 1, 2, 1');
  t('join', '${{ people | join(",", "name") }}', 'Bo,al');
  t('join', '[${{ missing | join(",") }}]', '[]');
  t('length', '${{ list | length }}', 4);
  t('length', '${{ s | length }}', 11);
  t('length', '${{ obj | length }}', 2);
  t('length', '${{ missing | length }}', 0);
  t('count', '${{ list | count }}', 4);
  t('default', '${{ missing | default("x") }}', 'x');
  t('default', '${{ "" | default("x") }}', '');
  t('default', '${{ "" | default("x", true) }}', 'x');
  t('default', '${{ null | default("x") }}', null);
  t('d', '${{ missing | d("y") }}', 'y');
  t('dump', '${{ obj | dump }}', '{"b":2,"a":1}');
  t('dump', '${{ [1, "a", null] | dump(2) }}', '[\n  1,\n  "a",\n  null\n]');
  t('dump', '${{ "q\\"" | dump }}', '"q\\""');
  t('dump', '${{ {a: missing, b: [missing]} | dump }}', '{"b":[null]}');
  t('jsonify', '${{ obj | jsonify }}', '{"b":2,"a":1}');
  t('first', '${{ list | first }}', 3);
  t('first', '${{ s | first }}', 'H');
  t('last', '${{ list | last }}', 1);
  t('last', '${{ s | last }}', 'd');
  t('string', '${{ 42 | string }}', '42');
  t('string', '${{ list | string }}', '3,1,2,1');
  t('int', '${{ "42px" | int }}', 42);
  t('int', '${{ "x" | int }}', 0);
  t('int', '${{ "x" | int(7) }}', 7);
  t('int', '${{ 3.9 | int }}', 3);
  t('int', '${{ "ff" | int(base=16) }}', 255);
  t('float', '${{ "2.5" | float }}', 2.5);
  t('float', '${{ "x" | float }}', 0);
  t('abs', '${{ n | abs }}', 3.14159);
  t('round', '${{ n | round }}', -3);
  t('round', '${{ n | round(2) }}', -3.14);
  t('round', '${{ 2.1 | round(0, "ceil") }}', 3);
  t('round', '${{ 2.9 | round(method="floor") }}', 2);
  t('list', '${{ "abc" | list }}', ['a', 'b', 'c']);
  t('list', '${{ obj | list }}', [
    { key: 'b', value: 2 },
    { key: 'a', value: 1 },
  ]);
  t('reverse', '${{ list | reverse }}', [1, 2, 1, 3]);
  t('reverse', '${{ "abc" | reverse }}', 'cba');
  t('sort', '${{ list | sort }}', [1, 1, 2, 3]);
  t('sort', '${{ list | sort(true) }}', [3, 2, 1, 1]);
  t('sort', '${{ names | sort }}', ['A', 'a', 'b', 'c']);
  t('sort', '${{ people | sort(attribute="age") | join(",", "name") }}', 'al,Bo');
  t('unique', '${{ list | unique }}', [3, 1, 2]);
  t('unique', '${{ names | unique }}', ['b', 'A', 'c']);
  t('unique', '${{ names | unique(true) }}', ['b', 'A', 'c', 'a']);
  t('split', '${{ "a,b,c" | split(",") }}', ['a', 'b', 'c']);
  t('split', '${{ "a,b,c" | split(",", 1) }}', ['a', 'b,c']);
  t('split', '${{ "  a  b " | split }}', ['a', 'b']);
  t('split', '${{ "abc" | split("") }}', ['a', 'b', 'c']);
  t('truncate', '${{ words | truncate(8) }}', 'the...');
  t('truncate', '${{ words | truncate(8, true) }}', 'the quic...');
  t('truncate', '${{ words | truncate(100) }}', 'the quick brown fox');
  t('indent', '${{ "a\\nb" | indent }}', 'a\n    b');
  t('indent', '${{ "a\\nb" | indent(2, true) }}', '  a\n  b');
  t('indent', '${{ "a\\nb" | indent("> ") }}', 'a\n> b');
  t('urlencode', '${{ "a b&c/d" | urlencode }}', 'a%20b%26c%2Fd');
  t('urlencode', '${{ {q: "x y", n: 1} | urlencode }}', 'q=x%20y&n=1');
  t('urlencode', '${{ [["a", "1"], ["b", "2"]] | urlencode }}', 'a=1&b=2');
  t('parseRepoUrl', '${{ repoUrl | parseRepoUrl }}', { host: 'github.com', owner: 'acme', repo: 'api' });
  t('parseRepoUrl', '${{ (repoUrl | parseRepoUrl)["owner"] }}', 'acme');
  t('parseRepoUrl', '${{ "gitlab.example.com?owner=grp%2Fsub&repo=r" | parseRepoUrl }}', {
    host: 'gitlab.example.com',
    owner: 'grp/sub',
    repo: 'r',
  });
  t('parseRepoUrl', '${{ "dev.azure.com?organization=o&project=p&repo=r" | parseRepoUrl }}', {
    host: 'dev.azure.com',
    organization: 'o',
    project: 'p',
    repo: 'r',
  });
  t('parseRepoUrl', '${{ "bitbucket.org?workspace=w&project=p&repo=r" | parseRepoUrl }}', {
    host: 'bitbucket.org',
    workspace: 'w',
    project: 'p',
    repo: 'r',
  });
  t('parseEntityRef', '${{ ref | parseEntityRef }}', { kind: 'group', namespace: 'platform', name: 'team-a' });
  t('parseEntityRef', '${{ "user:jo" | parseEntityRef }}', { kind: 'user', namespace: 'default', name: 'jo' });
  t('parseEntityRef', '${{ "jo" | parseEntityRef({defaultKind: "group", defaultNamespace: "ns"}) }}', {
    kind: 'group',
    namespace: 'ns',
    name: 'jo',
  });
  t('parseEntityRef', '${{ ref | parseEntityRef | pick("name") }}', 'team-a');
  t('pick', '${{ people | pick("1.name") }}', 'al');
  t('pick', '${{ {a: {b: [5]}} | pick("a.b[0]") }}', 5);
  t('pick', '${{ obj | pick("constructor") }}', undefined);
  t('projectSlug', '${{ repoUrl | projectSlug }}', 'acme/api');
  t('escape', '${{ "<a href=\'x\'>&</a>" | escape }}', '&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
  t('e', '${{ "<" | e }}', '&lt;');
  t('safe', '${{ "<b>" | safe }}', '<b>');
  t('sum', '${{ list | sum }}', 7);
  t('sum', '${{ people | sum("age") }}', 70);
  t('min', '${{ list | min }}', 1);
  t('max', '${{ list | max }}', 3);
  t('max', '${{ people | max(attribute="age") | pick("name") }}', 'Bo');
  t('selectattr', '${{ people | selectattr("admin") | join(",", "name") }}', 'Bo');
  t('selectattr', '${{ people | selectattr("age", "gt", 35) | join(",", "name") }}', 'Bo');
  t('rejectattr', '${{ people | rejectattr("admin") | join(",", "name") }}', 'al');
  t('items', '${{ obj | items }}', [
    ['b', 2],
    ['a', 1],
  ]);
  t('dictsort', '${{ obj | dictsort }}', [
    ['a', 1],
    ['b', 2],
  ]);
  t('dictsort', '${{ obj | dictsort(by="value", reverse=true) }}', [
    ['b', 2],
    ['a', 1],
  ]);
  t('select', '${{ [0, 1, 2, 3, ""] | select }}', [1, 2, 3]);
  t('select', '${{ range(10) | select("divisibleby", 3) }}', [0, 3, 6, 9]);
  t('reject', '${{ range(5) | reject("odd") }}', [0, 2, 4]);
  t('groupby', '${{ people | groupby("admin") | dump }}', '{"true":[{"name":"Bo","age":40,"admin":true}],"false":[{"name":"al","age":30,"admin":false}]}');
  t('slice', '${{ range(7) | slice(3) }}', [
    [0, 1, 2],
    [3, 4],
    [5, 6],
  ]);
  t('slice', '${{ range(7) | slice(3, "x") }}', [
    [0, 1, 2],
    [3, 4, 'x'],
    [5, 6, 'x'],
  ]);
  t('striptags', '${{ "<p>Hello   <b>World</b></p><!-- c -->" | striptags }}', 'Hello World');
  t('nl2br', '${{ "a\nb" | nl2br }}', 'a<br />\nb');
  t('forceescape', '${{ "<" | forceescape }}', '&lt;');
  t('wordcount', '${{ words | wordcount }}', 4);
  t('center', '[${{ "ab" | center(6) }}]', '[  ab  ]');
  t('batch', '${{ [1, 2, 3] | batch(2) }}', [[1, 2], [3]]);
  t('batch', '${{ [1, 2, 3] | batch(2, 0) }}', [
    [1, 2],
    [3, 0],
  ]);

  it('every built-in filter has a test above', () => {
    expect(BUILT_IN_FILTER_NAMES.filter(name => !covered.has(name))).toEqual([]);
  });

  it('filter errors name the filter and the place', () => {
    expect(() => r('${{ "github.com?repo=x" | parseRepoUrl }}')).toThrow(/line 1, column 27: parseRepoUrl: .* missing "owner"/);
    expect(() => r('${{ "nokind" | parseEntityRef }}')).toThrow(/parseEntityRef: .*no kind/);
    expect(() => r('${{ 5 | parseRepoUrl }}')).toThrow(/parseRepoUrl expects a repository location/);
    expect(() => r('${{ "x" | truncate(size=3) }}')).toThrow(/filter "truncate" has no argument named "size"/);
    expect(() => r('${{ 5 | list }}')).toThrow(/cannot make a list of a number/);
  });

  it('runs custom filters registered by Pave and refuses function results', () => {
    const filters = { shout: (v: unknown, suffix: unknown = '!') => String(v).toUpperCase() + String(suffix), bad: () => () => 1 };
    expect(renderString('${{ "hi" | shout }}', {}, { filters })).toBe('HI!');
    expect(renderString('${{ "hi" | shout("?") }}', {}, { filters })).toBe('HI?');
    expect(() => renderString('${{ "hi" | bad }}', {}, { filters })).toThrow(/returned a function/);
    expect(() => renderString('${{ "hi" | shout }}', {})).toThrow(/unknown filter "shout"/);
  });
});
