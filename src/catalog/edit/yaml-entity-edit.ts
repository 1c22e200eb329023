import { Composer, CST, Parser, Scalar, isMap, isScalar, isSeq, stringify, type Document, type Node } from 'yaml';
import { isDeepStrictEqual } from 'node:util';
import type { Entity } from '../../core/entity.js';
import { entityRefOf } from '../../core/entity-ref.js';
import { notFound } from '../../core/problem.js';
import { SCM_ANNOTATIONS } from '../ingest/location-annotations.js';
import { refoldLike } from './folded-text.js';

/** Fields Pave adds or derives; they are never written back into a file. */
const DERIVED_ANNOTATIONS = ['backstage.io/managed-by-location', 'backstage.io/managed-by-origin-location', 'backstage.io/orphan'];
const PLACEHOLDER_KEYS = ['$text', '$json', '$yaml'];
const RENDER = { lineWidth: 0, flowCollectionPadding: false } as const;

type Path = Array<string | number>;
type Change = { op: 'set'; path: Path; value: unknown } | { op: 'delete'; path: Path };

/** A file with an entity's edit applied, and the fields the edit changed (e.g. `metadata.description`). */
export interface AppliedEdit {
  text: string;
  fields: string[];
}

/**
 * Applies an edited entity to the YAML file that defines it by editing the file's syntax tree (the `yaml`
 * package's concrete syntax tree, which prints back byte for byte): only the tokens of the changed fields
 * are replaced, so comments, key order, quoting, folded text and the other documents stay as written and a
 * one-word edit is a one-line diff. A change the tree edit cannot express exactly (e.g. inside a flow
 * mapping) re-prints that one document through the Document API, still leaving the others untouched.
 * @example const { text, fields } = applyEntityEdit(fileText, editedEntity);
 */
export function applyEntityEdit(fileText: string, edited: Entity): AppliedEdit {
  const ref = entityRefOf(edited);
  const parsed = parseFile(fileText);
  const doc = parsed.docs.find(d => definesRef(d, ref));
  if (!doc) throw notFound(`${ref} is no longer defined in its file; refresh the location and try again`);
  const current = doc.toJS() as Entity;
  const wanted = writableForm(edited);
  // The default namespace is implied; do not write it into a file that left it out.
  const metadata = wanted.metadata as Record<string, unknown>;
  if (current.metadata?.namespace === undefined && metadata.namespace === 'default') delete metadata.namespace;
  dropDerivedLinks(metadata, current.metadata?.annotations);
  const changes: Change[] = [];
  diff([], current, wanted, changes);
  const fields = [...new Set(changes.map(change => fieldName(change.path)))];
  if (!changes.length) return { text: fileText, fields };
  const expected = applyToValue(structuredClone(current), changes);
  const index = parsed.docs.indexOf(doc);
  const newline = fileText.includes('\r\n') ? '\r\n' : '\n';
  if (changes.every(change => editTokens(doc, change, newline))) {
    const text = parsed.tokens.map(token => CST.stringify(token)).join('');
    if (isDeepStrictEqual(parseFile(text).docs[index]?.toJS(), expected)) return { text, fields };
  }
  return { text: reprintDocument(fileText, index, changes), fields };
}

function parseFile(text: string): { tokens: CST.Token[]; docs: Document.Parsed[] } {
  const tokens = [...new Parser().parse(text)];
  // Only tokens and values are used here, never errors: yaml's duplicate-key check (quadratic) would only cost time.
  const docs = [...new Composer({ keepSourceTokens: true, uniqueKeys: false }).compose(tokens)] as Document.Parsed[];
  return { tokens, docs };
}

function definesRef(doc: Document.Parsed, ref: string): boolean {
  const value = doc.toJS() as Entity | null;
  return !!value && typeof value === 'object' && typeof value.kind === 'string' && entityRefOf({ ...value, metadata: { namespace: 'default', ...value.metadata } }) === ref;
}

/** `['metadata', 'tags', 1]` → `metadata.tags`: the field a person edited, as commit messages name it. */
function fieldName(path: Path): string {
  const named = path.filter((part): part is string => typeof part === 'string');
  return named.slice(0, named[0] === 'metadata' && ['annotations', 'labels'].includes(named[1] ?? '') ? 3 : 2).join('.');
}

/** Edits the syntax-tree tokens for one change; false when the change cannot be made there. */
function editTokens(doc: Document.Parsed, change: Change, newline: string): boolean {
  const parentPath = change.path.slice(0, -1);
  const key = change.path.at(-1)!;
  const parent = parentPath.length ? doc.getIn(parentPath, true) : doc.contents;
  const parentToken = (parent as Node | null)?.srcToken;
  if (change.op === 'delete') {
    if (!isMap(parent) || parentToken?.type !== 'block-map' || parentToken.items.length < 2) return false;
    const at = parent.items.findIndex(pair => isScalar(pair.key) && pair.key.value === key);
    if (at < 0) return false;
    parentToken.items.splice(at, 1);
    return true;
  }
  const node = doc.getIn(change.path, true) as Node | undefined;
  if (isScalar(node) && node.srcToken && isScalarValue(change.value)) return setScalar(node, change.value, parentToken, newline);
  if (!isMap(parent) || parentToken?.type !== 'block-map' || typeof key !== 'string') return false;
  const at = parent.items.findIndex(pair => isScalar(pair.key) && pair.key.value === key);
  const flow = node !== undefined && (isMap(node) || isSeq(node)) && node.flow === true;
  const item = renderedPair(key, change.value, parentToken.indent, flow, newline);
  if (!item) return false;
  if (at < 0) {
    parentToken.items.push(item);
    return true;
  }
  // Replace the value (and its separator) but keep the key's own leading comments and indentation.
  const existing = parentToken.items[at]!;
  existing.sep = item.sep;
  existing.value = item.value;
  return true;
}

function isScalarValue(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** Sets a scalar in place in its own style: quoted stays quoted, folded text keeps its line breaks where it can. */
function setScalar(node: Scalar, value: string | number | boolean | null, parentToken: CST.Token | undefined, newline: string): boolean {
  const token = node.srcToken!;
  if (token.type === 'block-scalar') {
    if (typeof value !== 'string') return false;
    const lines = blockLines(node, token.source, value, newline);
    if (!lines) return false;
    const header = token.props.find((prop): prop is CST.SourceToken => prop.type === 'block-scalar-header');
    if (!header) return false;
    header.source = header.source[0]! + (value.endsWith('\n\n') ? '+' : value.endsWith('\n') ? '' : '-');
    token.source = lines;
    return true;
  }
  const type = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE ? node.type : typeof value === 'string' ? Scalar.PLAIN : undefined;
  CST.setScalarValue(token, typeof value === 'string' ? value : JSON.stringify(value), { inFlow: parentToken?.type === 'flow-collection', ...(type ? { type } : {}) });
  return true;
}

/** The body of a block scalar holding `value`, indented as the old body was; undefined where that cannot be exact. */
function blockLines(node: Scalar, oldSource: string, value: string, newline: string): string | undefined {
  const indent = /^( *)\S/m.exec(oldSource)?.[1];
  const body = value.replace(/\n+$/, '');
  if (!indent || /^\s|\s$/.test(body) || /\n\s/.test(body)) return undefined;
  const folded = node.type === Scalar.BLOCK_FOLDED;
  if (folded && body.includes('\n')) return undefined;
  const oldLines = oldSource.replace(/\s+$/, '').split(/\r?\n/).map(line => line.slice(indent.length));
  const lines = folded ? refoldLike(oldLines, body) : body.split('\n');
  const trailing = value.length - body.length;
  return lines.map(line => indent + line).join(newline) + newline.repeat(Math.max(1, trailing));
}

/** `key: value` as syntax-tree tokens at a mapping's indentation (flow style when the value was flow). */
function renderedPair(key: string, value: unknown, indent: number, flow: boolean, newline: string): CST.BlockMap['items'][number] | undefined {
  const rendered = flow && Array.isArray(value) ? `${stringify(key, RENDER).trimEnd()}: ${stringify(value, { ...RENDER, collectionStyle: 'flow' }).trimEnd()}\n` : stringify({ [key]: value }, RENDER);
  const text = rendered.split('\n').map(line => (line ? ' '.repeat(indent) + line : line)).join(newline);
  const [document] = [...new Parser().parse(text)];
  if (document?.type !== 'document' || document.value?.type !== 'block-map' || document.value.items.length !== 1) return undefined;
  const item = document.value.items[0]!;
  item.start = indent ? [{ type: 'space', offset: 0, indent: 0, source: ' '.repeat(indent) }] : [];
  return item;
}

/** Re-prints one document with the changes through the Document API; the others keep their text. */
function reprintDocument(fileText: string, index: number, changes: Change[]): string {
  const { tokens, docs } = parseFile(fileText);
  const doc = docs[index]!;
  for (const change of changes) {
    if (change.op === 'delete') doc.deleteIn(change.path);
    else doc.setIn(change.path, change.value);
  }
  let seen = -1;
  const text = tokens.map(token => (token.type === 'document' && ++seen === index ? doc.toString(RENDER) : CST.stringify(token))).join('');
  return fileText.includes('\r\n') ? text.replace(/\r?\n/g, '\r\n') : text;
}

/** The value a change list turns `value` into: what the edited file must read back as. */
function applyToValue(value: unknown, changes: Change[]): unknown {
  for (const change of changes) {
    const parent = change.path.slice(0, -1).reduce<Record<string | number, unknown>>((at, part) => at[part] as Record<string | number, unknown>, value as Record<string, unknown>);
    const key = change.path.at(-1)!;
    if (change.op === 'delete') delete parent[key];
    else parent[key] = structuredClone(change.value);
  }
  return value;
}

/** The web links ingestion derives from a git location (location-annotations.ts) stay out of a file that lacks them. */
function dropDerivedLinks(metadata: Record<string, unknown>, own: Record<string, string> | undefined): void {
  const annotations = metadata.annotations as Record<string, string> | undefined;
  if (!annotations) return;
  for (const key of SCM_ANNOTATIONS) if (own?.[key] === undefined) delete annotations[key];
  if (!Object.keys(annotations).length && own === undefined) delete metadata.annotations;
}

/** The entity as a file should hold it: no store fields, no derived relations or annotations. */
export function writableForm(entity: Entity): Record<string, unknown> {
  const { uid: _uid, etag: _etag, ...metadata } = entity.metadata;
  const annotations = Object.fromEntries(Object.entries(metadata.annotations ?? {}).filter(([key]) => !DERIVED_ANNOTATIONS.includes(key)));
  const { relations: _relations, status: _status, ...rest } = entity;
  const cleaned: Record<string, unknown> = { ...rest, metadata: { ...metadata, annotations } };
  if (!Object.keys(annotations).length) delete (cleaned.metadata as Record<string, unknown>).annotations;
  return cleaned;
}

/** Lists the changes that turn `current` into `wanted`, leaving placeholders alone; lists of equal length change item by item. */
function diff(path: Path, current: unknown, wanted: unknown, changes: Change[]): void {
  if (isPlaceholder(current)) return;
  if (isPlainObject(current) && isPlainObject(wanted)) {
    for (const key of Object.keys(current)) {
      if (wanted[key] === undefined) changes.push({ op: 'delete', path: [...path, key] });
    }
    for (const [key, value] of Object.entries(wanted)) {
      if (value !== undefined) diff([...path, key], current[key], value, changes);
    }
    return;
  }
  if (Array.isArray(current) && Array.isArray(wanted) && current.length === wanted.length) {
    wanted.forEach((item, i) => diff([...path, i], current[i], item, changes));
    return;
  }
  if (isDeepStrictEqual(current, wanted)) return;
  if (path.length === 0) throw new Error('an entity document must be a mapping');
  changes.push({ op: 'set', path, value: wanted });
}

function isPlaceholder(value: unknown): boolean {
  return isPlainObject(value) && Object.keys(value).length === 1 && PLACEHOLDER_KEYS.includes(Object.keys(value)[0]!);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
