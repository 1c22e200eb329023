import { parseAllDocuments, type Document } from 'yaml';
import type { Entity } from '../../core/entity.js';
import { entityRefOf } from '../../core/entity-ref.js';
import { notFound } from '../../core/problem.js';

/** Fields Pave adds or derives; they are never written back into a file. */
const DERIVED_ANNOTATIONS = ['backstage.io/managed-by-location', 'backstage.io/managed-by-origin-location', 'backstage.io/orphan'];
const PLACEHOLDER_KEYS = ['$text', '$json', '$yaml'];

/**
 * Applies an edited entity to the YAML file that defines it, changing only the fields that differ,
 * so comments, key order, other documents and placeholders (`$text: ./openapi.yaml`) stay as written.
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
  syncNode(doc, [], current, wanted);
  return documentsToString(Array.isArray(documents) ? documents : [documents], fileText);
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

function syncNode(doc: Document.Parsed, path: Array<string | number>, current: unknown, wanted: unknown): void {
  if (isPlaceholder(current)) return;
  if (isPlainObject(current) && isPlainObject(wanted)) {
    for (const key of Object.keys(current)) {
      if (wanted[key] === undefined) doc.deleteIn([...path, key]);
    }
    for (const [key, value] of Object.entries(wanted)) {
      if (value !== undefined) syncNode(doc, [...path, key], current[key], value);
    }
    return;
  }
  if (JSON.stringify(current) === JSON.stringify(wanted)) return;
  if (path.length === 0) throw new Error('an entity document must be a mapping');
  doc.setIn(path, wanted);
}

function isPlaceholder(value: unknown): boolean {
  return isPlainObject(value) && Object.keys(value).length === 1 && PLACEHOLDER_KEYS.includes(Object.keys(value)[0]!);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Joins documents back (each keeps its own `---` marker), with the file's line endings. */
function documentsToString(documents: Document.Parsed[], original: string): string {
  const text = documents.map(doc => doc.toString({ lineWidth: 0 })).join('');
  return original.includes('\r\n') ? text.replace(/\r?\n/g, '\r\n') : text;
}
