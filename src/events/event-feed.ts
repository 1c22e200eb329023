import type { Identity } from '../auth/identity.js';
import type { PermissionService } from '../auth/permission-service.js';
import type { ResourceFacts } from '../auth/policy.js';
import { tryParseEntityRef } from '../core/entity-ref.js';
import type { ModuleEventType } from '../pave-module.js';
import { parseEventCursor, type EventLog, type PaveEvent } from '../store/event-log.js';
import { followEvents } from '../store/follow-events.js';
import type { Store } from '../store/store.js';

/** One page of the feed: what the caller may read, and where the next page starts. */
export interface EventPage {
  items: PaveEvent[];
  /** The seq to ask `after` next: past every event read, shown or not, so paging always moves on. */
  nextCursor: number;
}

/** Which of some entity refs (lower case) an identity may read in the catalog (`catalog.entity.read`'s read scope). */
export type ReadableEntities = (identity: Identity, refs: readonly string[]) => Promise<ReadonlySet<string>>;

/** Which events to read: a page after a seq, of some types (`catalog.*` prefixes too), about one subject. */
export interface FeedQuery {
  after?: string;
  types?: readonly string[];
  subject?: string;
  limit?: number;
}

/**
 * The event log as people and programs read it (`GET /api/events`, its SSE stream, later agents): only the
 * events the caller may read, by the rule each module declares for its event types (an action, decided on
 * the thing the event is about, owned by the payload's `owner`), and of the entities a payload names (`read.entities`)
 * only those the caller may read in the catalog. Decisions are made per page, with one answer per distinct resource
 * and one catalog read for the page's entities.
 * @example const page = await feed.page(identity, { after: '0', types: ['catalog.*'] });
 */
export class EventFeed {
  readonly #store: Store;
  readonly #log: EventLog;
  readonly #permissions: Pick<PermissionService, 'decide'>;
  readonly #types: ReadonlyMap<string, ModuleEventType>;
  readonly #readableEntities: ReadableEntities;

  constructor(store: Store, log: EventLog, permissions: Pick<PermissionService, 'decide'>, types: readonly ModuleEventType[], readableEntities: ReadableEntities) {
    this.#store = store;
    this.#log = log;
    this.#permissions = permissions;
    this.#types = new Map(types.map(type => [type.type, type]));
    this.#readableEntities = readableEntities;
  }

  /** One page of readable events; a cursor that is not a seq, or one from the future, is a 400 naming `/after`. */
  async page(identity: Identity, query: FeedQuery): Promise<EventPage> {
    const after = parseEventCursor(query.after, await this.#log.latest(), '/after');
    const events = await this.#log.read({ after, limit: query.limit ?? 100, ...(query.types?.length ? { types: query.types } : {}), ...(query.subject ? { subject: query.subject } : {}) });
    return { items: await this.readable(identity, events), nextCursor: events.length ? events[events.length - 1]!.seq : after };
  }

  /**
   * Where a live follower starts: after a cursor it names (a `Last-Event-ID`, an `after`), else after the
   * newest event. A bad cursor is a 400 naming `/after`.
   */
  async start(cursor: string | string[] | undefined): Promise<number> {
    const latest = await this.#log.latest();
    const given = Array.isArray(cursor) ? cursor[0] : cursor;
    return given === undefined || given === '' ? latest : parseEventCursor(given, latest, '/after');
  }

  /**
   * Follows the log live from `after` (see `followEvents`), in batches of the events the identity may read.
   * @example for await (const batch of feed.follow(identity, { after: await feed.start(undefined), signal })) …
   */
  async *follow(identity: Identity, options: Omit<FeedQuery, 'after' | 'limit'> & { after: number; signal: AbortSignal }): AsyncGenerator<PaveEvent[]> {
    for await (const batch of followEvents(this.#store, this.#log, options)) {
      const readable = await this.readable(identity, batch);
      if (readable.length) yield readable;
    }
  }

  /** The events of a batch the identity may read, in order. */
  async readable(identity: Identity, events: readonly PaveEvent[]): Promise<PaveEvent[]> {
    const decided = new Map<string, Promise<boolean>>();
    const out: PaveEvent[] = [];
    for (const event of events) {
      const declared = this.#types.get(event.type);
      // An event type no module declares (one from an older version) is shown to nobody but those who may read everything.
      const read = declared?.read ?? { action: 'audit.log.query' };
      const resource = read.on === 'owner' ? resourceOf(event) : undefined;
      const key = `${read.action}\u0000${resource ? `${resource.ref}\u0000${resource.owners.join(',')}` : ''}`;
      let allowed = decided.get(key);
      if (!allowed) decided.set(key, (allowed = this.#permissions.decide(identity, read.action, resource).then(d => d.allowed)));
      if (await allowed) out.push(event);
    }
    return this.#withReadableEntities(identity, out);
  }

  /**
   * The events with the entities their payload names (`read.entities`) cut to those the identity may read; an
   * event naming one it may not read, or naming a list none of which it may read, is hidden.
   */
  async #withReadableEntities(identity: Identity, events: readonly PaveEvent[]): Promise<PaveEvent[]> {
    const fieldOf = (event: PaveEvent) => this.#types.get(event.type)?.read.entities;
    const lower = (ref: unknown) => (typeof ref === 'string' ? ref.toLocaleLowerCase('en-US') : undefined);
    const named = events.filter(event => fieldOf(event) !== undefined);
    if (!named.length) return [...events];
    const refs = new Set(named.flatMap(event => [event.payload[fieldOf(event)!]].flat().flatMap(ref => lower(ref) ?? [])));
    const readable = refs.size ? await this.#readableEntities(identity, [...refs]) : new Set<string>();
    const mayRead = (ref: unknown) => readable.has(lower(ref) ?? '');
    return events.flatMap(event => {
      const field = fieldOf(event);
      if (field === undefined) return [event];
      const value = event.payload[field];
      if (!Array.isArray(value)) return mayRead(value) ? [event] : [];
      const visible = value.filter(mayRead);
      // About hidden entities only: even its counts and time would say what happened to them.
      if (value.length && !visible.length) return [];
      return [{ ...event, payload: { ...event.payload, [field]: visible } }];
    });
  }
}

/** The thing an event is about, as the policy sees it: its subject, owned by the payload's `owner`. */
function resourceOf(event: PaveEvent): ResourceFacts {
  const subject = event.subject ?? '';
  const ref = tryParseEntityRef(subject);
  const lower = (text: string) => text.toLocaleLowerCase('en-US');
  return { ref: lower(subject), kind: lower(ref?.kind ?? ''), namespace: lower(ref?.namespace ?? 'default'), owners: ownerOf(event.payload.owner, ref?.namespace) };
}

/**
 * The owner a payload names, as the policy compares owners: a principal or full ref as it is (`user:default/jane`,
 * `service:ci`), a bare name as a Group in the subject's namespace (`checkout-team`, as `spec.owner` says it).
 */
function ownerOf(owner: unknown, namespace = 'default'): string[] {
  if (typeof owner !== 'string' || !owner) return [];
  if (owner.includes(':')) return [owner.toLocaleLowerCase('en-US')];
  const ref = tryParseEntityRef(owner, { defaultKind: 'group', defaultNamespace: namespace });
  return ref ? [`${ref.kind}:${ref.namespace ?? namespace}/${ref.name}`.toLocaleLowerCase('en-US')] : [];
}
