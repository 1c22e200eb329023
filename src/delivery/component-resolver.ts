import type { Entity } from '../core/entity.js';
import { entityRefOf } from '../core/entity-ref.js';
import { ENTITY_TARGET } from './delivery-event.js';
import type { DeliveryEventStore } from './event-store.js';

/** The part of the catalog the resolver reads. */
export interface CatalogLookup {
  list(request: { filter?: string[]; limit?: number }): Promise<Entity[]>;
  byRefs(refs: string[]): Promise<Array<Entity | null>>;
}

/** Values asked for in one catalog query. */
const CHUNK = 200;

/**
 * Works out which catalog entity each (key, value) target is about: a hand-made mapping first, else the
 * entity an `entity` target names (when it exists), else the component — failing that, any entity —
 * whose annotation `key` holds the value (case-insensitively). Undefined when none does: such events are
 * kept as unmapped. A batch's targets are looked up together: one query per key and chunk of values, not one per event.
 * @example const entities = await new ComponentResolver(catalog, events).resolveAll([['github.com/project-slug', 'acme/cart']]);
 */
export class ComponentResolver {
  constructor(
    private readonly catalog: CatalogLookup,
    private readonly events: DeliveryEventStore,
  ) {}

  /** The entity of each target, keyed by `targetId(key, value)`. */
  async resolveAll(targets: ReadonlyArray<readonly [string, string]>): Promise<Map<string, string | undefined>> {
    const found = new Map<string, string | undefined>();
    const byKey = new Map<string, Set<string>>();
    for (const [key, value] of targets) (byKey.get(key) ?? byKey.set(key, new Set()).get(key)!).add(value);
    for (const [key, valueSet] of byKey) {
      const values = [...valueSet];
      const mapped = await this.events.mappingsOf(key, values);
      const rest = values.filter(v => !mapped.has(v));
      for (const [value, ref] of mapped) found.set(targetId(key, value), ref);
      if (key === ENTITY_TARGET) {
        for (let i = 0; i < rest.length; i += CHUNK) {
          const chunk = rest.slice(i, i + CHUNK);
          const entities = await this.catalog.byRefs(chunk);
          chunk.forEach((ref, j) => found.set(targetId(key, ref), entities[j] ? ref : undefined));
        }
        continue;
      }
      // A filter statement cannot hold a comma; such a value is left for a hand-made mapping.
      const askable = rest.filter(v => !v.includes(','));
      for (const [value, ref] of await this.#annotated(key, askable, 'kind=component,')) found.set(targetId(key, value), ref);
      const left = askable.filter(v => !found.has(targetId(key, v)));
      for (const [value, ref] of await this.#annotated(key, left, '')) found.set(targetId(key, value), ref);
    }
    return found;
  }

  /** The first entity (by ref) carrying each value of annotation `key`, among those the prefix filters. */
  async #annotated(key: string, values: string[], prefix: string): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (let i = 0; i < values.length; i += CHUNK) {
      const chunk = values.slice(i, i + CHUNK);
      const entities = await this.catalog.list({ filter: [prefix + chunk.map(v => `metadata.annotations.${key}=${v}`).join(',')] });
      for (const entity of entities) {
        const annotations = Object.entries(entity.metadata.annotations ?? {});
        const value = annotations.find(([k]) => k.toLowerCase() === key)?.[1]?.toLowerCase();
        if (value !== undefined && !found.has(value)) found.set(value, entityRefOf(entity));
      }
    }
    return found;
  }
}

/** How a target is told apart from others. */
export function targetId(key: string, value: string): string {
  return `${key}\u0000${value}`;
}
