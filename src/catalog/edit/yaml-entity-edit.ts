import { parseAllDocuments, isScalar, isCollection, Scalar, type Document } from 'yaml';
import type { Entity } from '../../core/entity.js';
import { entityRefOf } from '../../core/entity-ref.js';
import { notFound } from '../../core/problem.js';
import { SCM_ANNOTATIONS } from '../ingest/location-annotations.js';

/** Fields Pave adds or derives; they are never written back into a file. */
const DERIVED_ANNOTATIONS = ['backstage.io/managed-by-location', 'backstage.io/managed-by-origin-location', 'backstage.io/orphan'];
const PLACEHOLDER_KEYS = ['$text', '$json', '$yaml'];

type Change = { op: 'set'; path: Array<string | number>; value: unknown } | { op: 'delete'; path: Array<string | number> };

/**
 * Applies an edited entity to the YAML file that defines it, changing only the fields that differ,
 * so comments, key order, other documents and placeholders (`$text: ./openapi.yaml`) stay as written.
 * Where every change replaces a value in place, the new values are spliced into the original text and
 * nothing else in the file moves; otherwise the document is re-serialized.
 * @example const text = applyEntityEdit(fileText, editedEntity);
 */
export function applyEntityEdit(fileText: string, edited: Entity): string {
  const ref = entityRefOf(edited);
  const documents = parseAllDocuments(fileText) as Document.Parsed[];
  const doc = (Array.isArray(documents) ? documents : [documents]).find(d => {
    const value = d.toJS() as Entity | null;
    return value && typeof value === 'object' && typeof value.kind === 'string' && entityRefOf({ ...value, metadata: { namespace: 'default', ...value.metadata } }) === ref;
  });
  if (!doc) throw notFound(`${ref} is no longer defined in its file; refresh the location and try again`);
  const current = doc.toJS() as Entity;
  const wanted = writableForm(edited);
  // The default namespace is implied; do not write it into a file that left it out.
  const metadata = wanted.metadata as Record<string, unknown>;
  if (current.metadata?.namespace === undefined && metadata.namespace === 'default') delete metadata.namespace;
  dropDerivedLinks(metadata, current.metadata?.annotations);
  const changes: Change[] = [];
  diff([], current, wanted, changes);
  const spliced = spliceChanges(fileText, doc, changes);
  if (spliced !== undefined) return spliced;
  for (const change of changes) {
    if (change.op === 'delete') doc.deleteIn(change.path);
    else doc.setIn(change.path, change.value);
  }
  return documentsToString(Array.isArray(documents) ? documents : [documents], fileText);
}

/** The web links ingestion derives from a git location (location-annotations.ts) stay out of a file that lacks them. */
function dropDerivedLinks(metadata: Record<string, unknown>, own: Record<string, string> | undefined): void {
  const annotations = metadata.annotations as Record<string, string> | undefined;
  if (!annotations) return;
  for (const key of SCM_ANNOTATIONS) if (own?.[key] === undefined) delete annotations[key];
  if (!Object.keys(annotations).length && own === undefined) delete metadata.annotations;
}

/** Replaces values in the original text when each change is a one-line value standing in place of another. */
function spliceChanges(text: string, doc: Document.Parsed, changes: Change[]): string | undefined {
  const edits: Array<{ start: number; end: number; text: string }> = [];
  for (const change of changes) {
    if (change.op !== 'set') return undefined;
    const node = doc.getIn(change.path, true);
    const inPlace =
      (isScalar(node) && (node.type === Scalar.PLAIN || node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE)) ||
      (isCollection(node) && node.flow === true);
    const replacement = inlineYaml(change.value);
    if (!inPlace || !node?.range || replacement === undefined) return undefined;
    edits.push({ start: node.range[0], end: node.range[1], text: replacement });
  }
  return edits.sort((a, b) => b.start - a.start).reduce((out, edit) => out.slice(0, edit.start) + edit.text + out.slice(edit.end), text);
}

/** A value as one line of YAML: plain where that reads back the same, else JSON (which YAML reads too). */
function inlineYaml(value: unknown): string | undefined {
  if (typeof value === 'string') {
    if (value.includes('\n')) return undefined;
    const plain = /^[A-Za-z0-9_./(][^#:\n]*$/.test(value) && value === value.trim() && !/^(true|false|null|yes|no|on|off|~|[-+]?[0-9.]+(e[-+]?\d+)?)$/i.test(value);
    return plain ? value : JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    const items = value.map(inlineYaml);
    return items.every(item => item !== undefined) ? `[${items.join(', ')}]` : undefined;
  }
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  return undefined;
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

/** Lists the changes that turn `current` into `wanted`, leaving placeholders alone. */
function diff(path: Array<string | number>, current: unknown, wanted: unknown, changes: Change[]): void {
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
  if (JSON.stringify(current) === JSON.stringify(wanted)) return;
  if (path.length === 0) throw new Error('an entity document must be a mapping');
  changes.push({ op: 'set', path, value: wanted });
}

function isPlaceholder(value: unknown): boolean {
  return isPlainObject(value) && Object.keys(value).length === 1 && PLACEHOLDER_KEYS.includes(Object.keys(value)[0]!);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Joins documents back (each keeps its own `---` marker), with the file's line endings. */
function documentsToString(documents: Document.Parsed[], original: string): string {
  const text = documents.map(doc => doc.toString({ lineWidth: 0, flowCollectionPadding: false })).join('');
  return original.includes('\r\n') ? text.replace(/\r?\n/g, '\r\n') : text;
}
