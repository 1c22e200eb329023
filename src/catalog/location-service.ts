import type { UrlReader } from '../reading/url-reader.js';
import { resolve } from 'node:path';
import { annotateProvenance, storedProvenance, type LocationProvenance } from './location-provenance.js';
import type { CatalogConfig } from './catalog-config.js';
import type { Entity } from '../core/entity.js';
import { newId } from '../core/ids.js';
import { timed } from '../core/operation-timings.js';
import { systemClock, type Clock } from '../core/clock.js';
import { badRequest, conflict, notFound } from '../core/problem.js';
import type { Store } from '../store/store.js';
import type {} from './catalog-tables.js'; // the tables it queries, for Kysely's types
import { DEFAULT_MAX_FILE_BYTES, readLocation, LOCATION_TYPES, type IngestionProblem, type LocationContent, type LocationSpec } from './ingest/read-location.js';
import { fileLocationTree, type SourceTree } from './ingest/source-tree.js';
import type { EntityParsePool } from './ingest/entity-parse-pool.js';
import { applyLocationContent, KeptFilesChanged, LocationMoved, type RefreshSummary } from './location-refresh.js';
import { ingestionFingerprint } from './ingestion-fingerprint.js';
import { skippableFiles } from './location-files.js';
import { deleteEntities } from './entity-writer.js';
import { lockCatalogWrites } from './catalog-write-lock.js';
import { SENT_COLUMNS, type SentColumns } from './sent-entity.js';
import { loopYielder } from '../core/event-loop-yield.js';
import type { EditMode } from './edit/entity-editor.js';
import type { CatalogAuditEntry, CatalogChanges } from './catalog-changes.js';
import type { ChangeAuthor } from '../store/audit-log.js';

export interface Location {
  id: string;
  type: string;
  target: string;
}

export interface LocationRegistration extends LocationSpec {
  /** For git locations: portal edits commit to the branch (`direct`, default) or to a review branch (`branch`). */
  editMode?: EditMode;
}

export type LocationState = 'pending' | 'refreshing' | 'done' | 'failed';

export interface LocationStatus {
  state: LocationState;
  lastRefreshAt?: string;
  entityCount: number;
  errorCount: number;
  errors: IngestionProblem[];
}

/** A location's status as a list shows it: counts, without the problems themselves. */
export type LocationSummary = Omit<LocationStatus, 'errors'>;

export interface RegisterResult {
  location: Location;
  entities: Entity[];
  exists: boolean;
  errors: IngestionProblem[];
  summary?: RefreshSummary;
}

export interface RegisterOptions {
  dryRun?: boolean;
  /** What to do when the target is registered already: refuse (409, the default) or refresh it (Backstage's onConflict). */
  onConflict?: 'reject' | 'refresh';
  onFile?: Parameters<typeof readLocation>[1]['onFile'];
  /**
   * Decides whether whoever registers may load what the location holds, after it is read and before
   * anything is stored (a dry run asks too, so its preview tells the truth); throws to refuse.
   */
  authorize?: (entities: Entity[]) => Promise<void>;
  /**
   * Refuses the registration (nothing kept, not even the location) when its content defines entities the
   * catalog already has from elsewhere: the error to throw, for their refs. Checked inside the transaction
   * that applies the content, so a registration in between cannot slip past it.
   */
  refuseOwnedElsewhere?: (refs: string[]) => Error;
  /** Who registers it: the audit entry's actor (none for Pave's own registrations, such as the demo). */
  author?: ChangeAuthor;
  /** The golden path that registers it: kept with the location and written into its entities' annotations. */
  provenance?: LocationProvenance;
}

/** Who asked for a refresh and why, when someone did (a periodic refresh has neither). */
export interface RefreshRequest {
  onFile?: Parameters<typeof readLocation>[1]['onFile'];
  author?: ChangeAuthor;
  /** The audit entry the refresh records for its author (default: `catalog.location.refresh` of the location). */
  audit?: CatalogAuditEntry;
}

export interface LocationServiceOptions {
  config: CatalogConfig;
  clock?: Clock;
  cwd?: string;
  /** Reads placeholders' http(s) URLs under the reading allow-list. */
  reader?: UrlReader | undefined;
  /** Records the catalog's changes (events, audit entries) in their transactions. */
  changes: CatalogChanges;
  /** Called when a location is added, so its periodic refresh gets scheduled. */
  onRegistered?: (location: Location) => Promise<void>;
  onRemoved?: (location: Location) => Promise<void>;
  /** Worker threads that parse big locations' files (the caller closes it); without it every file is parsed here. */
  parser?: EntityParsePool;
}

/**
 * Locations: where entities come from. Registering reads the location at once, so its entities are
 * queryable when the call returns; refreshing re-reads it; removing it removes its entities.
 */
export class LocationService {
  readonly #store: Store;
  readonly #options: LocationServiceOptions;
  /** What a skippable file's reading depended on (`ingestion-fingerprint.ts`). */
  readonly #fingerprint: string;
  readonly #clock: Clock;
  /** Refreshes of one location never overlap within a process; replicas coordinate through job leases. */
  readonly #running = new Map<string, Promise<RefreshSummary>>();

  constructor(store: Store, options: LocationServiceOptions) {
    this.#store = store;
    this.#options = options;
    this.#fingerprint = ingestionFingerprint(options.config);
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * Registers a location (or, with dryRun, shows what it would import without saving anything).
   * A location that cannot be read at all is refused, dry run or not, so nothing half-made is kept;
   * registering a target twice (even at the same moment) is a conflict.
   */
  async register(spec: LocationRegistration, options: RegisterOptions = {}): Promise<RegisterResult> {
    const normalized = this.#normalize(spec);
    const existing = await this.#findByTarget(normalized);
    if (existing && !options.dryRun) {
      if (options.onConflict !== 'refresh') throw this.#alreadyRegistered(existing);
      const summary = await this.refresh(existing.id, { onFile: options.onFile, ...(options.author ? { author: options.author } : {}) });
      return { location: existing, entities: await this.#entitiesOf(existing.id), exists: true, errors: summary.errors, summary };
    }
    const content = await this.#readAuthorized(normalized, options);
    const entities = content.entities.map(e => e.entity);
    if (options.dryRun) {
      return { location: existing ?? { id: 'dry-run', ...normalized }, entities, exists: Boolean(existing), errors: content.errors };
    }
    const location: Location = { id: newId(), ...normalized };
    const inserted = await this.#store.db
      .insertInto('locations')
      .values({
        ...location,
        edit_mode: spec.editMode ?? 'direct',
        state: 'refreshing',
        entity_count: 0,
        error_count: 0,
        last_refresh_at: null,
        last_error: null,
        created_at: this.#now(),
        provenance: options.provenance ? JSON.stringify(options.provenance) : null,
      })
      .onConflict(oc => oc.columns(['type', 'target']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
      // Another registration of the same target won the race while this one was reading.
      throw this.#alreadyRegistered((await this.#findByTarget(normalized)) ?? location);
    }
    const summary = await applyLocationContent(this.#store, location, content, {
      orphanStrategy: this.#options.config.orphanStrategy,
      fingerprint: this.#fingerprint,
      now: this.#now(),
      changes: this.#options.changes,
      ...(options.author ? { author: options.author } : {}),
      ...(options.refuseOwnedElsewhere ? { refuseOwnedElsewhere: options.refuseOwnedElsewhere } : {}),
      then: async (trx, applied) => {
        await this.#options.changes.event(trx, { type: 'catalog.location.registered', subject: `location:${location.id}`, payload: { type: location.type, target: location.target, ...counts(applied) } }, options.author);
        await this.#options.changes.audit(trx, options.author, { action: 'catalog.location.create', entityRef: `location:${location.id}`, after: { type: location.type, target: location.target }, detail: counts(applied) });
      },
    }).catch(async (error: unknown) => {
      // The content was refused as a whole: the location row (saved to claim its target) goes too.
      await this.#store.db.deleteFrom('locations').where('id', '=', location.id).execute();
      throw error;
    });
    await this.#options.onRegistered?.(location);
    return { location, entities, exists: false, errors: summary.errors, summary };
  }

  /**
   * Reads a target without registering it or refusing it when nothing could be read: what an analysis of a
   * location (POST /analyze-location) looks at. The spec is checked as a registration's is.
   */
  async read(spec: LocationSpec): Promise<{ location: LocationSpec; content: LocationContent }> {
    const location = this.#normalize(spec);
    return { location, content: await readLocation(location, this.#readOptions()) };
  }

  /**
   * Points a location at another target (Backstage's updateLocation): the new target is read, authorized and
   * applied at once, so entities only the old one held leave the catalog. Another location's target is a conflict.
   */
  async update(id: string, spec: LocationSpec, options: Pick<RegisterOptions, 'authorize' | 'author'> = {}): Promise<Location> {
    const before = await this.#store.db.selectFrom('locations').select(['id', 'type', 'target']).where('id', '=', id).executeTakeFirst();
    if (!before) throw notFound(`No location with id ${id}`);
    const normalized = this.#normalize(spec);
    const existing = await this.#findByTarget(normalized);
    if (existing && existing.id !== id) throw this.#alreadyRegistered(existing);
    const content = await this.#readAuthorized(normalized, options);
    const location: Location = { id, ...normalized };
    await applyLocationContent(this.#store, location, content, {
      orphanStrategy: this.#options.config.orphanStrategy,
      fingerprint: this.#fingerprint,
      now: this.#now(),
      changes: this.#options.changes,
      ...(options.author ? { author: options.author } : {}),
      then: async (trx, applied) => {
        // The new target, its audit entry and its event commit with the entities it brought, or none of them does.
        await trx.updateTable('locations').set({ type: location.type, target: location.target }).where('id', '=', id).execute();
        await this.#options.changes.event(trx, { type: 'catalog.location.updated', subject: `location:${id}`, payload: { type: location.type, target: location.target, ...counts(applied) } }, options.author);
        await this.#options.changes.audit(trx, options.author, { action: 'catalog.location.update', entityRef: `location:${id}`, before: { type: before.type, target: before.target }, after: { type: location.type, target: location.target }, detail: counts(applied) });
      },
    });
    return location;
  }

  async list(): Promise<Location[]> {
    return this.#store.db.selectFrom('locations').select(['id', 'type', 'target']).orderBy('created_at').orderBy('id').execute();
  }

  /**
   * Every location with its status in one query: what a page listing locations shows. `errorCount` counts the
   * problems recorded against the location itself (`get` also names conflicts its entities lost elsewhere).
   */
  async listWithStatus(): Promise<Array<Location & { status: LocationSummary }>> {
    const rows = await this.#store.db
      .selectFrom('locations')
      .leftJoin(
        eb => eb.selectFrom('location_problems').select(['location_id', eb.fn.countAll<number | string>().as('problems')]).groupBy('location_id').as('p'),
        join => join.onRef('p.location_id', '=', 'locations.id'),
      )
      .select(['locations.id', 'locations.type', 'locations.target', 'locations.state', 'locations.last_refresh_at', 'locations.entity_count', 'p.problems'])
      .orderBy('locations.created_at')
      .orderBy('locations.id')
      .execute();
    return rows.map(row => ({
      id: row.id,
      type: row.type,
      target: row.target,
      status: { state: row.state as LocationState, ...(row.last_refresh_at ? { lastRefreshAt: row.last_refresh_at } : {}), entityCount: row.entity_count, errorCount: Number(row.problems ?? 0) },
    }));
  }

  async get(id: string): Promise<Location & { status: LocationStatus }> {
    const row = await this.#store.db.selectFrom('locations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`No location with id ${id}`);
    const errors = await this.problems({ locationId: id });
    return {
      id: row.id,
      type: row.type,
      target: row.target,
      status: {
        state: row.state as LocationState,
        ...(row.last_refresh_at ? { lastRefreshAt: row.last_refresh_at } : {}),
        entityCount: row.entity_count,
        errorCount: errors.length,
        errors,
      },
    };
  }

  /**
   * Where the catalog read an entity: its source (`file:<path>` or a git target) and the location that
   * named it; nothing for an entity saved through the API.
   * @example await locations.sourceOf('template:default/typescript-service') // { source: 'file:/srv/templates/ts/template.yaml', location: { type: 'file', … } }
   */
  async sourceOf(ref: string): Promise<{ source: string; location?: Location } | undefined> {
    const row = await this.#store.db
      .selectFrom('entities')
      .leftJoin('locations', 'locations.id', 'entities.location_id')
      .select(['entities.source', 'locations.id', 'locations.type', 'locations.target'])
      .where('entities.ref', '=', ref.toLocaleLowerCase('en-US'))
      .executeTakeFirst();
    if (!row?.source) return undefined;
    return { source: row.source, ...(row.id && row.type && row.target ? { location: { id: row.id, type: row.type, target: row.target } } : {}) };
  }

  /** The stored rows of the Location entities a location produced, each with the file it was read from (for ancestry). */
  async locationEntitiesOf(locationId: string): Promise<Array<SentColumns & { id: string; ref: string; source: string | null }>> {
    return this.#store.db
      .selectFrom('entities as e')
      .innerJoin('sent_entities as sent', 'sent.entity_id', 'e.id')
      .select(['e.id', 'e.ref', ...SENT_COLUMNS, 'e.source'])
      .where('e.location_id', '=', locationId)
      .where(eb => eb(eb.fn('lower', ['e.kind']), '=', 'location'))
      .execute();
  }

  /** The location that produced an entity. */
  async byEntityRef(ref: string): Promise<Location> {
    const row = await this.#store.db
      .selectFrom('entities')
      .innerJoin('locations', 'locations.id', 'entities.location_id')
      .select(['locations.id', 'locations.type', 'locations.target'])
      .where('entities.ref', '=', ref.toLocaleLowerCase('en-US'))
      .executeTakeFirst();
    if (!row) throw notFound(`No location produced ${ref}`);
    return row;
  }

  /**
   * The tree a file of a `file` location was read from, as readLocation confines it: the allowed root that
   * holds the file, or (with no allowed roots) the folder of the location's target. Docs and edits of the
   * file's entities are confined to the same tree. Undefined for other locations, or a file outside.
   * @example const tree = await locations.fileTreeOf(locationId, '/srv/catalog/shop/catalog-info.yaml');
   */
  async fileTreeOf(locationId: string, file: string): Promise<SourceTree | undefined> {
    const location = await this.#store.db.selectFrom('locations').select(['type', 'target']).where('id', '=', locationId).executeTakeFirst();
    if (location?.type !== 'file') return undefined;
    const { allowedRoots } = this.#options.config;
    return allowedRoots.length ? fileLocationTree(file, allowedRoots) : fileLocationTree(location.target, []);
  }

  /** Removes a location and every entity it produced, in one transaction. */
  async remove(id: string, author?: ChangeAuthor): Promise<void> {
    const { changes } = this.#options;
    const location = await this.#store.transaction(async trx => {
      // In the catalog's write turn, so a refresh of this location queued before the removal has added what it adds,
      // and of two removals at once the second finds nothing to remove.
      await lockCatalogWrites(trx, this.#store.dialect);
      const location = await trx.selectFrom('locations').select(['id', 'type', 'target']).where('id', '=', id).executeTakeFirst();
      if (!location) throw notFound(`No location with id ${id}`);
      const ids = await trx.selectFrom('entities').select('id').where('location_id', '=', id).execute();
      const deleted = await deleteEntities(trx, this.#store.dialect, ids.map(r => r.id), loopYielder());
      await changes.entitiesDeleted(trx, deleted, author);
      await trx.deleteFrom('location_problems').where('location_id', '=', id).execute();
      await trx.deleteFrom('locations').where('id', '=', id).execute();
      await changes.event(trx, { type: 'catalog.location.removed', subject: `location:${id}`, payload: { type: location.type, target: location.target, removed: deleted.length } }, author);
      await changes.audit(trx, author, { action: 'catalog.location.delete', entityRef: `location:${id}`, before: { type: location.type, target: location.target }, detail: { removed: deleted.length } });
      return location;
    });
    await this.#options.onRemoved?.(location);
  }

  /**
   * Re-reads a location and applies the result. Concurrent calls for one location share one run; someone
   * who joins a run already under way still gets their audit entry.
   */
  async refresh(id: string, options: RefreshRequest = {}): Promise<RefreshSummary> {
    const running = this.#running.get(id);
    if (running) {
      const summary = await running;
      if (options.author) await this.#options.changes.audit(this.#store.db, options.author, options.audit ?? refreshAudit(id, summary));
      return summary;
    }
    const run = timed('catalog.refresh', () => this.#refresh(id, options)).finally(() => this.#running.delete(id));
    this.#running.set(id, run);
    return run;
  }

  /**
   * Problems found by refreshes: a location's own, plus conflicts other locations reported against its
   * entities; or all problems concerning one entity.
   */
  async problems(filter: { locationId?: string; entityRef?: string } = {}): Promise<IngestionProblem[]> {
    let query = this.#store.db.selectFrom('location_problems').selectAll();
    if (filter.locationId) {
      const owned = this.#store.db.selectFrom('entities').select('ref').where('location_id', '=', filter.locationId);
      query = query.where(eb => eb.or([eb('location_id', '=', filter.locationId!), eb.and([eb('rule', '=', 'conflict'), eb('entity_ref', 'in', owned)])]));
    }
    if (filter.entityRef) query = query.where('entity_ref', '=', filter.entityRef.toLocaleLowerCase('en-US'));
    const rows = await query.orderBy('id').limit(1000).execute();
    return rows.map(row => ({
      locationId: row.location_id,
      pointer: row.pointer,
      detail: row.detail,
      ...(row.rule ? { rule: row.rule } : {}),
      ...(row.source ? { source: row.source } : {}),
      ...(row.document !== null ? { document: row.document } : {}),
      ...(row.line !== null ? { line: row.line } : {}),
      ...(row.entity_ref ? { entityRef: row.entity_ref } : {}),
    }));
  }

  async #refresh(id: string, options: RefreshRequest): Promise<RefreshSummary> {
    await this.#store.db.updateTable('locations').set({ state: 'refreshing' }).where('id', '=', id).execute();
    // A kept file whose entities changed in the store while the read ran is read again (the store no longer
    // lists it as skippable); a third read skips nothing, so it always ends. A location pointed elsewhere meanwhile is
    // read again at its new target (its update applied that one already; this read is then a plain refresh of it).
    for (let attempt = 1; ; attempt++) {
      const row = await this.#store.db.selectFrom('locations').select(['id', 'type', 'target', 'provenance']).where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound(`No location with id ${id}`);
      const { provenance, ...location } = row;
      const skip = attempt < 3 ? await skippableFiles(this.#store.db, id, this.#fingerprint) : undefined;
      const content = await readLocation(location, { ...this.#readOptions(), onFile: options.onFile, skip, definitionTerms: true });
      annotateProvenance(content, storedProvenance(provenance));
      try {
        return await this.#applyRefresh(location, content, options);
      } catch (error) {
        if (!(error instanceof KeptFilesChanged || error instanceof LocationMoved)) throw error;
      }
    }
  }

  #applyRefresh(location: LocationSpec & { id: string }, content: LocationContent, options: RefreshRequest): Promise<RefreshSummary> {
    const { id } = location;
    const { changes } = this.#options;
    return applyLocationContent(this.#store, location, content, {
      orphanStrategy: this.#options.config.orphanStrategy,
      fingerprint: this.#fingerprint,
      now: this.#now(),
      changes,
      readFrom: { type: location.type, target: location.target },
      ...(options.author ? { author: options.author } : {}),
      then: async (trx, summary) => {
        await changes.event(trx, { type: 'catalog.location.refreshed', subject: `location:${id}`, payload: counts(summary) }, options.author);
        await changes.audit(trx, options.author, options.audit ?? refreshAudit(id, summary));
      },
    });
  }

  #normalize(spec: LocationRegistration): LocationSpec {
    const type = typeof spec.type === 'string' ? spec.type.trim() : '';
    const target = typeof spec.target === 'string' ? spec.target.trim() : '';
    const errors = [
      ...(!(LOCATION_TYPES as readonly string[]).includes(type) ? [{ pointer: '/type', detail: `must be one of ${LOCATION_TYPES.join(', ')}` }] : []),
      ...(!target ? [{ pointer: '/target', detail: 'must be a non-empty path or URL' }] : []),
      ...(spec.editMode !== undefined && !['direct', 'branch'].includes(spec.editMode) ? [{ pointer: '/editMode', detail: 'must be direct or branch' }] : []),
    ];
    if (errors.length) throw badRequest(`Invalid location: ${errors.map(e => `${e.pointer} ${e.detail}`).join('; ')}`, errors);
    // File targets are kept absolute so later refreshes do not depend on the working directory.
    return { type, target: type === 'file' ? resolve(this.#options.cwd ?? process.cwd(), target.replace(/^file:(\/\/)?/, '')) : target };
  }

  /**
   * Reads a target for a registration or an update. A location that cannot be read at all is refused, so
   * nothing half-made is kept; `authorize` then decides whether its content may be loaded.
   */
  async #readAuthorized(location: LocationSpec, options: Pick<RegisterOptions, 'authorize' | 'onFile' | 'provenance'>) {
    const content = await readLocation(location, { ...this.#readOptions(), onFile: options.onFile, definitionTerms: true });
    annotateProvenance(content, options.provenance);
    if (content.files === 0) {
      // The target itself is what could not be read, whatever document the problem was found in.
      const errors = content.errors.map(error => ({ ...error, pointer: '/target' }));
      throw badRequest(`Location ${location.type}:${location.target} could not be read: ${content.errors.map(e => e.detail).join('; ')}`, errors);
    }
    await options.authorize?.(content.entities.map(e => e.entity));
    return content;
  }

  async #entitiesOf(locationId: string): Promise<Entity[]> {
    const rows = await this.#store.db.selectFrom('entities').select('body').where('location_id', '=', locationId).orderBy('ref').limit(1000).execute();
    return rows.map(row => JSON.parse(row.body) as Entity);
  }

  #alreadyRegistered(existing: Location) {
    return conflict(`Location ${existing.type}:${existing.target} is already registered (id ${existing.id})`, [{ pointer: '/target', detail: 'is already registered' }], { existingId: existing.id });
  }

  async #findByTarget(spec: LocationSpec): Promise<Location | undefined> {
    return this.#store.db.selectFrom('locations').select(['id', 'type', 'target']).where('type', '=', spec.type).where('target', '=', spec.target).executeTakeFirst();
  }

  #readOptions() {
    return {
      allowedRoots: this.#options.config.allowedRoots,
      maxDocumentBytes: this.#options.config.maxDocumentBytes,
      maxFileBytes: this.#options.config.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
      cwd: this.#options.cwd,
      reader: this.#options.reader,
      placeholderRepositories: this.#options.config.placeholderRepositories,
      parser: this.#options.parser,
    };
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }
}

/** What a refresh did, in numbers (for events and audit details). */
function counts(summary: RefreshSummary): Record<string, number> {
  return { created: summary.created, updated: summary.updated, removed: summary.removed, orphaned: summary.orphaned, conflicts: summary.conflicts, problems: summary.errors.length };
}

function refreshAudit(id: string, summary: RefreshSummary): CatalogAuditEntry {
  return { action: 'catalog.location.refresh', entityRef: `location:${id}`, detail: counts(summary) };
}
