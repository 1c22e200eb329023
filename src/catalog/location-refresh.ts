import type { Entity } from '../core/entity.js';
import type { Db, Store } from '../store/store.js';
import type {} from './catalog-tables.js'; // the tables it queries, for Kysely's types
import type { CatalogConfig } from './catalog-config.js';
import { deleteEntities, prepareWrite, STORED_STATE_COLUMNS, writeEntities, type PreparedWrite, type StoredState } from './entity-writer.js';
import { forEachPausing, loopYielder } from '../core/event-loop-yield.js';
import type { CatalogChanges } from './catalog-changes.js';
import type { ChangeAuthor } from '../store/audit-log.js';
import type { IngestionProblem, LocationContent } from './ingest/read-location.js';
import { saveSkippableFiles, storedFrom } from './location-files.js';
import { asBulkLoad, BULK_LOAD_LIMITS } from './bulk-load.js';
import { lockCatalogWrites } from './catalog-write-lock.js';
import { notFound } from '../core/problem.js';

export const ANNOTATION_ORPHAN = 'backstage.io/orphan';
/** Refs or ids per lookup statement (one bound parameter each). */
const LOOKUP_CHUNK = 1_000;

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
  options: {
    orphanStrategy: CatalogConfig['orphanStrategy'];
    now: string;
    /** Where the entity events go (and the audit entry, with an author). */
    changes: CatalogChanges;
    /** Who asked for this read (none for a periodic refresh): the events' actor. */
    author?: ChangeAuthor;
    /** More of the same change, in its transaction once the entities are written: the location's event, the audit entry. */
    then?: (trx: Db, summary: RefreshSummary) => Promise<void>;
    /** The ingestion fingerprint the content was read under (`ingestion-fingerprint.ts`), saved with its skippable files. */
    fingerprint: string;
    /**
     * The target the content was read from, when the location must still point there (a refresh): pointed elsewhere
     * meanwhile, nothing is written and `LocationMoved` is thrown. None when the content is the location's new target.
     */
    readFrom?: { type: string; target: string };
    /** Work between two yields to the event loop (see `event-loop-yield.ts`). */
    yieldEveryMs?: number;
    /**
     * Refuses the whole change (nothing written) when the content defines entities the catalog has from elsewhere:
     * the error to throw, for their refs. Checked inside the transaction, so no registration in between slips past.
     */
    refuseOwnedElsewhere?: (refs: string[]) => Error;
  },
): Promise<RefreshSummary> {
  const summary: RefreshSummary = { created: 0, updated: 0, unchanged: 0, removed: 0, orphaned: 0, conflicts: 0, errors: [...content.errors] };
  const unreadable = content.files === 0 && content.errors.length > 0;

  const pause = loopYielder(options.yieldEveryMs);
  // Serialising and hashing every entity is pure work: done before the transaction, yielding as it goes.
  const prepared: PreparedWrite[] = [];
  if (!unreadable) {
    await forEachPausing(content.entities, pause, ({ entity, source }) => prepared.push(prepareWrite({ entity, locationId: location.id, source })));
  }

  await store.transaction(async trx => {
    // Conflicts and stale entities are decided from what is stored: read it in the catalog's write turn, or two
    // locations claiming one entity at once both see no owner and the second fails on the entity's unique ref. The
    // location itself too: removed or moved while the read ran, what was read is no longer its content.
    await lockCatalogWrites(trx, store.dialect);
    const now = await trx.selectFrom('locations').select(['type', 'target']).where('id', '=', location.id).executeTakeFirst();
    if (!now) throw notFound(`No location with id ${location.id}: it was removed while it was being read`);
    if (options.readFrom && (now.type !== options.readFrom.type || now.target !== options.readFrom.target)) throw new LocationMoved();
    if (!unreadable) {
      const existing = await trx.selectFrom('entities').select(STORED_STATE_COLUMNS).where('location_id', '=', location.id).execute();
      // Each pass over the location's entities yields as it goes: at 15.7k entities, made in one go, the passes from
      // here to the first write held the event loop for tens of ms (bench/README, session 16).
      const stored = new Map<string, StoredState>();
      // A kept file stands for entities stored from it: one deleted or claimed while the read ran means reading it again.
      const sourceOf = new Map<string, string | null>();
      await forEachPausing(existing, pause, row => {
        stored.set(row.ref, row);
        sourceOf.set(row.ref, row.source);
      });
      const untrusted = content.kept.filter(file => !storedFrom(file.refs, file.source, sourceOf)).map(file => file.source);
      if (untrusted.length) throw new KeptFilesChanged(untrusted);
      const created: string[] = [];
      await forEachPausing(prepared, pause, write => {
        if (!stored.has(write.ref)) created.push(write.ref);
      });
      const owners = await ownersElsewhere(trx, created, pause);
      if (owners.size && options.refuseOwnedElsewhere) throw options.refuseOwnedElsewhere([...owners.keys()]);
      const writes: PreparedWrite[] = [];
      // A kept file's entities are stored as they were: not written, not stale.
      const kept = content.kept.flatMap(file => file.refs.map(([ref]) => ref));
      const produced = new Set(kept);
      await forEachPausing(prepared.entries(), pause, ([i, write]) => {
        const owner = owners.get(write.ref);
        if (!owner) {
          writes.push(write);
          produced.add(write.ref);
          return;
        }
        const { source, document } = content.entities[i]!;
        summary.conflicts++;
        summary.errors.push({
          entityRef: write.ref,
          pointer: '/metadata/name',
          detail: `${write.ref} is already defined by ${owner.source ?? 'an entity saved through the API'}; it was not overwritten`,
          rule: 'conflict',
          source,
          document,
        });
      });
      const stale: StoredState[] = [];
      await forEachPausing(existing, pause, row => {
        if (!produced.has(row.ref)) stale.push(row);
      });
      const orphans = options.orphanStrategy === 'keep' ? await orphanWrites(trx, location.id, stale, pause) : [];
      const written = [...writes, ...orphans];
      const outcomes = await asBulkLoad(trx, store.dialect, { writes: written.length, locationStored: existing.length }, () =>
        writeEntities(trx, store.dialect, written, stored, options.now, pause, content.definitionTerms),
      );
      for (const { outcome } of outcomes.slice(0, writes.length)) summary[outcome]++;
      summary.unchanged += kept.filter(ref => stored.has(ref)).length;
      // A file one of whose entities another location holds is read again next time, to report it again.
      await saveSkippableFiles(trx, location.id, content.skippable.filter(file => !file.refs.some(([ref]) => owners.has(ref))), options.fingerprint);
      summary.orphaned = orphans.length;
      await options.changes.entitiesWritten(trx, written, outcomes, options.author);
      if (options.orphanStrategy === 'delete') {
        await options.changes.entitiesDeleted(trx, await deleteEntities(trx, store.dialect, stale.map(row => row.id), pause), options.author);
        summary.removed = stale.length;
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
    await options.then?.(trx, summary);
    // A write of thousands of entities leaves its WAL to a worker thread to checkpoint (store.ts): in the COMMIT it
    // was ~2/3 of the commit's CPU at 15.7k entities and most of a 100k load's 20 s stall.
  }, { large: prepared.length >= BULK_LOAD_LIMITS.minDeferred });
  return summary;
}

/** Thrown (nothing written) when the location was pointed at another target while a refresh read the old one: read it again. */
export class LocationMoved extends Error {
  constructor() {
    super('the location was pointed at another target during the read');
  }
}

/**
 * Thrown (nothing written) when a file the read kept no longer has all its entities stored from it: the caller
 * reads the location again, and that read parses these files.
 */
export class KeptFilesChanged extends Error {
  constructor(readonly sources: string[]) {
    super(`kept files changed in the store during the read: ${sources.length}`);
  }
}

/** Refs in this list stored by another location or saved through the API: conflicts, never overwritten. */
async function ownersElsewhere(db: Db, refs: string[], pause: () => Promise<void>): Promise<Map<string, { source: string | null }>> {
  const owners = new Map<string, { source: string | null }>();
  for (let i = 0; i < refs.length; i += LOOKUP_CHUNK) {
    const rows = await db.selectFrom('entities').select(['ref', 'source']).where('ref', 'in', refs.slice(i, i + LOOKUP_CHUNK)).execute();
    for (const row of rows) owners.set(row.ref, { source: row.source });
    await pause();
  }
  return owners;
}

/** Entities that left the location, rewritten with the orphan annotation (those already marked are left alone). */
async function orphanWrites(db: Db, locationId: string, stale: StoredState[], pause: () => Promise<void>): Promise<PreparedWrite[]> {
  const writes: PreparedWrite[] = [];
  for (let i = 0; i < stale.length; i += LOOKUP_CHUNK) {
    const rows = await db.selectFrom('entities').select('body').where('id', 'in', stale.slice(i, i + LOOKUP_CHUNK).map(row => row.id)).execute();
    for (const row of rows) {
      const entity = JSON.parse(row.body) as Entity;
      if (entity.metadata.annotations?.[ANNOTATION_ORPHAN] === 'true') continue;
      entity.metadata.annotations = { ...entity.metadata.annotations, [ANNOTATION_ORPHAN]: 'true' };
      writes.push(prepareWrite({ entity, locationId, source: null }));
    }
    await pause();
  }
  return writes;
}
