import type { CatalogConfig } from '../core/config.js';
import type { Entity } from '../core/entity.js';
import { entityRefOf } from '../core/entity-ref.js';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { conflict, invalidInput, notFound } from '../core/problem.js';
import type { Store } from '../store/store.js';
import type { JobQueue } from '../store/job-queue.js';
import { validateEntity, type EntityValidation } from './model/index.js';
import { EntityReader } from './query/entity-reader.js';
import { searchEntities, type SearchHit, type SearchRequest } from './query/full-text-search.js';
import { LocationService } from './location-service.js';
import { RefreshScheduler } from './refresh-scheduler.js';
import { deleteEntities, upsertEntity } from './entity-writer.js';

export interface CatalogServiceOptions {
  store: Store;
  queue: JobQueue;
  config: CatalogConfig;
  clock?: Clock;
  logger?: Logger;
  cwd?: string;
}

/**
 * The software catalog's service API: what the HTTP routes, the CLI and the MCP server call.
 * Reads go through `entities`, locations through `locations`; this class adds the operations that span both.
 */
export class CatalogService {
  readonly entities: EntityReader;
  readonly locations: LocationService;
  readonly scheduler: RefreshScheduler;
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(options: CatalogServiceOptions) {
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
    this.entities = new EntityReader(options.store);
    this.locations = new LocationService(options.store, {
      config: options.config,
      clock: options.clock,
      cwd: options.cwd,
      onRegistered: location => this.scheduler.schedule(location),
      onRemoved: location => this.scheduler.unschedule(location),
    });
    this.scheduler = new RefreshScheduler(this.locations, options.queue, {
      intervalSeconds: options.config.refreshIntervalSeconds,
      logger: options.logger,
    });
  }

  search(request: SearchRequest): Promise<SearchHit[]> {
    return searchEntities(this.#store, request);
  }

  validate(raw: unknown): EntityValidation {
    return validateEntity(raw);
  }

  /** Deletes one entity. If its location still holds it, the next refresh brings it back (as in Backstage). */
  async deleteByUid(uid: string): Promise<void> {
    const found = await this.#store.db.selectFrom('entities').select('id').where('id', '=', uid).executeTakeFirst();
    if (!found) throw notFound(`No entity with uid ${uid}`);
    await this.#store.transaction(trx => deleteEntities(trx, this.#store.dialect, [uid]));
  }

  /** Refreshes the location that produced an entity. */
  async refreshEntity(entityRef: string) {
    const location = await this.locations.byEntityRef(entityRef);
    return this.locations.refresh(location.id);
  }

  /**
   * Saves an entity that is not managed by a location (registered through the API), validating it first.
   * Returns the stored entity.
   */
  async saveEntity(raw: unknown): Promise<Entity> {
    const { entity, errors } = validateEntity(raw);
    if (!entity || errors.length) throw invalidInput('The entity is not valid', errors);
    const ref = entityRefOf(entity);
    const current = await this.#store.db.selectFrom('entities').select(['location_id', 'source']).where('ref', '=', ref).executeTakeFirst();
    if (current?.location_id) {
      throw conflict(`${ref} is managed by ${current.source ?? 'a location'}; change it there`, [{ pointer: '/metadata/name', detail: 'is managed by a location' }]);
    }
    await this.#store.transaction(trx => upsertEntity(trx, this.#store.dialect, { entity, locationId: null, source: null }, this.#clock.now().toISOString()));
    return (await this.entities.byRef(ref))!;
  }
}
