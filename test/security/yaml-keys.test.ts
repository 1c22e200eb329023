/**
 * A YAML document of many keys, under every size limit, costs time in proportion to its size wherever Pave reads
 * untrusted YAML: yaml's own duplicate-key check compares each key with every earlier one (60k keys in 0.56 MiB took
 * 134 s of CPU, 100k ~70 s a read at load 13). Without the linear check these tests cannot finish within vitest's timeout; no time is asserted.
 */
import { describe, expect, it } from 'vitest';
import { parseYamlDocuments, plainYamlDocuments, yamlDocumentsFromPlain } from '../../src/catalog/ingest/yaml-documents.js';
import { apiDefinitionTerms } from '../../src/catalog/search/api-definition-terms.js';

const KEYS = 100_000;
const limits = { maxDocumentBytes: 1 << 20 };
/** `0: v` … one key a line, then `7` again: a mistake, so that nothing can take a fast path around yaml. */
const manyKeys = `${Array.from({ length: KEYS }, (_, i) => `${i}: v`).join('\n')}\n7: again\n`;

describe('YAML with tens of thousands of keys', () => {
  it('is read, its repeated key reported on its line, under the document size limit', () => {
    expect(Buffer.byteLength(manyKeys)).toBeLessThan(limits.maxDocumentBytes);
    const [parsed] = [...parseYamlDocuments(manyKeys, 'file:many.yaml', limits)];
    expect(parsed).toEqual({ errors: [expect.objectContaining({ rule: 'yaml', line: KEYS + 1, detail: 'not valid YAML at column 1: a key appears twice in one mapping (DUPLICATE_KEY)' })] });
    const plain = plainYamlDocuments(manyKeys, 'file:many.yaml', limits);
    expect(plain).toEqual([parsed]);
    expect([...yamlDocumentsFromPlain(plain, manyKeys, 'file:many.yaml', limits)]).toEqual([parsed]);
  });

  it('is read with its lines when an entity of that many keys needs one', () => {
    const keys = 65_000;
    const entity = `kind: Component\nmetadata:\n  name: wide\n  annotations:\n${Array.from({ length: keys }, (_, i) => `    a${i}: v`).join('\n')}\n`;
    expect(Buffer.byteLength(entity)).toBeLessThan(limits.maxDocumentBytes);
    const plain = plainYamlDocuments(entity, 'file:wide.yaml', limits);
    const [doc] = [...yamlDocumentsFromPlain(plain, entity, 'file:wide.yaml', limits)];
    expect(doc && 'document' in doc && doc.document.lineOf(`/metadata/annotations/a${keys - 1}`)).toBe(keys + 4);
  });

  it('gives an API definition of that many paths, read by yaml for an alias, its search terms', () => {
    const paths = 30_000;
    const definition = `openapi: 3.0.0\npaths:\n${Array.from({ length: paths }, (_, i) => `  /${i}: ${i === 0 ? '&op ' : ''}{}`).join('\n')}\n  /last: *op\n`;
    expect(definition.length).toBeLessThan(512 * 1024);
    const terms = apiDefinitionTerms('openapi', definition);
    expect(terms).toHaveLength(2000);
    expect(terms.slice(0, 2)).toEqual(['/0', '/1']);
  });
});
