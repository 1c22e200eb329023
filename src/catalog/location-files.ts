import { createHash } from 'node:crypto';
import type { Db } from '../store/store.js';
import { forEachPausing, loopYielder } from '../core/event-loop-yield.js';
import type {} from './catalog-tables.js'; // the tables it queries, for Kysely's types

/** Rows per insert statement (five bound parameters each), or sources per delete. */
const WRITE_CHUNK = 500;

/**
 * A file of a location that a refresh may skip while its bytes are the same: it held only valid entities,
 * all stored from it, no placeholder (after parsing: its file may change on its own) and no Location (whose
 * targets are read on), read under the same ingestion fingerprint. Parsing was about a quarter of an
 * ingest's CPU, and all of a refresh that changed nothing.
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

/**
 * The files of a location the next read may skip, by source: those recorded at its last refresh under this
 * ingestion `fingerprint` (`ingestion-fingerprint.ts`) whose every ref is still stored from that file by this
 * location (an entity deleted or claimed since brings its file back to a full read).
 */
export async function skippableFiles(db: Db, locationId: string, fingerprint: string): Promise<Map<string, FileDigest>> {
  const rows = await db
    .selectFrom('location_files')
    .select(['source', 'hash', 'refs'])
    .where('location_id', '=', locationId)
    .where('fingerprint', '=', fingerprint)
    .execute();
  if (!rows.length) return new Map();
  const stored = await db.selectFrom('entities').select(['ref', 'source']).where('location_id', '=', locationId).execute();
  // A refresh's first stretch: made in one go at 15.7k entities, it held the event loop for ~30 ms (bench/README, session 16).
  const pause = loopYielder();
  const sourceOf = new Map<string, string | null>();
  await forEachPausing(stored, pause, row => sourceOf.set(row.ref, row.source));
  const files = new Map<string, FileDigest>();
  await forEachPausing(rows, pause, row => {
    const refs = JSON.parse(row.refs) as FileDigest['refs'];
    if (storedFrom(refs, row.source, sourceOf)) files.set(row.source, { source: row.source, hash: row.hash, refs });
  });
  return files;
}

/** Whether every ref of a file is stored (by its location) from that file: `sourceOf` maps the location's refs to their source. */
export function storedFrom(refs: FileDigest['refs'], source: string, sourceOf: ReadonlyMap<string, string | null>): boolean {
  return refs.every(([ref]) => sourceOf.get(ref) === source);
}

/**
 * Makes the location's recorded files these, read under `fingerprint` (in the refresh's transaction), writing
 * only the rows that differ: a refresh that changed one file of 100,000 writes one row, not 100,000.
 */
export async function saveSkippableFiles(db: Db, locationId: string, files: FileDigest[], fingerprint: string): Promise<void> {
  const recorded = await db.selectFrom('location_files').select(['source', 'hash', 'refs', 'fingerprint']).where('location_id', '=', locationId).execute();
  const before = new Map(recorded.map(row => [row.source, row]));
  const changed = files
    .map(file => ({ location_id: locationId, source: file.source, hash: file.hash, refs: JSON.stringify(file.refs), fingerprint }))
    .filter(row => {
      const old = before.get(row.source);
      return !old || old.hash !== row.hash || old.refs !== row.refs || old.fingerprint !== row.fingerprint;
    });
  const kept = new Set(files.map(file => file.source));
  const gone = recorded.filter(row => !kept.has(row.source)).map(row => row.source);
  for (let i = 0; i < gone.length; i += WRITE_CHUNK) {
    await db.deleteFrom('location_files').where('location_id', '=', locationId).where('source', 'in', gone.slice(i, i + WRITE_CHUNK)).execute();
  }
  for (let i = 0; i < changed.length; i += WRITE_CHUNK) {
    await db
      .insertInto('location_files')
      .values(changed.slice(i, i + WRITE_CHUNK))
      .onConflict(oc =>
        oc.columns(['location_id', 'source']).doUpdateSet(eb => ({ hash: eb.ref('excluded.hash'), refs: eb.ref('excluded.refs'), fingerprint: eb.ref('excluded.fingerprint') })),
      )
      .execute();
  }
}
