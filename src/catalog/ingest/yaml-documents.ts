import { LineCounter, Parser, isMap, isSeq, isNode, type CST, type Document, type ErrorCode, type YAMLError } from 'yaml';
import { MAX_NESTING_DEPTH, valueDepth } from '../../core/nesting-depth.js';
import type { FieldError } from '../../core/problem.js';
import { withoutYamlDebugSwitches } from '../../core/yaml-debug-switches.js';
import { fastYamlValues } from '../../core/yaml-fast-values.js';
import { composeWithUniqueKeys } from '../../core/yaml-unique-keys.js';

/** One YAML document of a file, with a way to find the line of any field in it. */
export interface YamlDocument {
  index: number;
  value: unknown;
  /** One-based line of the node at a JSON pointer (or of the nearest parent that exists). */
  lineOf(pointer: string): number | undefined;
}

/** What one document of a file gave: a value to read, or the reasons it could not be read. */
export type ParsedYamlDocument = { document: YamlDocument } | { errors: FieldError[] };

/** The kind of each YAML syntax error in fixed words: the parser's own messages quote the file, ours never do. */
const YAML_ERRORS: Record<ErrorCode, string> = {
  ALIAS_PROPS: 'an alias cannot have an anchor or a tag',
  BAD_ALIAS: 'an alias names no anchor defined before it',
  BAD_COLLECTION_TYPE: 'a collection does not match its tag',
  BAD_DIRECTIVE: 'a directive is not valid',
  BAD_DQ_ESCAPE: 'a double-quoted string has an invalid escape',
  BAD_INDENT: 'the indentation is wrong',
  BAD_PROP_ORDER: 'an anchor or tag must come before its value',
  BAD_SCALAR_START: 'a plain value starts with a reserved character',
  BLOCK_AS_IMPLICIT_KEY: 'a nested mapping is not allowed in a compact mapping',
  BLOCK_IN_FLOW: 'block syntax is not allowed inside [ ] or { }',
  DUPLICATE_KEY: 'a key appears twice in one mapping',
  IMPOSSIBLE: 'the parser could not continue',
  KEY_OVER_1024_CHARS: 'an implicit key is longer than 1024 characters',
  MISSING_CHAR: 'a closing quote, bracket or indicator is missing',
  MULTILINE_IMPLICIT_KEY: 'an implicit key must be on one line',
  MULTIPLE_ANCHORS: 'a value has more than one anchor',
  MULTIPLE_DOCS: 'there is more than one document where one was expected',
  MULTIPLE_TAGS: 'a value has more than one tag',
  NON_STRING_KEY: 'a key is not a string',
  RESOURCE_EXHAUSTION: 'aliases expand to too much data',
  TAB_AS_INDENT: 'a tab is used for indentation',
  TAG_RESOLVE_FAILED: 'a tag is not known',
  UNEXPECTED_TOKEN: 'something unexpected stands here',
};

/** A line that starts or ends a document, wherever it stands (YAML forbids these at column 0 in content). */
const DOCUMENT_MARKER = /^(---|\.\.\.)(?=[ \t\r]|$)/;
/** A line that, before a `---`, belongs to the document the `---` starts. */
const PRELUDE_LINE = /^(%.*|\s*(#.*)?)\r?$/;

/**
 * Parses a multi-document YAML file lazily, one document per step, so a caller can let other work run
 * between the documents of a big file. Parsing never fails: a broken document yields errors naming
 * its index, line, column and the kind of mistake (never the text of the file), and the other documents
 * still follow. The file is cut into documents at their markers before any parsing, so a document larger
 * than `maxDocumentBytes` or nested deeper than `maxDepth` is refused before the parser builds anything
 * for it (parsing costs about a hundred times the size of the text).
 * @example for (const parsed of parseYamlDocuments(text, 'catalog-info.yaml', { maxDocumentBytes: 1 << 20 })) ...
 */
export function* parseYamlDocuments(
  text: string,
  source: string,
  limits: { maxDocumentBytes: number; maxDepth?: number },
): Generator<ParsedYamlDocument> {
  let index = 0;
  for (const chunk of documentChunks(text)) {
    const parsed = chunkDocuments(chunk, index, source, limits);
    index += parsed.count;
    yield* parsed.documents;
  }
}

/** One chunk's documents, by yaml, the first numbered `index`, and how many documents it held (empty ones too). */
function chunkDocuments(
  chunk: DocumentChunk,
  index: number,
  source: string,
  limits: { maxDocumentBytes: number; maxDepth?: number },
): { documents: ParsedYamlDocument[]; count: number } {
  const maxDepth = limits.maxDepth ?? MAX_NESTING_DEPTH;
  const problem = (detail: string, rule: string, line = chunk.firstLine): FieldError => ({ pointer: '', detail, rule, source, document: index, line });
  if (chunk.bytes > limits.maxDocumentBytes) {
    return { documents: [{ errors: [problem(`document is ${chunk.bytes} bytes, larger than the limit of ${limits.maxDocumentBytes} bytes (catalog.maxDocumentBytes)`, 'size')] }], count: 1 };
  }
  const lineCounter = new LineCounter();
  const positionAt = (offset: number) => {
    const { line, col } = lineCounter.linePos(Math.max(0, offset));
    return { line: line + chunk.firstLine - 1, column: col };
  };
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : positionAt(offset).line);
  const tokens = withoutYamlDebugSwitches(() => [...new Parser(lineCounter.addNewLine).parse(chunk.text)]);
  const deep = tokens.find(token => token.type === 'document' && cstDepth(token, maxDepth) > maxDepth);
  if (deep) return { documents: [{ errors: [problem(`document nests deeper than ${maxDepth} levels`, 'depth', lineAt(deep.offset))] }], count: 1 };
  let composed: Document.Parsed[];
  try {
    // yaml's own duplicate-key check is quadratic: 60k keys, well under maxDocumentBytes, cost minutes of CPU.
    composed = withoutYamlDebugSwitches(() => composeWithUniqueKeys(tokens));
  } catch {
    return { documents: [{ errors: [problem('not valid YAML: the parser could not continue', 'yaml')] }], count: 1 };
  }
  const documents: ParsedYamlDocument[] = [];
  for (const [i, doc] of composed.entries()) {
    const parsed = readDocument(doc, index + i, source, maxDepth, lineAt, positionAt);
    if (parsed) documents.push(parsed);
  }
  return { documents, count: composed.length };
}

/** A document yaml composed: its value with a way to find lines, its mistakes, or undefined when it is empty. */
function readDocument(
  doc: Document.Parsed,
  index: number,
  source: string,
  maxDepth: number,
  lineAt: (offset: number | undefined) => number | undefined,
  positionAt: (offset: number) => { line: number; column: number },
): ParsedYamlDocument | undefined {
  const startLine = lineAt(doc.range?.[0]);
  if (doc.errors.length) return { errors: doc.errors.map(error => yamlSyntaxProblem(error, source, index, positionAt(error.pos[0]))) };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch {
    return { errors: [{ pointer: '', detail: 'not valid YAML: its aliases expand too far or nest too deep', rule: 'yaml', source, document: index, line: startLine }] };
  }
  // Aliases can nest a value deeper than its text does.
  if (valueDepth(value, maxDepth) > maxDepth) {
    return { errors: [{ pointer: '', detail: `document nests deeper than ${maxDepth} levels`, rule: 'depth', source, document: index, line: startLine }] };
  }
  // Empty documents (a trailing `---`, a file of comments) are not entities and not mistakes.
  if (value === null || value === undefined) return undefined;
  return { document: { index, value, lineOf: pointer => lineAt(nodeAt(doc, pointer)?.range?.[0]) ?? startLine } };
}

/** A syntax error as a problem: where it is and what kind it is, never the text around it. */
function yamlSyntaxProblem(error: YAMLError, source: string, document: number, at: { line: number; column: number }): FieldError {
  const kind = YAML_ERRORS[error.code] ?? 'the syntax is wrong';
  return { pointer: '', detail: `not valid YAML at column ${at.column}: ${kind} (${error.code})`, rule: 'yaml', source, document, line: at.line };
}

/** The text of one document of a file, where it starts, and its size in bytes. */
interface DocumentChunk {
  text: string;
  firstLine: number;
  bytes: number;
}

/**
 * Cuts a file into the text of each document, at the lines YAML reserves for document markers: `---`
 * starts a document (comments and directives just before it go with it), `...` ends one.
 */
function* documentChunks(text: string): Generator<DocumentChunk> {
  let start = 0;
  let firstLine = 1;
  let line = 1;
  let onlyPrelude = true;
  const chunk = (end: number) => {
    const piece = text.slice(start, end);
    return { text: piece, firstLine, bytes: Buffer.byteLength(piece) };
  };
  for (let offset = 0; offset < text.length; line++) {
    const newline = text.indexOf('\n', offset);
    const next = newline === -1 ? text.length : newline + 1;
    const content = text.slice(offset, newline === -1 ? text.length : newline);
    const marker = DOCUMENT_MARKER.exec(content)?.[1];
    if (marker === '---' && !onlyPrelude) {
      yield chunk(offset);
      start = offset;
      firstLine = line;
    } else if (marker === '...') {
      yield chunk(next);
      start = next;
      firstLine = line + 1;
      onlyPrelude = true;
      offset = next;
      continue;
    }
    if (marker === '---' || !PRELUDE_LINE.test(content)) onlyPrelude = false;
    offset = next;
  }
  if (start < text.length) yield chunk(text.length);
}

/** How deeply a document's collections nest, walked without recursion; stops past `limit`. */
function cstDepth(document: CST.Token, limit: number): number {
  let max = 0;
  const stack: Array<[CST.Token | null | undefined, number]> = [[document, 0]];
  while (stack.length) {
    const [token, depth] = stack.pop()!;
    if (!token) continue;
    if (token.type === 'document') {
      stack.push([token.value, depth]);
    } else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      const here = depth + 1;
      if (here > max) {
        max = here;
        if (max > limit) return max;
      }
      for (const item of token.items) stack.push([item.key, here], [item.value, here]);
    }
  }
  return max;
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

/** A parsed document as plain data (what a worker thread sends back): its value without the parser's nodes. */
export type PlainYamlDocument = { index: number; value: unknown } | { errors: FieldError[] };

/**
 * Parses a file as `parseYamlDocuments` does, keeping only plain data, so the result can cross to another thread. A
 * document's value comes from the fast parser (`fastYamlValues`) wherever it gives exactly yaml's, else from yaml; lines
 * are not needed here (`yamlDocumentsFromPlain` finds them with yaml when asked).
 * @example const plain = plainYamlDocuments(text, 'catalog-info.yaml', { maxDocumentBytes: 1 << 20 });
 */
export function plainYamlDocuments(text: string, source: string, limits: { maxDocumentBytes: number; maxDepth?: number }): PlainYamlDocument[] {
  const plain: PlainYamlDocument[] = [];
  let index = 0;
  for (const chunk of documentChunks(text)) {
    const values = chunk.bytes > limits.maxDocumentBytes ? undefined : fastYamlValues(chunk.text, limits.maxDepth ?? MAX_NESTING_DEPTH);
    // One document a chunk, as the markers cut it; anything else (a file of comments, say) is counted by yaml.
    if (values?.length === 1) {
      if (values[0] !== null && values[0] !== undefined) plain.push({ index, value: values[0] });
      index++;
      continue;
    }
    const parsed = chunkDocuments(chunk, index, source, limits);
    index += parsed.count;
    for (const doc of parsed.documents) plain.push('errors' in doc ? doc : { index: doc.document.index, value: doc.document.value });
  }
  return plain;
}

/**
 * The documents `plainYamlDocuments` gave, with their lines back: the first line asked for parses the text again
 * here (once per file), which only a file with a mistake, a duplicate or a Location entity needs.
 * @example for (const parsed of yamlDocumentsFromPlain(plain, text, source, limits)) ...
 */
export function* yamlDocumentsFromPlain(
  plain: PlainYamlDocument[],
  text: string,
  source: string,
  limits: { maxDocumentBytes: number },
): Generator<ParsedYamlDocument> {
  let parsedHere: Map<number, YamlDocument> | undefined;
  const lineOf = (index: number, pointer: string) => {
    parsedHere ??= new Map([...parseYamlDocuments(text, source, limits)].flatMap(parsed => ('document' in parsed ? [[parsed.document.index, parsed.document] as const] : [])));
    return parsedHere.get(index)?.lineOf(pointer);
  };
  for (const doc of plain) yield 'errors' in doc ? doc : { document: { index: doc.index, value: doc.value, lineOf: pointer => lineOf(doc.index, pointer) } };
}
