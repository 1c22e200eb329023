import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { fastYamlValues } from './yaml-fast-values.js';

/** What Pave's yaml path reads from a text: each document's value, or its errors' codes. */
function yamlReads(text: string): unknown[] {
  return parseAllDocuments(text, { uniqueKeys: true }).map(doc => (doc.errors.length ? { errors: doc.errors.map(error => error.code) } : doc.toJS({ maxAliasCount: 100 })));
}

describe('fastYamlValues', () => {
  it("gives yaml's own values for YAML 1.2 core scalars, where YAML 1.1 and js-yaml's core tags read them otherwise", () => {
    const text = [
      'yes: yes', 'on: on', 'no: No', 'true: True', 'nullValue: NULL', 'tilde: ~', 'empty:',
      'octal: 0o17', 'leadingZero: 017', 'hex: 0x1F', 'signedHex: -0x1F', 'underscores: 1_000', 'binary: 0b11', 'sexagesimal: 1:30',
      'date: 2001-12-14', 'timestamp: 2001-12-14t21:59:43.10-05:00', 'plus: +12', 'minusZero: -0', 'half: .5', 'dot: 1.',
      'exp: 1e3', 'tooBig: 1e999', `manyDigits: ${'9'.repeat(400)}`, `hugeHex: 0x${'f'.repeat(300)}`, 'nan: .NaN', 'inf: -.Inf',
      'version: 1.10', 'quoted: "1"', "single: 'true'",
    ].join('\n');
    const [fast] = fastYamlValues(text, 64)!;
    expect(fast).toStrictEqual(yamlReads(text)[0]);
    expect(fast).toMatchObject({ yes: 'yes', on: 'on', leadingZero: 17, underscores: '1_000', binary: '0b11', date: '2001-12-14', tooBig: Infinity, manyDigits: Infinity, hugeHex: Infinity });
    expect(Object.is((fast as { minusZero: number }).minusZero, -0)).toBe(true);
  });

  it('keeps `<<` a plain key (merge keys are YAML 1.1)', () => {
    const text = '<<: {a: 1}\nb: 2\n';
    expect(fastYamlValues(text, 64)).toStrictEqual(yamlReads(text));
  });

  it('gives keys as yaml does: numbers and booleans as their text, __proto__ as an own key', () => {
    const text = '200: ok\n1.50: x\ntrue: y\n0x10: z\n__proto__: {polluted: 1}\ntoString: 2\n';
    const fast = fastYamlValues(text, 64)!;
    expect(fast).toStrictEqual(yamlReads(text));
    expect(Object.keys(fast[0]!)).toEqual(['16', '200', '1.5', 'true', '__proto__', 'toString']);
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
  });

  it('numbers and empties documents as yaml does', () => {
    for (const text of ['a: 1\n---\nb: 2\n', '---\n', '# only a comment\n', 'a: 1\n---\n---\nb: [1, {c: d}]\n', 'a: 1\r\nb: |\r\n  x\r\n']) {
      expect(fastYamlValues(text, 64)).toStrictEqual(yamlReads(text));
    }
  });

  // Each of these is left to yaml: either yaml reports a mistake there, or the two would read it differently.
  it.each([
    ['a duplicate key (yaml: DUPLICATE_KEY)', 'a: 1\na: 2\n'],
    ['a duplicate key written differently', '1: a\n1.0: b\n'],
    ['a duplicate key in a flow mapping', '{a: 1, a: 2}\n'],
    ['an alias (yaml limits their expansion: RESOURCE_EXHAUSTION)', 'a: &x 1\nb: *x\n'],
    ['an anchor no alias uses', 'a: &x 1\nb: &y\n  c: 2\n'],
    ['a merge of an alias', 'base: &b {x: 1}\nm:\n  <<: *b\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a local tag', 'a: !thing {b: 1}\n'],
    ['a %YAML 1.1 directive (yes would be true)', '%YAML 1.1\n---\na: yes\n'],
    ['a %TAG directive', '%TAG !e! tag:example.com,2000:\n---\na: 1\n'],
    ['a null key (yaml makes it "")', '~: a\n'],
    ['an empty key', ': x\n'],
    ['a collection key (yaml writes its YAML)', '[a, b]: 1\n'],
    ['an implicit key over 1024 characters (yaml: KEY_OVER_1024_CHARS)', `${'k'.repeat(1100)}: 1\n`],
    ['a quoted implicit key near the limit', `"${'k'.repeat(1010)}": 1\n`],
    ['nesting at the depth limit', `${'['.repeat(64)}${']'.repeat(64)}\n`],
    ['nesting far past it, without overflowing', `${'['.repeat(100_000)}${']'.repeat(100_000)}\n`],
    ['a tab as indentation (yaml: TAB_AS_INDENT)', 'a:\n\tb: 1\n'],
    ['a multi-line implicit key', '"a\n b": 1\n'],
    ['a flow collection not indented enough (yaml: BAD_INDENT)', 'a: [\nb]\n'],
    ['a bad sequence indentation', 'a:\n  - 1\n - 2\n'],
    ['a reserved character starting a plain value', 'a: `x`\n'],
    ['an invalid escape', 'a: "\\q"\n'],
    ['an unclosed flow collection', '{a: 1, b\n'],
    // Found by differential fuzzing against yaml: js-yaml reads these where yaml refuses them or reads them otherwise.
    ['CR CR LF line ends, as a double autocrlf writes them', 'apiVersion: backstage.io/v1alpha1\r\r\nkind: Component\r\r\nmetadata:\r\r\n  name: x\r\r\n'],
    ['CR-only line ends (yaml: no line break)', 'kind: Component\rmetadata:\r  name: x\r'],
    ['a last line ending in a lone CR (yaml keeps it in the value)', 'description: last line\r'],
    ['a number before a CR CR LF (yaml reads the string "1\\r")', 'a: 1\r\r\n'],
    ['a tab before the first content (yaml: TAB_AS_INDENT)', '\tplain\n'],
    ['a tab before a block scalar', '\t |\n  text\n'],
    ['a tab after a document start', '--- \t{a: 1}\n'],
    ['content after a document end marker (yaml: UNEXPECTED_TOKEN)', '... {kind: Component}\n'],
    ['a document end marker then a key', '... b: \n'],
    ['a BOM past the start of the text', '\n\uFEFFa: 1\n'],
    ['a BOM after a CR LF', '\r\n\uFEFF'],
    ['a block scalar with an indentation indicator (values differ)', ' |2\n  x\n  base\n'],
    ['an indentation indicator with chomping', 'a: >1-\n  x\n'],
    ['an anchor with a colon (yaml: MISSING_CHAR)', '&a:&{c,}\n'],
    ['an anchor before a compact mapping (yaml: BLOCK_AS_IMPLICIT_KEY)', 'key: &a value: x\n'],
    ['an indented document start (yaml: a plain scalar)', ' --- |\n>  text\n'],
    ['an indented document end', ' ---\na:~ ...1\n'],
  ])('leaves %s to yaml', (_case, text) => {
    expect(fastYamlValues(text, 64)).toBeUndefined();
  });

  it('accepts nesting just under the depth limit', () => {
    const text = `${'['.repeat(63)}${']'.repeat(63)}\n`;
    expect(fastYamlValues(text, 64)).toStrictEqual(yamlReads(text));
  });
});
