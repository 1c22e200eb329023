import type { DeliveryEvent } from './delivery-event.js';

/** The refs named at most, in bytes: the event log refuses payloads over 16 KiB. */
const MAX_ENTITY_BYTES = 8 * 1024;

/** The payload of `delivery.events.received`: the source, the counts, and whose events were stored. */
export interface EventsReceivedPayload {
  source: string;
  stored: number;
  deployments: number;
  changes: number;
  incidents: number;
  unmapped: number;
  /** The entity refs (lower case) of the stored events, so a consumer redoes only those; cut short when too many. */
  entities: string[];
  /** True when `entities` was cut short: a consumer must then treat every entity as named. */
  entitiesTruncated: boolean;
}

/** The payload for `inserted` events of `source`, each attributed to `entityOf` it. */
export function eventsReceivedPayload(source: string, inserted: readonly DeliveryEvent[], entityOf: (event: DeliveryEvent) => string | undefined): EventsReceivedPayload {
  const count = (type: string) => inserted.filter(e => e.type === type).length;
  const refs = new Set<string>();
  for (const event of inserted) {
    const ref = entityOf(event);
    if (ref) refs.add(ref.toLowerCase());
  }
  const entities: string[] = [];
  let bytes = 0;
  for (const ref of refs) {
    bytes += Buffer.byteLength(ref) + 3;
    if (bytes > MAX_ENTITY_BYTES) break;
    entities.push(ref);
  }
  return { source, stored: inserted.length, deployments: count('deployment'), changes: count('change'), incidents: count('incident'), unmapped: inserted.filter(e => !entityOf(e)).length, entities, entitiesTruncated: entities.length < refs.size };
}
