import { hash } from 'node:crypto';
import type { CompiledQuery } from 'kysely';
import { compareText } from '../core/compare-text.js';
import type { Entity } from '../core/entity.js';
import { entityRefOf } from '../core/entity-ref.js';
import { newId } from '../core/ids.js';
import type { Db } from '../store/store.js';
import type {} from './catalog-tables.js'; // the tables it queries, for Kysely's types
import type { DialectName } from '../store/dialect.js';
import { deriveRelations } from './model/index.js';
import { searchRowsOf } from './search-rows.js';
import { relationRewrite, searchRewrite, type RelationTuple, type SearchRowTuple } from './derived-rows-diff.js';
import { ENTITY_SECTION, searchDocumentOf, type SearchDocument } from './search/search-document.js';
import type { ApiDefinitionTermsMemo } from './search/api-definition-terms.js';
import { rowInserts, type ColumnValue, type RowInsert } from './row-inserts.js';
import { runInOrder } from '../store/statements-in-order.js';
import { lockCatalogWrites } from './catalog-write-lock.js';
import { indexedWhileWriting } from './bulk-load.js';
import { forEachPausing } from '../core/event-loop-yield.js';
import { restitchRelations, sentBodyOf, sentRelationsAfter, storedJson, type RelationRow } from './sent-entity.js';

export interface EntityWrite {
  entity: Entity;
  locationId: string | null;
  source: string | null;
}

export type WriteOutcome = 'created' | 'updated' | 'unchanged';

/** What one write did: the entity's id, the outcome, and the etag it replaced (for an update). */
export interface WriteResult {
  id: string;
  outcome: WriteOutcome;
  previousEtag?: string;
}

/** An entity as it was when deleted: what its deletion event says. */
export interface DeletedEntity {
  ref: string;
  kind: string;
  namespace: string;
  name: string;
  etag: string;
  /** Its `spec.owner`, when it had one. */
  owner?: string;
}

/** A write with what comparing it to the store takes: the canonical ref, the stored JSON and its hash (the etag). */
export interface PreparedWrite extends EntityWrite {
  ref: string;
  /** The entity as stored (`body` is its JSON). */
  stored: Entity;
  body: string;
  /** Where `metadata` closes in `body` (sent-entity.ts splices the uid and etag there). */
  metadataEnd: number;
  etag: string;
}

/** What the writer needs to know of the entity already stored under a ref (no body: the etag is its hash). */
export interface StoredState {
  id: string;
  ref: string;
  etag: string;
  generation: number;
  location_id: string | null;
  source: string | null;
}

/** The `entities` columns a {@link StoredState} is read from. */
export const STORED_STATE_COLUMNS = ['id', 'ref', 'etag', 'generation', 'location_id', 'source'] as const;

/**
 * Entities written per chunk: about 4,000 search rows, sorted before they go in (unless their table's indexes are
 * built after the rows, bulk-load.ts), so that consecutive index entries land on neighbouring pages (~30% less
 * index work for SQLite, measured at 20k entities), while the rows held at once stay few.
 */
const ENTITIES_PER_CHUNK = 200;
/**
 * Replaced entities whose stored rows one SQLite write-worker message reads back (a quarter of a chunk). PostgreSQL's
 * driver takes rows apart as they arrive, so there a chunk's are read at once (a slice would be more round trips).
 */
const REPLACED_PER_SQLITE_READ = 50;

const noPause = async (): Promise<void> => {};

const text = (name: string) => [name, 'text'] as const;
const integer = (name: string) => [name, 'integer'] as const;
/** Replaced entities keep their id and created_at; everything else is the new content. */
const ENTITY_ROWS: RowInsert = {
  table: 'entities',
  columns: [text('id'), text('ref'), text('kind'), text('namespace'), text('name'), text('title'), text('description'), text('body'), text('etag'), integer('generation'), text('location_id'), text('source'), text('created_at'), text('updated_at')],
  updateOnConflict: { conflictKey: 'id', columns: ['ref', 'kind', 'namespace', 'name', 'title', 'description', 'body', 'etag', 'generation', 'location_id', 'source', 'updated_at'] },
};
const SEARCH_ROWS: RowInsert = { table: 'entity_search', columns: [text('entity_id'), text('key'), text('value'), text('original_value')], sqliteRows: 'json' };
const RELATION_ROWS: RowInsert = { table: 'relations', columns: [text('origin_id'), text('source_ref'), text('type'), text('target_ref')], sqliteRows: 'json' };
const SENT_ROWS: RowInsert = { table: 'sent_entities', columns: [text('entity_id'), text('sent_body'), text('sent_relations'), integer('schema_ordered')] };
/** Every field of a search document, each a column (a field added to SearchDocument must be added here). */
const DOCUMENT_FIELDS = { section: true, title: true, name: true, description: true, owner: true, body: true } satisfies Record<keyof SearchDocument, true>;
const DOCUMENT_COLUMNS = Object.keys(DOCUMENT_FIELDS) as Array<keyof SearchDocument>;
const DOCUMENT_ROWS: RowInsert = { table: 'search_documents', columns: [text('entity_id'), ...DOCUMENT_COLUMNS.map(text)] };

/** Computes the stored JSON and etag of a write; pure, so callers can do it before opening a transaction. */
export function prepareWrite(write: EntityWrite): PreparedWrite {
  const stored = storedForm(write.entity);
  const { body, metadataEnd } = storedJson(stored);
  // One-shot hashing: a Hash object per entity was a good part of preparing one.
  return { ...write, ref: entityRefOf(write.entity), stored, body, metadataEnd, etag: hash('sha1', body, 'base64url') };
}

/**
 * Writes one entity with everything derived from it (search rows, relations, search document) in the
 * caller's transaction. Writing the same content twice changes nothing, not even the etag.
 */
export async function upsertEntity(
  db: Db,
  dialect: DialectName,
  write: EntityWrite,
  now: string,
  /** Throws to refuse the write, given what is stored under the ref in this transaction's write turn. */
  accept: (stored: StoredState | undefined) => void = () => undefined,
): Promise<WriteResult & { write: PreparedWrite }> {
  const prepared = prepareWrite(write);
  // Read in the catalog's write turn, so what is accepted is what the write replaces (catalog-write-lock.ts).
  await lockCatalogWrites(db, dialect);
  const stored = await db.selectFrom('entities').select(STORED_STATE_COLUMNS).where('ref', '=', prepared.ref).executeTakeFirst();
  accept(stored);
  const [result] = await writeEntities(db, dialect, [prepared], new Map(stored ? [[prepared.ref, stored]] : []), now);
  return { ...result!, write: prepared };
}

/**
 * Writes many entities with everything derived from them in the caller's transaction, in multi-row
 * statements: each written entity with its sent form (sent-entity.ts), relations included, and then the
 * sent relations of every other entity that relations added or removed start from re-stitched. `stored`
 * holds what is already stored under each ref (entities without an entry are created); an entity whose
 * etag, location and source match what is stored is left untouched. A spec change bumps the generation. `pause` runs between chunks so a long write can let the event loop in.
 * Refs must be distinct. Outcomes come back in the order of `writes`.
 */
export async function writeEntities(
  db: Db,
  dialect: DialectName,
  writes: readonly PreparedWrite[],
  stored: ReadonlyMap<string, StoredState>,
  now: string,
  pause: () => Promise<void> = noPause,
  /** API definitions' terms worked out before the write (search-document.ts works out those it lacks). */
  definitionTerms?: ApiDefinitionTermsMemo,
): Promise<WriteResult[]> {
  await lockCatalogWrites(db, dialect);
  const changes: EntityChange[] = [];
  const results: WriteResult[] = [];
  // What sentRelationsAfter needs, gathered in the same pass (passes over 15.7k changes and their ~65k relations,
  // each in one go, held the event loop for tens of ms: bench/README, session 16).
  const refs: string[] = [];
  const replaced = new Set<string>();
  const derived: RelationRow[] = [];
  // Deriving 100k entities' relations in one go held the event loop for over a second.
  await forEachPausing(writes, pause, write => {
    const previous = stored.get(write.ref);
    if (previous && previous.etag === write.etag && previous.location_id === write.locationId && previous.source === write.source) {
      results.push({ id: previous.id, outcome: 'unchanged' });
      return;
    }
    const id = previous?.id ?? newId();
    const relations = deriveRelations(write.entity).map(r => ({ origin_id: id, source_ref: r.source, type: r.type, target_ref: r.target }));
    changes.push({ write, id, previous, relations });
    results.push(previous ? { id, outcome: 'updated', previousEtag: previous.etag } : { id, outcome: 'created' });
    refs.push(write.ref);
    if (previous) replaced.add(id);
    for (const relation of relations) derived.push(relation);
  });
  // The written entities' relations are known before any row goes in (those kept and those derived), so
  // their rows are written once, whole; only other entities whose relations change are re-stitched after.
  const sentRelations = await sentRelationsAfter(db, refs, replaced, derived, pause);
  const affected = new Set<string>();
  for (let i = 0; i < changes.length; i += ENTITIES_PER_CHUNK) {
    await writeChanges(db, dialect, changes.slice(i, i + ENTITIES_PER_CHUNK), sentRelations, now, pause, affected, definitionTerms);
  }
  await forEachPausing(refs, pause, ref => affected.delete(ref));
  await restitchRelations(db, affected, pause);
  return results;
}

/**
 * Removes entities and everything derived from them, and re-stitches the sent relations of the entities
 * that lost relations with them; answers what was removed.
 */
export async function deleteEntities(db: Db, dialect: DialectName, ids: string[], pause: () => Promise<void> = noPause): Promise<DeletedEntity[]> {
  await lockCatalogWrites(db, dialect);
  const deleted: DeletedEntity[] = [];
  const affected = new Set<string>();
  for (let i = 0; i < ids.length; i += ENTITIES_PER_CHUNK) {
    const chunk = ids.slice(i, i + ENTITIES_PER_CHUNK);
    // What they were, their derived rows and themselves, in one message to SQLite's write worker.
    const [entities, ...cleared] = await runInOrder(db, dialect, [
      db.selectFrom('entities').select(['ref', 'kind', 'namespace', 'name', 'etag', 'body']).where('id', 'in', chunk).compile(),
      ...clearDerived(db, chunk),
      db.deleteFrom('entities').where('id', 'in', chunk).compile(),
    ]);
    for (const row of entities!.rows as Array<{ ref: string; kind: string; namespace: string; name: string; etag: string; body: string }>) {
      const owner = (JSON.parse(row.body) as Entity).spec?.owner;
      deleted.push({ ref: row.ref, kind: row.kind, namespace: row.namespace, name: row.name, etag: row.etag, ...(typeof owner === 'string' ? { owner } : {}) });
    }
    for (const result of cleared) for (const row of result.rows as Array<{ source_ref?: string }>) if (row.source_ref !== undefined) affected.add(row.source_ref);
    await pause();
  }
  for (const entity of deleted) affected.delete(entity.ref);
  await restitchRelations(db, affected, pause);
  return deleted;
}

interface EntityChange {
  write: PreparedWrite;
  id: string;
  previous: StoredState | undefined;
  /** The relation rows it derives. */
  relations: Array<RelationRow & { origin_id: string }>;
}

/** The entity as stored: what its files say, without store-assigned fields and derived relations. */
function storedForm(entity: Entity): Entity {
  const { uid: _uid, etag: _etag, ...metadata } = entity.metadata;
  const { relations: _relations, ...rest } = entity;
  return { ...rest, metadata: metadata as Entity['metadata'] };
}

const specJson = (entity: Entity): string => JSON.stringify(entity.spec ?? null);

/** The statements that remove what is derived from entities (`ids`, not empty); the relations' answers their sources. */
function clearDerived(db: Db, ids: string[]): CompiledQuery[] {
  return [
    db.deleteFrom('entity_search').where('entity_id', 'in', ids).compile(),
    db.deleteFrom('sent_entities').where('entity_id', 'in', ids).compile(),
    db.deleteFrom('relations').where('origin_id', 'in', ids).returning('source_ref').compile(),
    // Only the entity's own document: its docs sections are the docs indexer's (docs-search-indexer.ts).
    db.deleteFrom('search_documents').where('entity_id', 'in', ids).where('section', '=', ENTITY_SECTION).compile(),
  ];
}

/**
 * The statements that clear what replaced entities derived that their new rows do not repeat (derived-rows-diff.ts),
 * and their sent body and search document; with the derived rows still to insert. `stored` is what they derived, as
 * stored. Adds to `affected` the sources of the relations removed.
 */
async function clearReplaced(
  db: Db,
  ids: string[],
  stored: { search: SearchRowTuple[]; relations: RelationTuple[] },
  searchRows: SearchRowTuple[],
  relationRows: RelationTuple[],
  affected: Set<string>,
  pause: () => Promise<void>,
): Promise<{ statements: CompiledQuery[]; searchRows: SearchRowTuple[]; relationRows: RelationTuple[] }> {
  if (!ids.length) return { statements: [], searchRows, relationRows };
  const replaced = new Set(ids);
  const search = await searchRewrite(ids, stored.search, searchRows.filter(row => replaced.has(row[0])), pause);
  const relations = await relationRewrite(ids, stored.relations, relationRows.filter(row => replaced.has(row[0])), pause);
  const statements: CompiledQuery[] = [];
  if (search.ids.size) {
    const remove = db.deleteFrom('entity_search').where('entity_id', 'in', [...search.ids]);
    statements.push((search.keys ? remove.where('key', 'in', [...search.keys]) : remove).compile());
  }
  if (relations.size) {
    statements.push(db.deleteFrom('relations').where('origin_id', 'in', [...relations]).compile());
    // What it removes is what was read: no other catalog write runs until this one commits (catalog-write-lock.ts).
    for (const [originId, sourceRef] of stored.relations) if (relations.has(originId)) affected.add(sourceRef);
  }
  statements.push(
    db.deleteFrom('sent_entities').where('entity_id', 'in', ids).compile(),
    db.deleteFrom('search_documents').where('entity_id', 'in', ids).where('section', '=', ENTITY_SECTION).compile(),
  );
  const rewritten = (id: string, key: string) => !replaced.has(id) || (search.ids.has(id) && (!search.keys || search.keys.has(key)));
  return {
    statements,
    searchRows: searchRows.filter(([id, key]) => rewritten(id, key)),
    relationRows: relationRows.filter(([id]) => !replaced.has(id) || relations.has(id)),
  };
}

/**
 * Writes one chunk of changes: replaced entities lose the derived rows their new ones do not repeat (clearReplaced);
 * then rows go in as multi-row statements, each entity with its sent relations. Adds to `affected` the sources of the
 * relations removed and added. On SQLite the chunk is a few messages to the write worker (runInOrder): what is
 * stored of the replaced entities, a slice at a time, then every delete and insert.
 */
async function writeChanges(
  db: Db,
  dialect: DialectName,
  changes: EntityChange[],
  sentRelations: ReadonlyMap<string, string>,
  now: string,
  pause: () => Promise<void>,
  affected: Set<string>,
  definitionTerms: ApiDefinitionTermsMemo | undefined,
): Promise<void> {
  const replaced = changes.filter(change => change.previous).map(change => change.id);
  const previousSpecs = new Map<string, string>();
  const stored: { search: SearchRowTuple[]; relations: RelationTuple[] } = { search: [], relations: [] };
  // A slice of the replaced entities at a time: a whole chunk's stored rows and bodies came back as one message, taken
  // apart on the main thread in one go (a 770 KiB clone like it: 13 ms at load 14) with its rows then made tuples.
  const perRead = dialect === 'sqlite' ? REPLACED_PER_SQLITE_READ : ENTITIES_PER_CHUNK;
  for (let i = 0; i < replaced.length; i += perRead) {
    const ids = replaced.slice(i, i + perRead);
    const [bodies, storedSearch, storedRelations] = await runInOrder(db, dialect, [
      db.selectFrom('entities').select(['id', 'body']).where('id', 'in', ids).compile(),
      db.selectFrom('entity_search').select(['entity_id', 'key', 'value', 'original_value']).where('entity_id', 'in', ids).compile(),
      db.selectFrom('relations').select(['origin_id', 'source_ref', 'type', 'target_ref']).where('origin_id', 'in', ids).compile(),
    ]);
    for (const row of bodies!.rows as Array<{ id: string; body: string }>) previousSpecs.set(row.id, specJson(JSON.parse(row.body) as Entity));
    for (const row of storedSearch!.rows as Array<{ entity_id: string; key: string; value: string | null; original_value: string | null }>) {
      stored.search.push([row.entity_id, row.key, row.value, row.original_value]);
    }
    for (const row of storedRelations!.rows as Array<{ origin_id: string; source_ref: string; type: string; target_ref: string }>) {
      stored.relations.push([row.origin_id, row.source_ref, row.type, row.target_ref]);
    }
    await pause();
  }
  const entityRows: ColumnValue[][] = [];
  const searchRows: SearchRowTuple[] = [];
  const relationRows: RelationTuple[] = [];
  const documentRows: ColumnValue[][] = [];
  const sentRows: ColumnValue[][] = [];
  // Rows are laid out in the columns' order of their insert (below). A chunk's rows took tens of ms to lay out: with
  // the statements off the main thread, the longest hold left; an entity's are tens of µs, hence a pause every few.
  await forEachPausing(
    changes,
    pause,
    ({ write, id, previous, relations }) => {
      const { entity } = write;
      entityRows.push([
        id,
        write.ref,
        entity.kind,
        entity.metadata.namespace ?? 'default',
        entity.metadata.name,
        typeof entity.metadata.title === 'string' ? entity.metadata.title : null,
        typeof entity.metadata.description === 'string' ? entity.metadata.description : null,
        write.body,
        write.etag,
        // Only a replaced entity's spec is serialised, to compare it with the one it replaces.
        previous ? previous.generation + (previousSpecs.get(id) === specJson(entity) ? 0 : 1) : 1,
        write.locationId,
        write.source,
        now,
        now,
      ]);
      const sent = sentBodyOf(write.stored, write.body, id, write.etag, write.metadataEnd);
      sentRows.push([id, sent.sent_body, sentRelations.get(write.ref)!, sent.schema_ordered]);
      for (const row of searchRowsOf(entity, id)) searchRows.push(row);
      for (const row of relations) {
        relationRows.push([row.origin_id, row.source_ref, row.type, row.target_ref]);
        affected.add(row.source_ref);
      }
      const document = definitionTerms ? searchDocumentOf(entity, (type, definition) => definitionTerms.of(type, definition)) : searchDocumentOf(entity);
      documentRows.push([id, ...DOCUMENT_COLUMNS.map(column => document[column])]);
    },
  );
  const rewritten = await clearReplaced(db, replaced, stored, searchRows, relationRows, affected, pause);
  await pause();
  const { searchRows: searchRowsToWrite, relationRows: relationRowsToWrite } = rewritten;
  if (indexedWhileWriting(db, SEARCH_ROWS.table)) searchRowsToWrite.sort((a, b) => compareText(a[1], b[1]) || compareText(a[2] ?? '', b[2] ?? ''));
  if (indexedWhileWriting(db, RELATION_ROWS.table)) relationRowsToWrite.sort((a, b) => compareText(a[1], b[1]));
  const statements = rewritten.statements;
  const inserts = [[ENTITY_ROWS, entityRows], [SEARCH_ROWS, searchRowsToWrite], [RELATION_ROWS, relationRowsToWrite], [SENT_ROWS, sentRows], [DOCUMENT_ROWS, documentRows]] as const;
  for (const [insert, rows] of inserts) {
    statements.push(...rowInserts(db, dialect, insert, rows));
    await pause();
  }
  await runInOrder(db, dialect, statements);
  await pause();
}
