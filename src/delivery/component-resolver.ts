import type { Entity } from '../core/entity.js';
import { entityRefOf } from '../core/entity-ref.js';
import type { Db } from '../store/store.js';
import { ENTITY_TARGET } from './delivery-event.js';
import type { DeliveryEventStore } from './event-store.js';

/** The part of the catalog the resolver reads. */
export interface CatalogLookup {
  byRef(ref: string): Promise<Entity | undefined>;
  list(request: { filter?: string[]; limit?: number }): Promise<Entity[]>;
}

/** Annotations an event's target may name (besides an entity ref): what providers identify a component by. */
export const MAPPING_ANNOTATIONS = ['github.com/project-slug', 'gitlab.com/project-slug', 'argocd/app-name', 'backstage.io/kubernetes-id', 'pagerduty.com/service-id', 'backstage.io/source-location'] as const;

/**
 * Works out which catalog entity an event is about: a hand-made mapping first, else the entity the
 * target names (when it exists), else the component (or, failing that, any entity) carrying the
 * annotation with that value. Answers undefined when none does: the event is kept as unmapped.
 * One resolver per batch: each key is looked up once.
 */
export class ComponentResolver {
  readonly #cache = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly catalog: CatalogLookup,
    private readonly events: DeliveryEventStore,
    private readonly db?: Db,
  ) {}

  resolve(key: string, value: string): Promise<string | undefined> {
    const id = `${key}\u0000${value}`;
    let found = this.#cache.get(id);
    if (!found) this.#cache.set(id, (found = this.#lookup(key, value)));
    return found;
  }

  async #lookup(key: string, value: string): Promise<string | undefined> {
    const mapped = await this.events.mappingOf(key, value, this.db);
    if (mapped) return mapped;
    if (key === ENTITY_TARGET) return (await this.catalog.byRef(value)) ? value : undefined;
    // A filter statement cannot hold a comma; such a value is left for a hand-made mapping.
    if (value.includes(',')) return undefined;
    const filter = `metadata.annotations.${key}=${value}`;
    const [component] = await this.catalog.list({ filter: [`kind=component,${filter}`], limit: 1 });
    if (component) return entityRefOf(component);
    const [other] = await this.catalog.list({ filter: [filter], limit: 1 });
    return other ? entityRefOf(other) : undefined;
  }
}
