import { createHash } from 'node:crypto';
import type { Db } from '../store/store.js';
import type {} from './catalog-tables.js'; // the tables it queries, for Kysely's types

/** Rows per insert statement (four bound parameters each). */
const INSERT_CHUNK = 500;

/**
 * A file of a location that a refresh may skip while its bytes are the same: it held only valid entities,
 * all stored from it, no placeholders (their files may change on their own) and no Location (whose targets
 * are read on). Parsing was about a quarter of an ingest's CPU, and all of a refresh that changed nothing.
 */
export interface FileDigest {
  /** The file as its entities' `source` names it. */
  source: string;
  /** SHA-256 of its bytes, hex. */
  hash: string;
  /** The refs it defined, with their document's index, in order. */
  refs: Array<[ref: string, document: number]>;
}

/** The digest's hash of a file's bytes. */
export function fileHash(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Whether a file's text may name other files: a placeholder key anywhere (cheap and conservative). */
export function mayHavePlaceholders(text: string): boolean {
  return text.includes('$text') || text.includes('$json') || text.includes('$yaml');
}

/**
 * The files of a location the next read may skip, by source: those recorded at its last refresh whose
 * every ref is still stored from that file by this location (an entity deleted or claimed since brings its
 * file back to a full read).
 */
export async function skippableFiles(db: Db, locationId: string): Promise<Map<string, FileDigest>> {
  const rows = await db.selectFrom('location_files').select(['source', 'hash', 'refs']).where('location_id', '=', locationId).execute();
  if (!rows.length) return new Map();
  const stored = await db.selectFrom('entities').select(['ref', 'source']).where('location_id', '=', locationId).execute();
  const sourceOf = new Map(stored.map(row => [row.ref, row.source]));
  const files = new Map<string, FileDigest>();
  for (const row of rows) {
    const refs = JSON.parse(row.refs) as FileDigest['refs'];
    if (refs.every(([ref]) => sourceOf.get(ref) === row.source)) files.set(row.source, { source: row.source, hash: row.hash, refs });
  }
  return files;
}

/** Replaces the location's recorded files with these (in the refresh's transaction). */
export async function saveSkippableFiles(db: Db, locationId: string, files: FileDigest[]): Promise<void> {
  await db.deleteFrom('location_files').where('location_id', '=', locationId).execute();
  const rows = files.map(file => ({ location_id: locationId, source: file.source, hash: file.hash, refs: JSON.stringify(file.refs) }));
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await db.insertInto('location_files').values(rows.slice(i, i + INSERT_CHUNK)).execute();
}
