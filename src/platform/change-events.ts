/**
 * The events the platform appends to the event log (types declared in `module.ts`): what changed, never the
 * data, with the facts webhook filters match on — `kind`, `namespace`, `name` and `owner`. Pure: no I/O.
 */
import type { ResourceFacts } from '../auth/policy.js';
import type { NewEvent } from '../store/event-log.js';
import { capabilityRef } from './model/capability-ref.js';
import type { StoredRequest } from './model/types.js';

/** The request facts every request event carries. */
export type RequestFacts = Pick<StoredRequest, 'namespace' | 'name' | 'kind' | 'capability' | 'generation' | 'owner'>;

/**
 * A request's ref in the catalog and the permission model (`resource:<namespace>/<name>`), the subject of
 * its events and the entity of its audit entries.
 * @example requestRef('checkout-team', 'orders-db') // 'resource:checkout-team/orders-db'
 */
/**
 * A request's place in the permission model: the catalog Resource it appears as, owned by the team Pave
 * decided (none when its namespace has no owning team, which only admins get past). Pure: callers know the owner.
 * @example requestFacts('checkout-team', 'orders-db', 'group:default/checkout-team')
 */
export function requestFacts(namespace: string, name: string, owner: string | undefined): ResourceFacts {
  return { ref: requestRef(namespace, name), kind: 'resource', namespace: namespace.toLowerCase(), owners: owner ? [owner.toLowerCase()] : [] };
}

export function requestRef(namespace: string, name: string): string {
  return `resource:${namespace}/${name}`.toLowerCase();
}

/**
 * An event about a request: `kind` is the request's kind (its capability's), `owner` the owner Pave decided
 * (absent on a row stored before owners were kept).
 * @example requestEvent('platform.request.applied', stored, { outcome: 'created' }, 'user:default/jane')
 */
export function requestEvent(type: string, request: RequestFacts, payload: Record<string, unknown> = {}, actor?: string): NewEvent {
  return {
    type,
    subject: requestRef(request.namespace, request.name),
    ...(actor ? { actor } : {}),
    payload: {
      kind: request.kind,
      namespace: request.namespace,
      name: request.name,
      ...(request.owner ? { owner: request.owner } : {}),
      capability: request.capability,
      generation: request.generation,
      ...payload,
    },
  };
}

/**
 * An event about a capability, whose subject is its catalog entity.
 * @example capabilityEvent('platform.capability.deleted', 'postgresql', undefined, {}, 'user:default/ops')
 */
export function capabilityEvent(type: string, name: string, owner: string | undefined, payload: Record<string, unknown> = {}, actor?: string): NewEvent {
  return {
    type,
    subject: capabilityRef(name),
    ...(actor ? { actor } : {}),
    payload: { kind: 'capability', namespace: 'default', name, ...(owner ? { owner } : {}), ...payload },
  };
}

/**
 * An event about a destination (`destination:<name>`; destinations are not catalog entities).
 * @example destinationEvent('platform.destination.deleted', 'dev', {}, 'user:default/ops')
 */
export function destinationEvent(type: string, name: string, payload: Record<string, unknown> = {}, actor?: string): NewEvent {
  return { type, subject: `destination:${name}`, ...(actor ? { actor } : {}), payload: { kind: 'destination', name, ...payload } };
}
