/**
 * The entity as the catalog's read routes send it, kept ready in `entities` so that a read concatenates
 * stored text instead of parsing each body, joining its relations and serialising it again:
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
import type { Entity, EntityRelation } from '../core/entity.js';
import { parseEntityRef } from '../core/entity-ref.js';
import type { Db } from '../store/store.js';
import type {} from './catalog-tables.js'; // the tables it queries, for Kysely's types

/** The `entities` columns holding the entity as sent. */
export const SENT_COLUMNS = ['sent_body', 'sent_relations', 'schema_ordered'] as const;

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

/** `sent_body` and `schema_ordered` of an entity in its stored form (no uid, etag or relations). */
export function sentBodyOf(stored: Entity, id: string, etag: string): Pick<SentColumns, 'sent_body' | 'schema_ordered'> {
  return { sent_body: JSON.stringify({ ...stored, metadata: { ...stored.metadata, uid: id, etag } }), schema_ordered: inSchemaOrder(stored) ? 1 : 0 };
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

/**
 * Rewrites `sent_relations` of the entities under the given refs from the relations table, in multi-row
 * statements; refs without an entity are passed over. Runs in the transaction that changed the relations.
 */
export async function restitchRelations(db: Db, refs: Iterable<string>, pause: () => Promise<void>): Promise<void> {
  const all = [...new Set(refs)];
  for (let i = 0; i < all.length; i += REFS_PER_STATEMENT) {
    const chunk = all.slice(i, i + REFS_PER_STATEMENT);
    const rows = await db
      .selectFrom('relations')
      .select(['source_ref', 'type', 'target_ref'])
      .where('source_ref', 'in', chunk)
      .orderBy('source_ref')
      .orderBy('type')
      .orderBy('target_ref')
      .execute();
    const bySource = new Map<string, Array<{ type: string; target_ref: string }>>();
    for (const row of rows) {
      const list = bySource.get(row.source_ref);
      if (list) list.push(row);
      else bySource.set(row.source_ref, [row]);
    }
    const values = chunk.map(ref => sql`(${ref}, ${sentRelationsOf(bySource.get(ref) ?? [])})`);
    await sql`WITH v(ref, sent) AS (VALUES ${sql.join(values)})
      UPDATE entities SET sent_relations = v.sent FROM v WHERE entities.ref = v.ref`.execute(db);
    await pause();
  }
}

/** An entity's relations as sent, from its relation rows in order; one per type and target (several entities may derive the same). */
function sentRelationsOf(rows: ReadonlyArray<{ type: string; target_ref: string }>): string {
  const seen = new Set<string>();
  const relations: EntityRelation[] = [];
  for (const row of rows) {
    const key = `${row.type}\u0000${row.target_ref}`;
    if (seen.has(key)) continue;
    seen.add(key);
    relations.push({ type: row.type, targetRef: row.target_ref, target: parseEntityRef(row.target_ref) });
  }
  return JSON.stringify(relations);
}
