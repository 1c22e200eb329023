import { describe, expect, it } from 'vitest';
import { Composer, Parser, parseAllDocuments, type Document } from 'yaml';
import { composeWithUniqueKeys, parseAllDocumentsWithUniqueKeys } from './yaml-unique-keys.js';

/** What a composition gives that Pave reads: each document's errors (code and offset) and, without errors, its value. */
function reads(docs: Document.Parsed[]): unknown[] {
  return docs.map(doc => (doc.errors.length ? doc.errors.map(error => [error.code, error.pos[0]]) : doc.toJS()));
}
const byYaml = (text: string) => reads([...new Composer({ uniqueKeys: true }).compose(new Parser().parse(text))] as Document.Parsed[]);
const linear = (text: string) => reads(composeWithUniqueKeys([...new Parser().parse(text)]));

const DUPLICATES: Array<[string, string]> = [
  ['plain', 'a: 1\nb: 2\na: 3\n'],
  ['plain and quoted', 'a: 1\n"a": 2\n\'a\': 3\n'],
  ['numbers written differently', '1: a\n1.0: b\n0x1: c\n+1: d\n'],
  ['zero and minus zero', '0: a\n-0: b\n'],
  ['NaN twice (never equal)', '.nan: a\n.NaN: b\n'],
  ['booleans and their strings', 'true: a\nTrue: b\n"true": c\n'],
  ['null and ~', 'null: a\n~: b\n'],
  ['an empty key after a null one', 'null: a\n? \n: c\n'],
  ['a flow mapping', '{a: 1, b: 2, a: 3}\n'],
  ['nested mappings, each its own', 'a:\n  x: 1\n  x: 2\nb:\n  x: 1\n'],
  ['in a sequence of mappings', '- {k: 1, k: 2}\n- k: 1\n  k: 2\n'],
  ['collection keys (never equal)', '? [a]\n: 1\n? [a]\n: 2\n{a: 1}: 1\n'],
  ['alias keys (never equal)', '&x a: 1\n*x : 2\n'],
  ['inside a collection key', '? {a: 1, a: 2}\n: x\n'],
  ['three times', 'a: 1\na: 2\na: 3\n'],
  ['a repeat after an empty value (yaml reports it on the line before)', 'x:\n  a:\n  a: 1\n  b: \n  b: {}\n'],
  ['next to other mistakes', 'a: 1\na: [2\nb: "x\n'],
  ['a mistake in the value of a repeat in a flow mapping', '{a: 1, a: "\\q", b: `x}\n'],
  ['no value after the repeat', 'a: 1\na\n'],
  ['in several documents', 'a: 1\na: 2\n---\nb: 1\nb: 2\n'],
  ['none', 'a: 1\nb: {c: 2, d: 3}\n'],
];

describe('composeWithUniqueKeys', () => {
  it.each(DUPLICATES)('gives what yaml gives for duplicate keys: %s', (_case, text) => {
    expect(linear(text)).toStrictEqual(byYaml(text));
  });

  // A mapping of 1,000 keys beside each case: too many comparisons to leave to yaml, so the walk finds them. An
  // empty key has no text to stand at: yaml reports it at its `:`, the walk where the empty value is (a line before
  // at most). Fuzzing (/tmp probes, see the yamlfix report) found no other difference.
  const PADDING = `padding: {${Array.from({ length: 1000 }, (_, i) => `p${i}: ${i}`).join(', ')}}\n`;
  it.each(DUPLICATES.filter(([, text]) => !text.includes('---') && !text.includes('? \n')))('finds them itself, where yaml would take long, as yaml does: %s', (_case, text) => {
    const big = `${PADDING}case:\n${text.replace(/^(?=.)/gm, '  ')}`;
    expect(linear(big)).toStrictEqual(byYaml(big));
  });

  it('finds the same duplicates, at the same offsets, in mappings too big to leave to yaml', () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `k${i}: ${i}`);
    keys.splice(500, 0, 'k7: again', '"k9": quoted', 'nested:\n  x: 1\n  x: 2', 'flow: {a: 1, a: 2}');
    const text = `1: one\n${keys.join('\n')}\n1.0: one again\n`;
    const found = linear(text);
    expect(found).toStrictEqual(byYaml(text));
    expect((found[0] as unknown[]).length).toBe(5);
  });

  it('parses a text as parseAllDocuments does, messages naming line and column, without its quadratic check', () => {
    for (const text of ['a: 1\na: 2\n---\nb: [1\n', '{x: 1, x: 2}\n', 'k: v\n', '# only a comment\n']) {
      const expected = parseAllDocuments(text);
      const documents = parseAllDocumentsWithUniqueKeys(text);
      expect(documents.map(doc => doc.errors.map(error => [error.code, error.message]))).toStrictEqual(expected.map(doc => doc.errors.map(error => [error.code, error.message])));
      expect(documents.map(doc => doc.toJS())).toStrictEqual(expected.map(doc => doc.toJS()));
    }
    const big = `${PADDING}padding: again\n`;
    expect(reads(parseAllDocumentsWithUniqueKeys(big))).toStrictEqual(byYaml(big));
  });
});
