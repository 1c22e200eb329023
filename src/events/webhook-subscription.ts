import { stringifyEntityRef, tryParseEntityRef } from '../core/entity-ref.js';
import type { FieldError } from '../core/problem.js';
import type { PaveEvent } from '../store/event-log.js';
import { matchesTypes } from '../store/event-consumers.js';
import type { AddressPolicy } from './address-policy.js';
import { isKnownEventType } from './event-types.js';

/** Which events of the subscribed types a subscription wants: each list given must match (any of its values). */
export interface WebhookFilter {
  /** Entity kinds, e.g. `component` (the event's payload `kind`, else its subject ref's kind). */
  kinds?: string[];
  /** Owner refs, e.g. `group:default/checkout-team` (the event's payload `owner`). */
  owners?: string[];
  /** Namespaces (the event's payload `namespace`, else its subject ref's namespace). */
  namespaces?: string[];
}

/** A webhook subscription as the API shows it: never its secret. */
export interface WebhookSubscription {
  id: string;
  url: string;
  /** Event types, exact (`catalog.entity.updated`) or prefixes (`catalog.*`). */
  types: string[];
  filter?: WebhookFilter;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What a subscription is created from. */
export interface WebhookInput {
  url: string;
  types: string[];
  filter?: WebhookFilter;
  /** Signs deliveries; generated when absent. At least 16 characters. */
  secret?: string;
  /** Default true. */
  enabled?: boolean;
}

/** A change to a subscription: the fields given replace the stored ones (`filter: null` removes it). */
export interface WebhookChanges {
  url?: string;
  types?: string[];
  filter?: WebhookFilter | null;
  /** A new secret, or `rotateSecret: true` for a generated one; either is shown once. */
  secret?: string;
  rotateSecret?: boolean;
  enabled?: boolean;
}

export const MIN_SECRET_LENGTH = 16;
const MAX_SECRET_LENGTH = 256;
const MAX_URL_LENGTH = 2000;
const MAX_TYPES = 50;
const MAX_FILTER_VALUES = 50;

/**
 * Checks a subscription's fields, naming each mistake by JSON pointer; only the fields present are
 * checked (a create must give `url` and `types`). The host in the URL is checked as written (an address
 * literal or `localhost`); names are checked again, resolved, when a delivery connects.
 * @example validateWebhookFields({ url: 'ftp://x', types: ['nope.thing'] }, policy, ['catalog.entity.updated']) // errors at /url and /types/0
 */
export function validateWebhookFields(input: WebhookChanges, policy: AddressPolicy, eventTypes: readonly string[]): FieldError[] {
  const errors: FieldError[] = [];
  const add = (pointer: string, detail: string, rule: string) => errors.push({ pointer, detail, rule });
  if (input.url !== undefined) {
    const url = typeof input.url === 'string' && input.url.length <= MAX_URL_LENGTH ? parseUrl(input.url) : undefined;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') add('/url', 'must be an http:// or https:// URL of at most 2000 characters', 'format');
    else if (url.username || url.password) add('/url', 'must not hold a user name or password (the signature authenticates Pave)', 'format');
    else {
      const refused = policy.refusesHost(url.hostname);
      if (refused) add('/url', `targets a blocked address: ${refused}`, 'blocked-address');
    }
  }
  if (input.types !== undefined) {
    if (!Array.isArray(input.types) || input.types.length === 0 || input.types.length > MAX_TYPES) add('/types', `must be a list of 1 to ${MAX_TYPES} event types`, 'minItems');
    else
      input.types.forEach((type, i) => {
        if (typeof type !== 'string' || !isKnownEventType(type, eventTypes)) add(`/types/${i}`, `is not an event type Pave appends: name one such as 'catalog.entity.updated', or a prefix such as 'catalog.*'`, 'enum');
      });
  }
  if (input.filter !== undefined && input.filter !== null) {
    const filter = input.filter as Record<string, unknown>;
    if (typeof filter !== 'object' || Array.isArray(filter)) add('/filter', 'must be a mapping of kinds, owners and namespaces', 'type');
    else
      for (const [key, value] of Object.entries(filter)) {
        if (!['kinds', 'owners', 'namespaces'].includes(key)) add(`/filter/${key}`, 'is not a filter field (expected kinds, owners, namespaces)', 'additionalProperties');
        else if (!Array.isArray(value) || value.length === 0 || value.length > MAX_FILTER_VALUES || value.some(v => typeof v !== 'string' || v.trim() === '' || v.length > 253))
          add(`/filter/${key}`, `must be a list of 1 to ${MAX_FILTER_VALUES} names`, 'type');
        else if (key === 'owners') value.forEach((v, i) => tryParseEntityRef(v, { defaultKind: 'group' }) || add(`/filter/owners/${i}`, "must be an owner ref such as 'group:default/checkout-team'", 'pattern'));
      }
  }
  if (input.secret !== undefined && (typeof input.secret !== 'string' || input.secret.length < MIN_SECRET_LENGTH || input.secret.length > MAX_SECRET_LENGTH))
    add('/secret', `must be ${MIN_SECRET_LENGTH} to ${MAX_SECRET_LENGTH} characters (leave it out to have one generated)`, 'minLength');
  if (input.secret !== undefined && input.rotateSecret) add('/rotateSecret', 'cannot be asked for together with a secret', 'not');
  if (input.enabled !== undefined && typeof input.enabled !== 'boolean') add('/enabled', 'must be true or false', 'type');
  return errors;
}

/**
 * The filter as stored: kinds and namespaces lower-case, owners as canonical refs (a bare name is a group
 * in the default namespace); undefined when it asks for nothing.
 */
export function normalizeFilter(filter: WebhookFilter | null | undefined): WebhookFilter | undefined {
  if (!filter) return undefined;
  const lower = (values?: string[]) => (values?.length ? [...new Set(values.map(v => v.trim().toLowerCase()))] : undefined);
  const owners = filter.owners?.length ? [...new Set(filter.owners.map(o => stringifyEntityRef(tryParseEntityRef(o, { defaultKind: 'group' })!)))] : undefined;
  const normalized = { ...(lower(filter.kinds) ? { kinds: lower(filter.kinds) } : {}), ...(owners ? { owners } : {}), ...(lower(filter.namespaces) ? { namespaces: lower(filter.namespaces) } : {}) };
  return Object.keys(normalized).length ? normalized : undefined;
}

/**
 * Whether a subscription wants an event: one of its types matches, and the event's facts (payload `kind`,
 * `owner`, `namespace`, else its subject ref) satisfy every list of its filter. An event that lacks a fact
 * a filter asks for does not match.
 * @example subscriptionMatches({ types: ['catalog.*'], filter: { kinds: ['component'] } }, event)
 */
export function subscriptionMatches(subscription: Pick<WebhookSubscription, 'types' | 'filter'>, event: Pick<PaveEvent, 'type' | 'subject' | 'payload'>): boolean {
  if (!matchesTypes(event.type, subscription.types)) return false;
  const filter = subscription.filter;
  if (!filter) return true;
  const subject = tryParseEntityRef(event.subject);
  const fact = (key: string) => {
    const value = event.payload[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const kind = (fact('kind') ?? subject?.kind)?.toLowerCase();
  const namespace = (fact('namespace') ?? subject?.namespace)?.toLowerCase();
  const ownerRef = tryParseEntityRef(fact('owner'), { defaultKind: 'group' });
  const owner = ownerRef ? stringifyEntityRef(ownerRef) : undefined;
  if (filter.kinds && !(kind && filter.kinds.includes(kind))) return false;
  if (filter.namespaces && !(namespace && filter.namespaces.includes(namespace))) return false;
  if (filter.owners && !(owner && filter.owners.includes(owner))) return false;
  return true;
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
