import type { Entity } from '../core/entity.js';
import { entityRefOf } from '../core/entity-ref.js';
import type { Store } from '../store/store.js';
import type { CatalogConfig } from '../core/config.js';
import { deleteEntities, upsertEntity } from './entity-writer.js';
import type { IngestionProblem, LocationContent } from './ingest/read-location.js';

export const ANNOTATION_ORPHAN = 'backstage.io/orphan';

export interface RefreshSummary {
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
  orphaned: number;
  conflicts: number;
  errors: IngestionProblem[];
}

/**
 * Applies what one read of a location produced, in one transaction: new and changed entities are
 * written, entities that left the location are removed (or kept as orphans), refs owned by another
 * location are reported as conflicts and never overwritten, and the location's problems are replaced.
 * A read that found nothing readable leaves the previous entities in place.
 */
export async function applyLocationContent(
  store: Store,
  location: { id: string },
  content: LocationContent,
  options: { orphanStrategy: CatalogConfig['orphanStrategy']; now: string },
): Promise<RefreshSummary> {
  const summary: RefreshSummary = { created: 0, updated: 0, unchanged: 0, removed: 0, orphaned: 0, conflicts: 0, errors: [...content.errors] };
  const unreadable = content.files === 0 && content.errors.length > 0;

  await store.transaction(async trx => {
    if (!unreadable) {
      const existing = await trx.selectFrom('entities').select(['id', 'ref', 'body']).where('location_id', '=', location.id).execute();
      const produced = new Set<string>();
      for (const { entity, source, document } of content.entities) {
        const ref = entityRefOf(entity);
        const owner = await trx.selectFrom('entities').select(['location_id', 'source']).where('ref', '=', ref).executeTakeFirst();
        if (owner && owner.location_id !== location.id) {
          summary.conflicts++;
          summary.errors.push({
            entityRef: ref,
            pointer: '/metadata/name',
            detail: `${ref} is already defined by ${owner.source ?? 'an entity saved through the API'}; it was not overwritten`,
            rule: 'conflict',
            source,
            document,
          });
          continue;
        }
        produced.add(ref);
        const { outcome } = await upsertEntity(trx, store.dialect, { entity, locationId: location.id, source }, options.now);
        summary[outcome]++;
      }
      const stale = existing.filter(row => !produced.has(row.ref));
      if (options.orphanStrategy === 'delete') {
        await deleteEntities(trx, store.dialect, stale.map(row => row.id));
        summary.removed = stale.length;
      } else {
        for (const row of stale) {
          const entity = JSON.parse(row.body) as Entity;
          if (entity.metadata.annotations?.[ANNOTATION_ORPHAN] === 'true') continue;
          entity.metadata.annotations = { ...entity.metadata.annotations, [ANNOTATION_ORPHAN]: 'true' };
          await upsertEntity(trx, store.dialect, { entity, locationId: location.id, source: null }, options.now);
          summary.orphaned++;
        }
      }
    }

    await trx.deleteFrom('location_problems').where('location_id', '=', location.id).execute();
    const problems = summary.errors.map(error => ({
      location_id: location.id,
      source: error.source ?? null,
      document: error.document ?? null,
      line: error.line ?? null,
      pointer: error.pointer,
      detail: error.detail,
      rule: error.rule ?? null,
      entity_ref: error.entityRef ?? null,
    }));
    for (let i = 0; i < problems.length; i += 200) await trx.insertInto('location_problems').values(problems.slice(i, i + 200)).execute();
    const entityCount = await trx
      .selectFrom('entities')
      .select(eb => eb.fn.countAll<number>().as('n'))
      .where('location_id', '=', location.id)
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('locations')
      .set({
        state: unreadable ? 'failed' : 'done',
        entity_count: Number(entityCount.n),
        error_count: summary.errors.length,
        last_refresh_at: options.now,
        last_error: unreadable ? (summary.errors[0]?.detail ?? null) : null,
      })
      .where('id', '=', location.id)
      .execute();
  });
  return summary;
}
