/**
 * Who may bind a capability (`spec.offer`): offered to every team or to listed Groups, bound self-service or
 * on approval by the capability's owner. A capability without an offer is open: every team requests it
 * without a binding, as before bindings existed. Pure: no I/O.
 */
import { isObject } from '../../core/is-object.js';
import type { FieldError } from '../../core/problem.js';
import { groupRefOf } from '../namespace-owners.js';

export interface CapabilityOffer {
  /** `all` teams, or the Group refs of the teams it is offered to. */
  to: 'all' | string[];
  /** `self-service`: a team's binding is bound at once; `approval`: it waits for the capability's owner. */
  binding: 'self-service' | 'approval';
}

/** Checks `spec.offer`, naming every mistake under `at`. */
export function validateOffer(raw: unknown, at: string): FieldError[] {
  if (!isObject(raw)) return [{ pointer: at, detail: 'must be a mapping with to (all, or a list of groups) and binding (self-service or approval)', rule: 'type' }];
  const errors: FieldError[] = [];
  for (const key of Object.keys(raw)) if (key !== 'to' && key !== 'binding') errors.push({ pointer: `${at}/${key}`, detail: 'is not a known field here (expected to, binding)', rule: 'additionalProperties' });
  if (raw.to !== 'all') {
    if (!Array.isArray(raw.to) || raw.to.length === 0) errors.push({ pointer: `${at}/to`, detail: 'must be all, or a non-empty list of groups such as group:default/checkout-team', rule: 'type' });
    else raw.to.forEach((group, i) => groupRefOf(group) || errors.push({ pointer: `${at}/to/${i}`, detail: 'must name a Group, e.g. checkout-team or group:default/checkout-team', rule: 'entity-ref' }));
  }
  if (raw.binding !== 'self-service' && raw.binding !== 'approval') errors.push({ pointer: `${at}/binding`, detail: 'must be self-service or approval', rule: 'enum' });
  return errors;
}

/** The offer with its groups as canonical Group refs (call on a validated offer). */
export function normalizeOffer(offer: CapabilityOffer): CapabilityOffer {
  return { ...offer, to: offer.to === 'all' ? 'all' : offer.to.map(group => groupRefOf(group)!) };
}

/** Whether a team (a Group ref) may bind a capability with this offer; an open capability (no offer) is offered to all. */
export function isOfferedTo(offer: CapabilityOffer | undefined, team: string): boolean {
  return !offer || offer.to === 'all' || offer.to.includes(team);
}

/** Who an offer reaches, in words: `all teams` or `group:default/a, group:default/b`. */
export function describeOfferees(offer: CapabilityOffer | undefined): string {
  return !offer || offer.to === 'all' ? 'all teams' : offer.to.join(', ');
}
