import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Entity } from '../core/entity.js';
import { entityRefOf } from '../core/entity-ref.js';
import { newId } from '../core/ids.js';
import type { Db } from '../store/store.js';
import type { DialectName } from '../store/dialect.js';
import { deriveRelations } from './model/index.js';
import { searchRowsOf, searchTextOf } from './search-rows.js';

export interface EntityWrite {
  entity: Entity;
  locationId: string | null;
  source: string | null;
}

export type WriteOutcome = 'created' | 'updated' | 'unchanged';

const CHUNK = 400;

/**
 * Writes one entity with everything derived from it (search rows, relations, full-text row) in the
 * caller's transaction. Writing the same content twice changes nothing, not even the etag.
 */
export async function upsertEntity(db: Db, dialect: DialectName, write: EntityWrite, now: string): Promise<{ id: string; outcome: WriteOutcome }> {
  const { entity } = write;
  const ref = entityRefOf(entity);
  const stored = storedForm(entity);
  const body = JSON.stringify(stored);
  const existing = await db.selectFrom('entities').select(['id', 'body', 'generation', 'location_id', 'source']).where('ref', '=', ref).executeTakeFirst();
  if (existing && existing.body === body && existing.location_id === write.locationId && existing.source === write.source) {
    return { id: existing.id, outcome: 'unchanged' };
  }
  const id = existing?.id ?? newId();
  const specChanged = !existing || JSON.stringify((JSON.parse(existing.body) as Entity).spec ?? null) !== JSON.stringify(stored.spec ?? null);
  const columns = {
    ref,
    kind: entity.kind,
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
    title: typeof entity.metadata.title === 'string' ? entity.metadata.title : null,
    description: typeof entity.metadata.description === 'string' ? entity.metadata.description : null,
    body,
    etag: createHash('sha1').update(body).digest('base64url'),
    generation: (existing?.generation ?? 0) + (specChanged ? 1 : 0),
    location_id: write.locationId,
    source: write.source,
    search_text: searchTextOf(entity),
    updated_at: now,
  };
  if (existing) {
    await db.updateTable('entities').set(columns).where('id', '=', id).execute();
    await clearDerived(db, dialect, [id]);
  } else {
    await db.insertInto('entities').values({ id, ...columns, created_at: now }).execute();
  }
  await insertDerived(db, dialect, id, entity, columns);
  return { id, outcome: existing ? 'updated' : 'created' };
}

/** Removes entities and everything derived from them. */
export async function deleteEntities(db: Db, dialect: DialectName, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    await clearDerived(db, dialect, chunk);
    await db.deleteFrom('entities').where('id', 'in', chunk).execute();
  }
}

/** The entity as stored: what its files say, without store-assigned fields and derived relations. */
function storedForm(entity: Entity): Entity {
  const { uid: _uid, etag: _etag, ...metadata } = entity.metadata;
  const { relations: _relations, ...rest } = entity;
  return { ...rest, metadata: metadata as Entity['metadata'] };
}

async function clearDerived(db: Db, dialect: DialectName, ids: string[]): Promise<void> {
  await db.deleteFrom('entity_search').where('entity_id', 'in', ids).execute();
  await db.deleteFrom('relations').where('origin_id', 'in', ids).execute();
  if (dialect === 'sqlite') await sql`DELETE FROM entities_fts WHERE id IN (${sql.join(ids)})`.execute(db);
}

async function insertDerived(
  db: Db,
  dialect: DialectName,
  id: string,
  entity: Entity,
  columns: { name: string; title: string | null; description: string | null; search_text: string },
): Promise<void> {
  const rows = searchRowsOf(entity).map(row => ({ entity_id: id, key: row.key, value: row.value, original_value: row.originalValue }));
  for (let i = 0; i < rows.length; i += CHUNK) await db.insertInto('entity_search').values(rows.slice(i, i + CHUNK)).execute();
  const relations = deriveRelations(entity).map(r => ({ origin_id: id, source_ref: r.source, type: r.type, target_ref: r.target }));
  for (let i = 0; i < relations.length; i += CHUNK) await db.insertInto('relations').values(relations.slice(i, i + CHUNK)).execute();
  if (dialect === 'sqlite') {
    await sql`INSERT INTO entities_fts (id, name, title, description, search_text)
      VALUES (${id}, ${columns.name}, ${columns.title ?? ''}, ${columns.description ?? ''}, ${columns.search_text})`.execute(db);
  }
}
