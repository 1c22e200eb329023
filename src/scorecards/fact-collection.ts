import type { Entity } from '../core/entity.js';
import type { EntityReader } from '../catalog/query/entity-reader.js';
import type { EventConsumer } from '../store/event-consumers.js';
import type { PaveEvent } from '../store/event-log.js';
import { isCapability, isRequestResource } from './collectors/platform-collector.js';
import { entityRefOf } from '../core/entity-ref.js';
import { ANNOTATION_SOURCE_TEMPLATE } from '../catalog/location-provenance.js';
import { scorecardOf } from './scorecard.js';
import type { ScorecardsService } from './scorecards-service.js';

/**
 * The event consumer `scorecards.facts`: each changed entity has its event-driven facts collected again and
 * every scorecard that selects it evaluated again, within seconds of the change; a changed Scorecard is
 * evaluated over every entity it selects. Several events of one entity in a batch make one collection; the
 * expensive (repository) facts are only asked for as a deferred job per entity, never collected here. While
 * the catalog holds no Scorecard nothing is collected (a first scorecard collects what it needs), so the
 * consumer costs one query per batch on a Pave without scorecards.
 */
export class FactCollection implements EventConsumer {
  readonly name = 'scorecards.facts';
  readonly types = ['catalog.entity.created', 'catalog.entity.updated', 'catalog.entity.deleted'];
  // Entities written before the consumer first ran (a first start, an upgrade) are scored too.
  readonly startAt = 'oldest';
  readonly #scorecards: ScorecardsService;
  readonly #entities: EntityReader;

  constructor(scorecards: ScorecardsService, entities: EntityReader) {
    this.#scorecards = scorecards;
    this.#entities = entities;
  }

  async handle(events: readonly PaveEvent[]): Promise<void> {
    const latest = new Map<string, PaveEvent>();
    for (const event of events) if (event.subject) latest.set(event.subject.toLowerCase(), event);
    const deleted = [...latest].filter(([, event]) => event.type === 'catalog.entity.deleted');
    for (const [ref] of deleted) {
      await this.#scorecards.forget(ref);
      if (ref.startsWith('scorecard:')) await this.#scorecards.results.remove({ scorecard: ref });
    }
    if (deleted.length === latest.size || !(await this.#hasScorecards())) return;
    const changed: Array<{ entity: Entity; eventType?: string }> = [];
    const scorecards: Entity[] = [];
    for (const [ref, event] of latest) {
      if (event.type === 'catalog.entity.deleted') continue;
      const entity = await this.#entities.byRef(ref);
      if (!entity) continue;
      if (entity.kind.toLowerCase() === 'scorecard') scorecards.push(entity);
      else changed.push({ entity, eventType: event.type });
    }
    // A capability published a version: its requests' Resources (and so, below, what depends on them) have
    // new platform facts. A request's Resource changed: the entities that depend on it have.
    await this.#addDependents(changed, latest, isCapability);
    await this.#addMadeFrom(changed, latest);
    await this.#addDependents(changed, latest, isRequestResource);
    await this.#scorecards.collect(changed);
    // A changed scorecard is evaluated over everything it selects; the others over the changed entities.
    const changedCards = new Set(scorecards.map(entity => scorecardOf(entity).ref));
    for (const entity of scorecards) await this.#scorecards.evaluateScorecard(scorecardOf(entity));
    const others = (await this.#scorecards.scorecards()).filter(card => !changedCards.has(card.ref));
    if (others.length) await this.#scorecards.evaluate(changed.map(item => item.entity), others);
  }

  /** Adds to `changed` what depends on its entities that `which` picks (their `dependencyOf` relations), once each. */
  async #addDependents(changed: Array<{ entity: Entity; eventType?: string }>, latest: ReadonlyMap<string, PaveEvent>, which: (entity: Entity) => boolean): Promise<void> {
    const have = new Set([...latest.keys(), ...changed.map(item => entityRefOf(item.entity))]);
    const dependents = new Set<string>();
    for (const { entity } of changed) if (which(entity)) for (const relation of entity.relations ?? []) if (relation.type === 'dependencyOf' && !have.has(relation.targetRef)) dependents.add(relation.targetRef);
    for (const ref of dependents) {
      const entity = await this.#entities.byRef(ref);
      if (entity) changed.push({ entity });
    }
  }

  /** A template changed (perhaps its version): what was made from it has new provenance facts. */
  async #addMadeFrom(changed: Array<{ entity: Entity; eventType?: string }>, latest: ReadonlyMap<string, PaveEvent>): Promise<void> {
    const have = new Set([...latest.keys(), ...changed.map(item => entityRefOf(item.entity))]);
    for (const { entity } of changed.filter(item => item.entity.kind.toLowerCase() === 'template')) {
      for await (const page of this.#entities.listPages({ filter: [`metadata.annotations.${ANNOTATION_SOURCE_TEMPLATE}=${entityRefOf(entity)}`] })) {
        for (const made of page) if (!have.has(entityRefOf(made))) changed.push({ entity: made });
      }
    }
  }

  async #hasScorecards(): Promise<boolean> {
    return (await this.#entities.list({ filter: ['kind=scorecard'], fields: ['kind'], limit: 1 })).length > 0;
  }
}
