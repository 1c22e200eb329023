import type { Entity } from '../core/entity.js';
import type { EntityReader } from '../catalog/query/entity-reader.js';
import type { RepositoryService } from '../repositories/repository-service.js';
import type { DoraQuery, DoraReport } from '../delivery/delivery-service.js';
import type { RemoteCheckouts } from './repository/remote-checkouts.js';

/** One fact of one entity, as stored and answered. */
export interface Fact {
  entity: string;
  /** The collector that yields it. */
  source: string;
  name: string;
  value: FactValue;
  observedAt: string;
}

export type FactValue = boolean | number | string | null;

/** The delivery module's public figures, as the delivery collector reads them. */
export interface DeliveryFigures {
  dora(query: DoraQuery): Promise<DoraReport>;
}

/**
 * What a collector reads with: other modules' public services, never their tables — the catalog's reader,
 * the hosted repositories, the collection pass's clones of remote repositories (made under the reading
 * policy) and delivery's figures (each optional where a Pave may run without it).
 */
export interface CollectorContext {
  entities: EntityReader;
  repositories: RepositoryService;
  checkouts?: RemoteCheckouts;
  delivery?: DeliveryFigures;
}

/** When a collector runs. */
export interface CollectorTriggers {
  /** Event types (exact, or ending in `.*`) that make it collect for the event's entity at once. */
  events?: readonly string[];
  /**
   * Collect as a deferred job per entity instead (debounced: many events for one entity make one run), and
   * again every this many seconds.
   */
  everySeconds?: number;
}

/**
 * A fact collector: one file per collector under `collectors/`, the same shape as actions and step kinds.
 * `schema` is the JSON Schema of the facts it yields (an object whose properties are the fact names): a
 * scorecard rule may name only facts declared here, and what `collect` yields is checked against it.
 * `collect` answers the entity's facts, or undefined when they cannot be known for it (then every fact
 * of this source is unknown, never false).
 */
export interface FactCollector {
  readonly id: string;
  readonly description: string;
  readonly schema: { type: 'object'; properties: Record<string, { type: string | string[]; description: string }> };
  readonly triggers: CollectorTriggers;
  /** The kinds it collects for (lower case). */
  readonly kinds: readonly string[];
  collect(entity: Entity, context: CollectorContext): Promise<Record<string, FactValue> | undefined>;
}

/**
 * Declares a collector.
 * @example export const provenanceCollector = defineCollector({ id: 'provenance', … });
 */
export function defineCollector(collector: FactCollector): FactCollector {
  return Object.freeze(collector);
}
