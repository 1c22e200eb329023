import type { EventConsumer } from '../store/event-consumers.js';
import type { PaveEvent } from '../store/event-log.js';
import { DELIVERY_EVENTS } from './collectors/delivery-collector.js';
import type { ScorecardsService } from './scorecards-service.js';

/**
 * The event consumer `scorecards.delivery-facts`: new deliveries (`delivery.events.received`) or a mapping of
 * a key's events to an entity (`delivery.mapping.created`) refresh the delivery facts at once, instead of at
 * the collector's hourly schedule, and re-evaluate what changed. Only while a scorecard names a delivery fact,
 * and only for the entities such scorecards score: a mapping names its entity; a received batch does not say
 * whose events it held, so each of those entities is asked again (one batch of events, one pass).
 */
export class DeliveryFactRefresh implements EventConsumer {
  readonly name = 'scorecards.delivery-facts';
  readonly types = DELIVERY_EVENTS;
  readonly #scorecards: ScorecardsService;

  constructor(scorecards: ScorecardsService) {
    this.#scorecards = scorecards;
  }

  async handle(events: readonly PaveEvent[]): Promise<void> {
    const cards = (await this.#scorecards.scorecards()).filter(card => card.rules.some(rule => rule.facts.some(fact => fact.startsWith('delivery.'))));
    if (!cards.length) return;
    const scored = new Set<string>();
    for (const card of cards) for (const result of await this.#scorecards.results.ofScorecard(card.ref)) scored.add(result.entity);
    const received = events.some(event => event.type === 'delivery.events.received');
    const refs = received ? [...scored] : [...new Set(events.map(event => event.subject?.toLowerCase()))].filter((ref): ref is string => ref !== undefined && scored.has(ref));
    await this.#scorecards.recollect(refs, received ? 'delivery.events.received' : 'delivery.mapping.created');
  }
}
