import { describe, expect, it } from 'vitest';
import { parseYamlDocuments, plainYamlDocuments, yamlDocumentsFromPlain, type ParsedYamlDocument } from './yaml-documents.js';

const parse = (text: string, maxDocumentBytes = 1 << 20): ParsedYamlDocument[] => [...parseYamlDocuments(text, 'file:x.yaml', { maxDocumentBytes })];
const values = (text: string, maxDocumentBytes?: number) => parse(text, maxDocumentBytes).map(p => ('document' in p ? [p.document.index, p.document.value] : p.errors.map(e => [e.document, e.rule, e.line])));

describe('parseYamlDocuments', () => {
  it('numbers documents as YAML does: markers, directives and comments before a marker, empty documents', () => {
    expect(values('a: 1\n')).toEqual([[0, { a: 1 }]]);
    expect(values('---\na: 1\n---\nb: 2\n')).toEqual([[0, { a: 1 }], [1, { b: 2 }]]);
    expect(values('# head\n%YAML 1.2\n---\na: 1\n...\n---\nb: 2\n---\n')).toEqual([[0, { a: 1 }], [1, { b: 2 }]]);
    expect(values('a: 1\n---\n# nothing here\n---\nc: 3\n')).toEqual([[0, { a: 1 }], [2, { c: 3 }]]);
    expect(values('a: 1\r\n---\r\nb: 2\r\n')).toEqual([[0, { a: 1 }], [1, { b: 2 }]]);
  });

  it('gives lines counted from the start of the file', () => {
    const [, second] = parse('a: 1\n---\nkind: x\nspec:\n  b: 2\n');
    expect('document' in second! && second.document.lineOf('/spec/b')).toBe(5);
  });

  it('reports a syntax error by line, column and kind, never quoting the file', () => {
    const secret = 'root:x:0:0:SECRET-LINE';
    const errors = parse(`a: 1\n---\nname: ${secret}\nname: twice\n---\n- ${secret}\nfoo: [${secret}\n`).flatMap(p => ('errors' in p ? p.errors : []));
    expect(errors).toContainEqual(expect.objectContaining({ document: 1, line: 4, rule: 'yaml', detail: expect.stringMatching(/column 1: a key appears twice .*DUPLICATE_KEY/) }));
    expect(errors.some(e => e.document === 2)).toBe(true);
    expect(JSON.stringify(errors)).not.toContain('SECRET');
  });

  it('refuses a document larger than the limit before parsing it, and reads the others', () => {
    const big = `a: "${'x'.repeat(5000)}"\n`;
    expect(values(`small: 1\n---\n${big}---\nafter: 2\n`, 1000)).toEqual([[0, { small: 1 }], [[1, 'size', 2]], [2, { after: 2 }]]);
    expect(parse(big, 1000)[0]).toMatchObject({ errors: [{ rule: 'size', detail: expect.stringContaining('larger than the limit of 1000 bytes') }] });
  });

  it('refuses documents nested deeper than 64 levels, in text or through aliases, without overflowing', () => {
    expect(values(`deep: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n---\nok: 1\n`)).toEqual([[[0, 'depth', 1]], [1, { ok: 1 }]]);
    const block = Array.from({ length: 70 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
    expect(values(block)).toEqual([[[0, 'depth', 1]]]);
    expect(values(`a: ${'['.repeat(60)}1${']'.repeat(60)}\n`)[0]![0]).toBe(0);
    // Each alias nests the one before: 3 lines of 25 levels of text, 75 levels of data.
    const aliases = Array.from({ length: 3 }, (_, i) => `a${i}: &a${i} ${'['.repeat(25)}${i ? `*a${i - 1}` : '1'}${']'.repeat(25)}`).join('\n');
    expect(parse(aliases)[0]).toMatchObject({ errors: [{ rule: 'depth' }] });
  });
});

describe('plainYamlDocuments', () => {
  it('gives what parseYamlDocuments gives, documents the fast parser leaves to yaml among them', () => {
    const text = '%YAML 1.1\n---\n' + [
      'flag: yes',
      'kind: Component\nmetadata: {name: a, on: on}',
      'a: 1\na: 2',
      'base: &b {x: 1}\nuse: *b',
      '',
      '# nothing',
      `deep: ${'['.repeat(70)}${']'.repeat(70)}`,
      'b: [unclosed',
      'last: 0o17',
    ].join('\n---\n') + '\n';
    const byYaml = [...parseYamlDocuments(text, 'file:x.yaml', { maxDocumentBytes: 1 << 20 })].map(p => ('document' in p ? { index: p.document.index, value: p.document.value } : p));
    const plain = plainYamlDocuments(text, 'file:x.yaml', { maxDocumentBytes: 1 << 20 });
    expect(plain).toStrictEqual(byYaml);
    expect(plain.map(p => ('errors' in p ? p.errors.map(e => e.rule) : p.index))).toEqual([0, 1, ['yaml'], 3, ['depth'], ['yaml'], 8]);
    expect(plain[0]).toEqual({ index: 0, value: { flag: true } });
    expect(plain[3]).toEqual({ index: 3, value: { base: { x: 1 }, use: { x: 1 } } });
  });

  it('finds the lines of a fast-parsed document with yaml when they are asked for', () => {
    const text = 'a: 1\n---\nkind: x\nspec:\n  b: 2\n';
    const plain = plainYamlDocuments(text, 'file:x.yaml', { maxDocumentBytes: 1 << 20 });
    const [, second] = [...yamlDocumentsFromPlain(plain, text, 'file:x.yaml', { maxDocumentBytes: 1 << 20 })];
    expect('document' in second! && second.document.lineOf('/spec/b')).toBe(5);
  });
});
