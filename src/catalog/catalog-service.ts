import type { UrlReader } from '../reading/url-reader.js';
import type { CatalogConfig } from './catalog-config.js';
import type { Entity } from '../core/entity.js';
import { entityRefOf } from '../core/entity-ref.js';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { conflict, invalidInput, notFound } from '../core/problem.js';
import type { Store } from '../store/store.js';
import type {} from './catalog-tables.js'; // the tables it queries, for Kysely's types
import type { JobQueue } from '../store/job-queue.js';
import { validateEntity, type EntityValidation } from './model/index.js';
import { EntityReader } from './query/entity-reader.js';
import { CatalogSearch, type SearchLine, type SearchRequest } from './search/catalog-search.js';
import type { SearchResponse } from './search/search-views.js';
import { LocationService } from './location-service.js';
import { entityAncestry, type EntityAncestry } from './entity-ancestry.js';
import { DEFAULT_MAX_FILE_BYTES, type ReadLimits } from './ingest/read-location.js';
import { RefreshScheduler } from './refresh-scheduler.js';
import { EntityParsePool } from './ingest/entity-parse-pool.js';
import { DocsService } from './docs/docs-service.js';
import { deleteEntities, upsertEntity } from './entity-writer.js';
import { lockCatalogWrites } from './catalog-write-lock.js';
import { writeEntityEdit, type EditMode, type EditOutcome } from './edit/entity-editor.js';
import { CatalogChanges } from './catalog-changes.js';
import type { GitIdentity } from '../git/commit.js';
import { editReferenceErrors } from './edit/edit-references.js';
import { ALL_ENTITIES, type EntityScope } from './query/entity-scope.js';
import type { AuditLog, ChangeAuthor } from '../store/audit-log.js';
import type { EventLog } from '../store/event-log.js';
import { StateAnswers } from './state-answers.js';

export interface CatalogServiceOptions {
  store: Store;
  queue: JobQueue;
  /** Where the catalog appends its events and records its audit entries, in each change's transaction. */
  eventLog: EventLog;
  audit: AuditLog;
  config: CatalogConfig;
  clock?: Clock;
  logger?: Logger;
  cwd?: string;
  /** Reads placeholders' http(s) URLs under the reading allow-list (the `reading` module's reader). */
  reader?: UrlReader;
}

/**
 * The software catalog's service API: what the HTTP routes, the CLI and the MCP server call.
 * Reads go through `entities`, locations through `locations`; this class adds the operations that span both.
 */
export class CatalogService {
  readonly entities: EntityReader;
  readonly locations: LocationService;
  readonly scheduler: RefreshScheduler;
  readonly docs: DocsService;
  readonly #store: Store;
  readonly #search: CatalogSearch;
  /** Answers kept per catalog state, shared by the reader, search and this service (one cap on their memory). */
  readonly #answers: StateAnswers;
  readonly #clock: Clock;
  readonly #changes: CatalogChanges;
  /** What ingestion bounds a file and a document by; edits are checked against the same. */
  readonly #limits: ReadLimits;
  /** Parses big locations' files off the main thread; its workers start with the first such read. */
  readonly #parser = new EntityParsePool();
  readonly #logger: Logger | undefined;
  /** Search's warm-up (warmSearch), once begun; it never rejects. */
  #warming: Promise<void> | undefined;
  #warmed = false;
  #closing = false;

  constructor(options: CatalogServiceOptions) {
    this.#store = options.store;
    this.#logger = options.logger;
    // One memory of answers per catalog state for counts, facets and search: one cap on what it holds.
    const answers = (this.#answers = new StateAnswers(options.store));
    this.#search = new CatalogSearch(options.store, answers, { maxWaiting: options.config.maxWaitingSearches });
    this.#clock = options.clock ?? systemClock;
    this.#changes = new CatalogChanges(options.store, options.eventLog, options.audit);
    this.#limits = {
      maxDocumentBytes: options.config.maxDocumentBytes,
      maxFileBytes: options.config.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
      reader: options.reader,
      placeholderRepositories: options.config.placeholderRepositories,
    };
    this.entities = new EntityReader(options.store, answers);
    this.locations = new LocationService(options.store, {
      config: options.config,
      clock: options.clock,
      cwd: options.cwd,
      reader: options.reader,
      changes: this.#changes,
      parser: this.#parser,
      onRegistered: location => this.scheduler.schedule(location),
      onRemoved: location => this.scheduler.unschedule(location),
    });
    this.docs = new DocsService(options.store, this.entities, this.locations, this.#limits.maxFileBytes, options.reader);
    this.scheduler = new RefreshScheduler(this.locations, options.queue, {
      intervalSeconds: options.config.refreshIntervalSeconds,
      leaseSeconds: options.config.refreshLeaseSeconds,
      logger: options.logger,
    });
  }

  /**
   * Ranked, typo-forgiving search with snippets, facets and pages (search/catalog-search.ts). The answer is kept
   * per catalog state, reader scope and request (state-answers.ts: counting facets over the ranked results
   * again for each request of the same words cost more than the rest of the request); it is shared with other
   * requests: read it, never change it. Once every request waiting for it has gone away (`request.signal`), it stops, unanswered.
   */
  async search(request: SearchRequest): Promise<SearchResponse> {
    const answers = await this.#answers.current();
    const { scope = ALL_ENTITIES, signal, ...question } = request;
    return answers.answer('searchPage', scope, question, shared => this.#search.search({ ...request, signal: shared }), weighSearchPage, signal);
  }

  /** Searches waiting for their turn to find or rank candidates, and those abandoned or refused (for metrics). */
  get searchLine(): SearchLine {
    return this.#search.line;
  }

  /** Finds out how search looks up candidates, logging once when the database lacks typo tolerance. */
  async prepareSearch(): Promise<void> {
    await this.#search.prepare();
  }

  /**
   * Starts making what search's first rankings need (CatalogSearch.warm), once; a server does before it reports
   * ready, so that a load balancer sends no searches to a replica still cold. A failed warm-up is logged and ends
   * it: search works without it, only slower at first.
   */
  warmSearch(): void {
    this.#warming ??= this.#search.warm(() => this.#closing).then(
      () => undefined,
      (error: unknown) => this.#logger?.warn({ err: error }, 'search warm-up failed: the first searches will make what it would have'),
    );
    void this.#warming.finally(() => (this.#warmed = true));
  }

  /** Whether search's warm-up has begun and not finished. */
  get searchWarming(): boolean {
    return this.#warming !== undefined && !this.#warmed;
  }

  /** An entity's ancestry (Backstage's getEntityAncestors); 404 when there is no such entity. */
  async ancestry(ref: string): Promise<EntityAncestry> {
    const entity = await this.entities.byRef(ref);
    if (!entity) throw notFound(`No entity ${ref}`);
    const source = await this.locations.sourceOf(ref);
    if (!source?.location) return entityAncestry({ entity, source: source?.source ?? '' }, undefined, []);
    const rows = await this.locations.locationEntitiesOf(source.location.id);
    const locations = (await this.entities.hydrate(rows)).map((located, i) => ({ entity: located, source: rows[i]!.source ?? '' }));
    return entityAncestry({ entity, source: source.source }, source.location, locations);
  }

  validate(raw: unknown): EntityValidation {
    return validateEntity(raw);
  }

  /** Deletes one entity. If its location still holds it, the next refresh brings it back (as in Backstage). */
  async deleteByUid(uid: string, author?: ChangeAuthor): Promise<void> {
    await this.#store.transaction(async trx => {
      // Read in the catalog's write turn: two deletions at once audit one delete, and the other finds nothing.
      await lockCatalogWrites(trx, this.#store.dialect);
      const found = await trx.selectFrom('entities').select(['id', 'ref', 'body']).where('id', '=', uid).executeTakeFirst();
      if (!found) throw notFound(`No entity with uid ${uid}`);
      await this.#changes.entitiesDeleted(trx, await deleteEntities(trx, this.#store.dialect, [uid]), author);
      await this.#changes.audit(trx, author, { action: 'catalog.entity.delete', entityRef: found.ref, before: JSON.parse(found.body) });
    });
  }

  /** Releases what the service keeps on disk (clones of `url:` docs) and its parse workers. */
  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all([this.docs.close(), this.#parser.close(), this.#warming]);
  }

  /** Refreshes the location that produced an entity. */
  async refreshEntity(entityRef: string, author?: ChangeAuthor) {
    const location = await this.locations.byEntityRef(entityRef);
    return this.locations.refresh(location.id, { ...(author ? { author } : {}), audit: { action: 'catalog.entity.refresh', entityRef, detail: { locationId: location.id } } });
  }

  /**
   * Saves an edited entity where it is defined: in its location's file or repository (then the location is
   * refreshed, so the store shows the change when this returns), or in the store for entities saved through
   * the API. A `metadata.etag` in the edit must match the stored one, so concurrent edits are not lost.
   * With `checkReferences` (a person's edit, or creation through the API), the owner, system, lifecycle and
   * type it sets or changes must name what the catalog holds, as far as that scope sees it
   * (edit/edit-references.ts). Without it (Pave's own writers, such as the platform's mirror of requests and
   * capabilities, whose owners the platform decided) references are as free as ingestion leaves them.
   */
  async saveEntity(raw: unknown, author?: ChangeAuthor, options: { checkReferences?: EntityScope } = {}): Promise<{ entity: Entity; outcome: EditOutcome }> {
    const { entity, errors } = validateEntity(raw);
    if (!entity || errors.length) throw invalidInput('The entity is not valid', errors);
    const ref = entityRefOf(entity);
    const current = await this.#store.db
      .selectFrom('entities')
      .leftJoin('locations', 'locations.id', 'entities.location_id')
      .select(['entities.location_id', 'entities.source', 'entities.etag', 'entities.body', 'locations.edit_mode'])
      .where('entities.ref', '=', ref)
      .executeTakeFirst();
    // A new entity is checked as an edit of nothing: every reference it sets is one it changes.
    if (options.checkReferences) {
      const before = current ? (JSON.parse(current.body) as Entity) : { ...entity, spec: {} };
      const problems = await editReferenceErrors(this.entities, options.checkReferences, before, entity);
      if (problems.length) throw invalidInput(`${ref} names what the catalog does not hold`, problems);
    }
    if (current?.location_id) {
      const file = current.source?.startsWith('file:') ? current.source.slice('file:'.length) : undefined;
      const outcome = await writeEntityEdit({ ...entity, metadata: { ...entity.metadata, etag: (raw as Entity).metadata?.etag } }, {
        source: current.source,
        etag: current.etag,
        editMode: (current.edit_mode as EditMode | null) ?? 'direct',
        tree: file ? await this.locations.fileTreeOf(current.location_id, file) : undefined,
        limits: this.#limits,
      }, { author: editAuthor(author) });
      const audit = { action: 'catalog.entity.write', entityRef: ref, before: JSON.parse(current.body) as unknown, after: entity, detail: { ...outcome } };
      // Written to a review branch: the catalog is unchanged until it merges, so the edit is the whole change.
      if (outcome.branch) await this.#changes.audit(this.#store.db, author, audit);
      else await this.locations.refresh(current.location_id, { ...(author ? { author } : {}), audit });
      return { entity: (await this.entities.byRef(ref))!, outcome };
    }
    const given = (raw as Entity).metadata?.etag;
    await this.#store.transaction(async trx => {
      const result = await upsertEntity(trx, this.#store.dialect, { entity, locationId: null, source: null }, this.#clock.now().toISOString(), stored => {
        // Checked again in the write turn: a location may have claimed the entity since `current` was read (its file
        // is its truth), or another save may have changed it past the etag this edit was made from. A save without
        // an etag is the last writer's, as in Backstage (the platform's mirror saves so, from every replica).
        if (stored?.location_id) throw conflict(`${ref} is now defined by a catalog location; edit it there`, [{ pointer: '/metadata/name', detail: 'is defined by a catalog location' }]);
        if (given !== undefined && stored && stored.etag !== given) throw conflict(`${ref} changed since it was loaded; reload it and edit again`, [{ pointer: '/metadata/etag', detail: 'does not match the stored entity' }]);
      });
      await this.#changes.entitiesWritten(trx, [result.write], [result], author);
      await this.#changes.audit(trx, author, { action: 'catalog.entity.write', entityRef: ref, ...(current ? { before: JSON.parse(current.body) as unknown } : {}), after: entity, detail: { savedTo: 'store' } });
    });
    return { entity: (await this.entities.byRef(ref))!, outcome: { savedTo: 'store' } };
  }
}

/**
 * Who a git commit of an edit is authored by: the person's name and e-mail from their User entity's profile
 * (which OIDC sign-in matches to the e-mail claim), else their principal; Pave stays the committer.
 */
function editAuthor(author: ChangeAuthor | undefined): GitIdentity | undefined {
  if (!author) return undefined;
  const actor = author.actor as { principal: string; displayName?: string; email?: string } | string;
  if (typeof actor === 'string') return { name: actor };
  return { name: actor.displayName ?? actor.principal, ...(actor.email ? { email: actor.email } : {}) };
}

/** About the memory a search's answer takes (state-answers.ts): its JSON's length, two bytes a character at most. */
function weighSearchPage(answer: SearchResponse): number {
  return 64 + JSON.stringify(answer).length * 2;
}
