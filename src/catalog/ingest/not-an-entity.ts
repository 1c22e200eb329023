import { readFile } from 'node:fs/promises';
import { parseAllDocumentsWithUniqueKeys } from '../../core/yaml-unique-keys.js';

/** Top-level keys that mark a YAML document as an API definition rather than an entity. */
const DEFINITION_KEYS = ['openapi', 'swagger', 'asyncapi'];

/**
 * Whether a parsed YAML document was never meant as an entity: an OpenAPI, Swagger or AsyncAPI definition, or
 * a mapping with neither `apiVersion` nor `kind` (a values file, a CI config). A document with one of the two
 * is an entity with a mistake, and stays reported as such.
 */
export function isNotAnEntity(document: unknown): boolean {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return false;
  const keys = Object.keys(document);
  if (DEFINITION_KEYS.some(key => keys.includes(key))) return true;
  return !keys.includes('apiVersion') && !keys.includes('kind');
}

/**
 * Whether every document of a local YAML file is not an entity (see `isNotAnEntity`), so a glob over a catalog
 * folder can pass over API definitions kept beside the entity files. A file that cannot be read or parsed is
 * not passed over: its problems are real.
 */
export async function holdsNoEntity(path: string): Promise<boolean> {
  try {
    const documents = parseAllDocumentsWithUniqueKeys(await readFile(path, 'utf8'));
    if (documents.length === 0) return false;
    return documents.every(document => document.errors.length === 0 && isNotAnEntity(document.toJS()));
  } catch {
    return false;
  }
}
