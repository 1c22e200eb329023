/**
 * The entity as the catalog's read routes send it, kept ready in `sent_entities` (one row per entity) so
 * that a read concatenates stored text instead of parsing each body, joining its relations and serialising
 * it again:
 * - `sent_body`: the stored entity with its uid and etag (last in `metadata`), as JSON, without relations;
 *   written with the entity;
 * - `sent_relations`: its relations as a JSON array, in the order the relations table gives them by type
 *   and target; rewritten whenever a relation whose source is the entity comes or goes, which other
 *   entities' writes do too (an `ownerOf` appears on a group when a component names it as owner);
 * - `schema_ordered`: 1 when that JSON's keys are already in the order by-name's response schema writes them.
 * The whole entity is `sent_body` with `"relations":` and `sent_relations` added as its last key
 * ({@link sentJson}), the same text, key for key, as the entity read and serialised used to be.
 */
import { sql } from 'kysely';
import { compareText } from '../core/compare-text.js';
import type { Entity, EntityRelation } from '../core/entity.js';
import { parseEntityRef } from '../core/entity-ref.js';
import { forEachPausing } from '../core/event-loop-yield.js';
import type { Db } from '../store/store.js';
import type {} from './catalog-tables.js'; // the tables it queries, for Kysely's types

/** The `sent_entities` columns (alias `sent`) holding the entity as sent. */
export const SENT_COLUMNS = ['sent.sent_body', 'sent.sent_relations', 'sent.schema_ordered'] as const;

export interface SentColumns {
  sent_body: string;
  sent_relations: string;
  schema_ordered: number;
}

/** Refs per statement when relations are re-stitched (two parameters each). */
const REFS_PER_STATEMENT = 500;

/**
 * An entity as stored ready to send: its JSON, relations included, parsed only when something reads its fields.
 * @example reply.type('application/json; charset=utf-8').send(sent.json)
 */
export class SentEntity {
  #entity: Entity | undefined;

  constructor(
    readonly json: string,
    /** Whether the JSON's keys are in the order of by-name's response schema (so it can be sent as it is there too). */
    readonly schemaOrdered: boolean,
  ) {}

  /** The entity itself (parsed once). */
  get entity(): Entity {
    return (this.#entity ??= JSON.parse(this.json) as Entity);
  }

  static of(row: SentColumns): SentEntity {
    return new SentEntity(sentJson(row), row.schema_ordered === 1);
  }
}

/** The whole entity as sent: relations are its last key, as they were when added to the parsed body. */
export function sentJson(row: Pick<SentColumns, 'sent_body' | 'sent_relations'>): string {
  return `${row.sent_body.slice(0, -1)},"relations":${row.sent_relations}}`;
}

/**
 * The stored entity's JSON, the text `JSON.stringify(stored)` gives, written key by key so that where its
 * `metadata` object ends (its closing brace) is known as well, for {@link sentBodyOf}.
 */
export function storedJson(stored: Entity): { body: string; metadataEnd: number } {
  let body = '{';
  let metadataEnd = -1;
  for (const [key, value] of Object.entries(stored)) {
    const json = JSON.stringify(value) as string | undefined;
    if (json === undefined) continue; // left out of the JSON
    body += `${body.length > 1 ? ',' : ''}${JSON.stringify(key)}:${json}`;
    if (key === 'metadata') metadataEnd = body.length - 1;
  }
  return { body: `${body}}`, metadataEnd };
}

/**
 * `sent_body` and `schema_ordered` of an entity in its stored form (no uid, etag or relations) whose JSON
 * is `body`: `JSON.stringify({ ...stored, metadata: { ...stored.metadata, uid: id, etag } })`, made by
 * splicing the two fields into `body` at the end of `metadata` (`metadataEnd`, as {@link storedJson} gives it;
 * else found by serialising only the keys up to it).
 */
export function sentBodyOf(stored: Entity, body: string, id: string, etag: string, metadataEnd = metadataEndOf(stored)): Pick<SentColumns, 'sent_body' | 'schema_ordered'> {
  if (metadataEnd < 0) throw new Error('An entity without metadata cannot be stored');
  const fields = `"uid":${JSON.stringify(id)},"etag":${JSON.stringify(etag)}`;
  // No value's JSON ends in `{`: only an empty metadata has one before its closing brace.
  const empty = body[metadataEnd - 1] === '{';
  return { sent_body: `${body.slice(0, metadataEnd)}${empty ? '' : ','}${fields}${body.slice(metadataEnd)}`, schema_ordered: inSchemaOrder(stored) ? 1 : 0 };
}

/** Where `JSON.stringify(stored)` closes `metadata`, or -1 without it. */
function metadataEndOf(stored: Entity): number {
  let offset = 1;
  for (const [key, value] of Object.entries(stored)) {
    const json = JSON.stringify(value) as string | undefined;
    if (json === undefined) continue; // left out of the JSON
    offset += JSON.stringify(key).length + 1 + json.length;
    if (key === 'metadata') return offset - 1;
    offset += 1;
  }
  return -1;
}

/**
 * Whether the entity's JSON with relations last is what by-name's response schema (`EntitySchema` in
 * api/schemas.ts, serialised by fast-json-stringify) writes: that puts `apiVersion`, `kind`, `metadata` (its
 * `name` first), `spec`, `relations` and `status` before other keys, and keeps only `spec` keys its pattern
 * `^(.*)$` matches (none with a line break).
 */
function inSchemaOrder(stored: Entity): boolean {
  const keys = Object.keys(stored);
  const expected = stored.spec === undefined ? ['apiVersion', 'kind', 'metadata'] : ['apiVersion', 'kind', 'metadata', 'spec'];
  if (keys.length !== expected.length || keys.some((key, i) => key !== expected[i])) return false;
  if (typeof stored.apiVersion !== 'string' || typeof stored.kind !== 'string' || typeof stored.metadata?.name !== 'string') return false;
  if (Object.keys(stored.metadata)[0] !== 'name') return false;
  const spec: unknown = stored.spec;
  if (spec === undefined) return true;
  return typeof spec === 'object' && spec !== null && !Array.isArray(spec) && Object.keys(spec).every(key => !/[\n\r\u2028\u2029]/.test(key));
}

/** A row of the relations table, as far as the sent form needs it. */
export interface RelationRow {
  source_ref: string;
  type: string;
  target_ref: string;
}

/**
 * The sent relations of entities a write is about to store, so that their rows go in once, whole: the
 * relations stored with them as source that the write keeps (from origins it does not replace) and those
 * the write derives (`derived`, all of them: only those with one of `refs` as source count).
 */
export async function sentRelationsAfter(
  db: Db,
  refs: readonly string[],
  replacedOrigins: ReadonlySet<string>,
  derived: readonly RelationRow[],
  pause: () => Promise<void>,
): Promise<Map<string, string>> {
  const wanted = new Set(refs);
  const bySource = new Map<string, RelationRow[]>();
  for (let i = 0; i < refs.length; i += REFS_PER_STATEMENT) {
    const rows = await db.selectFrom('relations').select(['origin_id', 'source_ref', 'type', 'target_ref']).where('source_ref', 'in', refs.slice(i, i + REFS_PER_STATEMENT)).execute();
    for (const row of rows) if (!replacedOrigins.has(row.origin_id)) addTo(bySource, row);
    await pause();
  }
  await forEachPausing(derived, pause, row => {
    if (wanted.has(row.source_ref)) addTo(bySource, row);
  });
  const targets = new RelationPieces();
  // A 100k first load is ~670k relations: made in one go, they held the event loop for seconds.
  const sent = new Map<string, string>();
  await forEachPausing(refs, pause, ref => sent.set(ref, sentRelationsOf(bySource.get(ref) ?? [], targets)));
  return sent;
}

/**
 * Rewrites `sent_relations` of the entities under the given refs from the relations table, in multi-row
 * statements; refs without an entity are passed over. Runs in the transaction that changed the relations.
 */
export async function restitchRelations(db: Db, refs: Iterable<string>, pause: () => Promise<void>): Promise<void> {
  const all = [...new Set(refs)];
  const targets = new RelationPieces();
  for (let i = 0; i < all.length; i += REFS_PER_STATEMENT) {
    // Targets no entity holds (yet) have nothing to re-stitch: their relations are not read (during a first load
    // the relations table may lack the index by source, bulk-load.ts).
    const chunk = (await db.selectFrom('entities').select('ref').where('ref', 'in', all.slice(i, i + REFS_PER_STATEMENT)).execute()).map(row => row.ref);
    if (!chunk.length) continue;
    const bySource = new Map<string, RelationRow[]>();
    for (const row of await db.selectFrom('relations').select(['source_ref', 'type', 'target_ref']).where('source_ref', 'in', chunk).execute()) addTo(bySource, row);
    const values = chunk.map(ref => sql`(${ref}, ${sentRelationsOf(bySource.get(ref) ?? [], targets)})`);
    await sql`WITH v(ref, sent) AS (VALUES ${sql.join(values)})
      UPDATE sent_entities SET sent_relations = v.sent FROM v JOIN entities e ON e.ref = v.ref WHERE sent_entities.entity_id = e.id`.execute(db);
    await pause();
  }
}

function addTo(bySource: Map<string, RelationRow[]>, row: RelationRow): void {
  const list = bySource.get(row.source_ref);
  if (list) list.push(row);
  else bySource.set(row.source_ref, [row]);
}

/**
 * An entity's relations as sent, ordered by type and target (as SQLite's and a C-collated PostgreSQL's
 * `ORDER BY type, target_ref` put them when they were joined on read), one per type and target (several
 * entities may derive the same): `JSON.stringify` of `{ type, targetRef, target }` each, written from
 * pieces because a first load writes ~100k of them, most naming the same few targets. Sorts `rows` in
 * place (the callers' lists are their own, made for this).
 */
function sentRelationsOf(rows: RelationRow[], pieces: RelationPieces): string {
  rows.sort(byTypeAndTarget);
  let json = '';
  let last: RelationRow | undefined;
  for (const row of rows) {
    if (last && last.type === row.type && last.target_ref === row.target_ref) continue;
    last = row;
    json += `${json ? ',' : ''}${pieces.typeOf(row.type)}${pieces.targetOf(row.target_ref)}}`;
  }
  return `[${json}]`;
}

const byTypeAndTarget = (a: RelationRow, b: RelationRow): number => compareText(a.type, b.type) || compareText(a.target_ref, b.target_ref);

/**
 * The two parts of a relation's JSON, made once per write: `{"type":…,` by type (a few) and
 * `"targetRef":…,"target":{…}` by target ref (whole relations would be one string per relation).
 */
class RelationPieces {
  readonly #types = new Map<string, string>();
  readonly #targets = new Map<string, string>();

  typeOf(type: string): string {
    let piece = this.#types.get(type);
    if (piece === undefined) this.#types.set(type, (piece = `{"type":${JSON.stringify(type)},`));
    return piece;
  }

  targetOf(targetRef: string): string {
    let piece = this.#targets.get(targetRef);
    if (piece === undefined) {
      const target: EntityRelation['target'] = parseEntityRef(targetRef);
      piece = `"targetRef":${JSON.stringify(targetRef)},"target":${JSON.stringify(target)}`;
      this.#targets.set(targetRef, piece);
    }
    return piece;
  }
}
