import type { EventsReceivedPayload } from '../delivery/events-received.js';
import type { EventConsumer } from '../store/event-consumers.js';
import type { PaveEvent } from '../store/event-log.js';
import { DELIVERY_EVENTS } from './collectors/delivery-collector.js';
import type { ScorecardsService } from './scorecards-service.js';

/**
 * The event consumer `scorecards.delivery-facts`: new deliveries (`delivery.events.received`) or a mapping of
 * a key's events to an entity (`delivery.mapping.created`) refresh the delivery facts at once, instead of at
 * the collector's hourly schedule, and re-evaluate what changed. Only while a scorecard names a delivery fact,
 * and only for the entities such scorecards score that the events name: a mapping its entity, a received
 * batch the entities of its events (every scored entity when the batch named too many to list).
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
    const named = namedEntities(events);
    const refs = named === 'all' ? [...scored] : [...named].filter(ref => scored.has(ref));
    const received = events.some(event => event.type === 'delivery.events.received');
    await this.#scorecards.recollect(refs, received ? 'delivery.events.received' : 'delivery.mapping.created');
  }
}

/** The entity refs the events name, or 'all' when a received batch could not list them all (or is from before it did). */
function namedEntities(events: readonly PaveEvent[]): Set<string> | 'all' {
  const refs = new Set<string>();
  for (const event of events) {
    if (event.type === 'delivery.events.received') {
      const payload = event.payload as Partial<EventsReceivedPayload>;
      if (payload.entitiesTruncated !== false || !Array.isArray(payload.entities)) return 'all';
      for (const ref of payload.entities) refs.add(ref);
    } else if (event.subject) refs.add(event.subject.toLowerCase());
  }
  return refs;
}
