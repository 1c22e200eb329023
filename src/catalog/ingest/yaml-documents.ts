import { LineCounter, parseAllDocuments, isMap, isSeq, isNode, type Document } from 'yaml';
import type { FieldError } from '../../core/problem.js';

/** One YAML document of a file, with a way to find the line of any field in it. */
export interface YamlDocument {
  index: number;
  value: unknown;
  /** One-based line of the node at a JSON pointer (or of the nearest parent that exists). */
  lineOf(pointer: string): number | undefined;
}

export interface ParsedYamlFile {
  documents: YamlDocument[];
  errors: FieldError[];
}

/**
 * Parses a multi-document YAML file. Parsing never fails: a broken document becomes an error
 * naming its index and line, and the other documents are still returned.
 * @example parseYamlDocuments(text, 'catalog-info.yaml', { maxDocumentBytes: 1 << 20 })
 */
export function parseYamlDocuments(text: string, source: string, limits: { maxDocumentBytes: number }): ParsedYamlFile {
  const lineCounter = new LineCounter();
  const documents: YamlDocument[] = [];
  const errors: FieldError[] = [];
  let parsed: Document.Parsed[];
  try {
    parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true }) as Document.Parsed[];
  } catch (error) {
    return { documents, errors: [{ pointer: '', detail: `not valid YAML: ${(error as Error).message}`, rule: 'yaml', source }] };
  }
  if (!Array.isArray(parsed)) parsed = [parsed];
  parsed.forEach((doc, index) => {
    const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
    const startLine = lineAt(doc.range?.[0]);
    if (doc.errors.length) {
      for (const error of doc.errors) {
        errors.push({
          pointer: '',
          detail: `not valid YAML: ${error.message.split('\n')[0]}`,
          rule: 'yaml',
          source,
          document: index,
          line: lineAt(error.pos[0]),
        });
      }
      return;
    }
    const size = (doc.range?.[2] ?? 0) - (doc.range?.[0] ?? 0);
    if (size > limits.maxDocumentBytes) {
      errors.push({
        pointer: '',
        detail: `document is ${size} bytes, larger than the limit of ${limits.maxDocumentBytes} bytes`,
        rule: 'size',
        source,
        document: index,
        line: startLine,
      });
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      errors.push({ pointer: '', detail: `not valid YAML: ${(error as Error).message}`, rule: 'yaml', source, document: index, line: startLine });
      return;
    }
    // Empty documents (a trailing `---`, a file of comments) are not entities and not mistakes.
    if (value === null || value === undefined) return;
    documents.push({
      index,
      value,
      lineOf: pointer => lineAt(nodeAt(doc, pointer)?.range?.[0]) ?? startLine,
    });
  });
  return { documents, errors };
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
