import { Composer, LineCounter, Parser, isMap, isSeq, isNode, type Document } from 'yaml';
import type { FieldError } from '../../core/problem.js';

/** One YAML document of a file, with a way to find the line of any field in it. */
export interface YamlDocument {
  index: number;
  value: unknown;
  /** One-based line of the node at a JSON pointer (or of the nearest parent that exists). */
  lineOf(pointer: string): number | undefined;
}

/** What one document of a file gave: a value to read, or the reasons it could not be read. */
export type ParsedYamlDocument = { document: YamlDocument } | { errors: FieldError[] };

/**
 * Parses a multi-document YAML file lazily, one document per step, so a caller can let other work run
 * between the documents of a big file. Parsing never fails: a broken document yields errors naming
 * its index and line, and the other documents still follow.
 * @example for (const parsed of parseYamlDocuments(text, 'catalog-info.yaml', { maxDocumentBytes: 1 << 20 })) ...
 */
export function* parseYamlDocuments(text: string, source: string, limits: { maxDocumentBytes: number }): Generator<ParsedYamlDocument> {
  const lineCounter = new LineCounter();
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  const documents = new Composer({ uniqueKeys: true }).compose(new Parser(lineCounter.addNewLine).parse(text));
  let index = 0;
  while (true) {
    let doc: Document.Parsed;
    try {
      const next = documents.next();
      if (next.done) return;
      doc = next.value;
    } catch (error) {
      yield { errors: [{ pointer: '', detail: `not valid YAML: ${(error as Error).message}`, rule: 'yaml', source, document: index }] };
      return;
    }
    const parsed = readDocument(doc, index++, lineAt);
    if (parsed) yield parsed;
  }

  function readDocument(doc: Document.Parsed, index: number, lineAt: (offset: number | undefined) => number | undefined): ParsedYamlDocument | undefined {
    const startLine = lineAt(doc.range?.[0]);
    if (doc.errors.length) {
      return {
        errors: doc.errors.map(error => ({
          pointer: '',
          detail: `not valid YAML: ${error.message.split('\n')[0]}`,
          rule: 'yaml',
          source,
          document: index,
          line: lineAt(error.pos[0]),
        })),
      };
    }
    const size = (doc.range?.[2] ?? 0) - (doc.range?.[0] ?? 0);
    if (size > limits.maxDocumentBytes) {
      return { errors: [{ pointer: '', detail: `document is ${size} bytes, larger than the limit of ${limits.maxDocumentBytes} bytes`, rule: 'size', source, document: index, line: startLine }] };
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      return { errors: [{ pointer: '', detail: `not valid YAML: ${(error as Error).message}`, rule: 'yaml', source, document: index, line: startLine }] };
    }
    // Empty documents (a trailing `---`, a file of comments) are not entities and not mistakes.
    if (value === null || value === undefined) return undefined;
    return { document: { index, value, lineOf: pointer => lineAt(nodeAt(doc, pointer)?.range?.[0]) ?? startLine } };
  }
}

/** Finds the deepest existing node along a JSON pointer. */
function nodeAt(doc: Document.Parsed, pointer: string): { range?: [number, number, number] | null } | undefined {
  let node: unknown = doc.contents;
  let found = node as { range?: [number, number, number] | null } | undefined;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (isMap(node)) {
      const pair = node.items.find(item => isNode(item.key) ? (item.key as { value?: unknown }).value === segment : item.key === segment);
      if (!pair) break;
      // Point at the value when it exists, else at the key.
      node = pair.value ?? pair.key;
    } else if (isSeq(node)) {
      node = node.items[Number(segment)];
    } else break;
    if (!isNode(node)) break;
    found = node as { range?: [number, number, number] | null };
  }
  return found;
}
