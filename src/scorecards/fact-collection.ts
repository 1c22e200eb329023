import type { Entity } from '../core/entity.js';
import type { EntityReader } from '../catalog/query/entity-reader.js';
import type { EventConsumer } from '../store/event-consumers.js';
import type { PaveEvent } from '../store/event-log.js';
import { isRequestResource } from './collectors/platform-collector.js';
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
    const dependents = new Set<string>();
    for (const [ref, event] of latest) {
      if (event.type === 'catalog.entity.deleted') continue;
      const entity = await this.#entities.byRef(ref);
      if (!entity) continue;
      if (entity.kind.toLowerCase() === 'scorecard') {
        await this.#scorecards.evaluateScorecard(scorecardOf(entity));
        continue;
      }
      await this.#refresh(entity, event.type);
      if (isRequestResource(entity)) for (const relation of entity.relations ?? []) if (relation.type === 'dependencyOf') dependents.add(relation.targetRef);
    }
    for (const ref of dependents) {
      if (latest.has(ref)) continue;
      const entity = await this.#entities.byRef(ref);
      if (entity) await this.#refresh(entity);
    }
  }

  async #refresh(entity: Entity, eventType?: string): Promise<void> {
    await this.#scorecards.collect(entity, eventType);
    await this.#scorecards.evaluateEntity(entity);
  }

  async #hasScorecards(): Promise<boolean> {
    return (await this.#entities.list({ filter: ['kind=scorecard'], fields: ['kind'], limit: 1 })).length > 0;
  }
}
