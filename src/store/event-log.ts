import { sql } from 'kysely';
import { newId } from '../core/ids.js';
import { systemClock, type Clock } from '../core/clock.js';
import { badRequest } from '../core/problem.js';
import { loopYielder } from '../core/event-loop-yield.js';
import type { Db, Store } from './store.js';

/** The event-bus topic that wakes consumers when events were committed ({ seq }). */
export const EVENTS_TOPIC = 'events.appended';

/** One change, as every consumer of the log sees it. */
export interface PaveEvent<P extends object = Record<string, unknown>> {
  /** Monotonic per database, in commit order: a consumer that has read up to `seq` has seen every earlier event. */
  seq: number;
  /** Unique and stable: consumers de-duplicate on it (delivery is at least once). */
  id: string;
  /** `<module>.<object>.<verb>`, e.g. `catalog.entity.updated`. */
  type: string;
  /** What changed, usually an entity ref. */
  subject?: string;
  /** Who changed it (a principal), when a person or program did. */
  actor?: string;
  payload: P;
  /** UTC ISO-8601. */
  at: string;
}

/** What a change appends. */
export interface NewEvent {
  type: string;
  subject?: string;
  actor?: string;
  /** Small (what changed, not the data) and never secret. */
  payload?: object;
}

/** Which events to read. */
export interface EventQuery {
  /** Only events after this sequence number (default: from the start). */
  after?: number;
  /** Only these types; a type ending in `.*` matches a prefix (`catalog.*`). Types are lower-case words joined by dots and dashes (no LIKE wildcards). */
  types?: readonly string[];
  subject?: string;
  /** At most this many (default 100, at most 1000). */
  limit?: number;
}

/** A payload larger than this is a mistake: events say what changed, readers fetch the data. */
const MAX_PAYLOAD_BYTES = 16 * 1024;
/** Rows per insert statement (seven bound parameters each). */
const INSERT_CHUNK = 500;

/**
 * The transactional event log. A service appends its events with the same transaction handle as the change
 * they record, so both commit or neither does; consumers read them in order by sequence number. Numbers come
 * from one counter row whose lock is held until commit, so on PostgreSQL a later number never commits before
 * an earlier one (a reader that saw 41 and 43 will never see 42 appear). The store's event bus only wakes
 * readers up after commit; they always read the table.
 * @example
 *   await store.transaction(async trx => {
 *     await writeEntity(trx, entity);
 *     await events.append(trx, { type: 'catalog.entity.updated', subject: 'component:default/cart', actor: 'user:default/jane', payload: { etag } });
 *   });
 */
export class EventLog {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #yieldEveryMs: number | undefined;
  readonly #listeners = new Set<{ types: ReadonlySet<string>; listener: (events: readonly PaveEvent[]) => void }>();

  constructor(store: Store, options: { clock?: Clock; /** Work between two yields to the event loop in a large append (`event-loop-yield.ts`). */ yieldEveryMs?: number } = {}) {
    this.#store = store;
    this.#clock = options.clock ?? systemClock;
    this.#yieldEveryMs = options.yieldEveryMs;
  }

  /**
   * Appends events in `db`'s transaction (or in one of its own when `db` is not a transaction) and wakes the
   * consumers once it commits. A large append (a 100k-entity first load's events) lets the event loop in between
   * its statements, inside the transaction, as the catalog's writer does.
   */
  async append(db: Db, events: NewEvent | readonly NewEvent[]): Promise<void> {
    const list = toList(events);
    await this.#append(db, list.length, list, false);
  }

  /** `append`, answering the events as stored (their seq, id and time): for the caller that keeps one. */
  async appendReturning(db: Db, events: NewEvent | readonly NewEvent[]): Promise<PaveEvent[]> {
    const list = toList(events);
    return this.#append(db, list.length, list, true);
  }

  /**
   * `append` for a change of thousands of events: `count` of them, taken from `events` in order as they are inserted,
   * so neither they nor their rows are ever all held (a first load's 100k events). Giving more or fewer than `count`
   * throws, in the transaction.
   * @example
   *   function* created(refs: readonly string[]) { for (const subject of refs) yield { type: 'catalog.entity.created', subject }; }
   *   await eventLog.appendEach(trx, refs.length, created(refs));
   */
  async appendEach(db: Db, count: number, events: Iterable<NewEvent>): Promise<void> {
    await this.#append(db, count, events, false);
  }

  async #append(db: Db, count: number, events: Iterable<NewEvent>, returning: boolean): Promise<PaveEvent[]> {
    if (!count) return [];
    if (!db.isTransaction) return this.#store.transaction(trx => this.#append(trx, count, events, returning));
    const pause = loopYielder(this.#yieldEveryMs);
    // The counter is taken once for the whole change: its lock is held to the commit (see the class's comment).
    const counter = await db
      .updateTable('event_sequence')
      .set({ last: sql<number>`last + ${count}` })
      .where('name', '=', 'events')
      .returning('last')
      .executeTakeFirstOrThrow();
    const first = Number(counter.last) - count + 1;
    const listened = this.#listenedTypes();
    // Only what a caller or a listener reads is parsed back: the after-commit closure holds these to the commit.
    const kept: PaveEvent[] = [];
    let rows: EventRow[] = [];
    let given = 0;
    const insert = async () => {
      await db.insertInto('events').values(rows).execute();
      for (const row of rows) if (returning || listened.has(row.type)) kept.push(toEvent(row));
      rows = [];
    };
    for (const event of events) {
      if (given === count) throw new RangeError(`More than the ${count} events announced were given`);
      rows.push(this.#row(event, first + given++));
      // Made and inserted a chunk at a time, letting the event loop in between: 15.7k events in one go held it for
      // tens of ms (bench/README, session 16); a pause awaited per event cost more than making it.
      if (rows.length === INSERT_CHUNK) {
        await insert();
        await pause();
      }
    }
    if (rows.length) await insert();
    if (given !== count) throw new RangeError(`${given} events were given of the ${count} announced`);
    const last = first + count - 1;
    this.#store.afterCommit(db, () => {
      this.#store.events.publish(EVENTS_TOPIC, { seq: last });
      for (const { types, listener } of this.#listeners) {
        const theirs = kept.filter(event => types.has(event.type));
        if (theirs.length) listener(theirs);
      }
    });
    return returning ? kept : [];
  }

  #row(event: NewEvent, seq: number): EventRow {
    const payload = JSON.stringify(event.payload ?? {});
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) throw new RangeError(`The payload of a ${event.type} event is over ${MAX_PAYLOAD_BYTES} bytes; events say what changed, not the data`);
    return { seq, id: newId(), type: event.type, subject: event.subject ?? null, actor: event.actor ?? null, payload, created_at: this.#clock.now().toISOString() };
  }

  /** Every type some listener takes. */
  #listenedTypes(): ReadonlySet<string> {
    const types = new Set<string>();
    for (const listener of this.#listeners) for (const type of listener.types) types.add(type);
    return types;
  }

  /**
   * Calls `listener` with the events of `types` (exact types) this process appended, once they have committed
   * (metrics count the work done here; other replicas' events are theirs to count). Only events appended after it
   * subscribed reach it; an append with none of its types does not call it. Returns the unsubscribe function.
   * @example const stop = eventLog.onAppended(['templates.task.failed'], events => count(events));
   */
  onAppended(types: readonly string[], listener: (events: readonly PaveEvent[]) => void): () => void {
    const entry = { types: new Set(types), listener };
    this.#listeners.add(entry);
    return () => this.#listeners.delete(entry);
  }

  /** Events in sequence order, filtered. */
  async read(query: EventQuery = {}): Promise<PaveEvent[]> {
    const limit = Math.min(Math.max(query.limit ?? 100, 1), 1000);
    let select = this.#store.db.selectFrom('events').selectAll().where('seq', '>', query.after ?? 0);
    if (query.types?.length) {
      const exact = query.types.filter(t => !t.endsWith('.*'));
      const prefixes = query.types.filter(t => t.endsWith('.*')).map(t => t.slice(0, -1));
      select = select.where(eb => eb.or([...(exact.length ? [eb('type', 'in', exact)] : []), ...prefixes.map(p => eb('type', 'like', `${p}%`))]));
    }
    if (query.subject) select = select.where('subject', '=', query.subject);
    const rows = await select.orderBy('seq').limit(limit).execute();
    return rows.map(toEvent);
  }

  /** The newest sequence number (0 when the log is empty). */
  async latest(): Promise<number> {
    const row = await this.#store.db.selectFrom('event_sequence').select('last').where('name', '=', 'events').executeTakeFirst();
    return Number(row?.last ?? 0);
  }

  /**
   * Removes events older than `before` (retention), but none after `upTo` (what every durable consumer has
   * read: an event not yet delivered is kept however old). Returns how many went.
   */
  async prune(before: Date, upTo: number): Promise<number> {
    const result = await this.#store.db.deleteFrom('events').where('created_at', '<', before.toISOString()).where('seq', '<=', upTo).executeTakeFirst();
    return Number(result.numDeletedRows ?? 0);
  }
}

/**
 * Reads an `after` cursor given by a caller: a whole number from 0 up to the newest event. Garbage, or a
 * number from the future (a cursor of another database), is a 400 naming the field.
 * @example parseEventCursor('41', 100, '/after') // 41
 */
export function parseEventCursor(value: string | undefined, latest: number, pointer: string): number {
  if (value === undefined || value === '') return 0;
  const seq = /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(seq)) throw badRequest(`"${value.slice(0, 40)}" is not an event cursor`, [{ pointer, detail: 'must be the seq of an event (a whole number)', rule: 'format' }]);
  if (seq > latest) throw badRequest(`Event ${seq} does not exist yet (the newest is ${latest})`, [{ pointer, detail: `must be at most ${latest}, the newest event`, rule: 'maximum' }]);
  return seq;
}

/** An event's row in the `events` table. */
interface EventRow {
  seq: number;
  id: string;
  type: string;
  subject: string | null;
  actor: string | null;
  payload: string;
  created_at: string;
}

function toList(events: NewEvent | readonly NewEvent[]): readonly NewEvent[] {
  return Array.isArray(events) ? (events as readonly NewEvent[]) : [events as NewEvent];
}

function toEvent(row: Omit<EventRow, 'seq'> & { seq: number | string }): PaveEvent {
  return {
    seq: Number(row.seq),
    id: row.id,
    type: row.type,
    ...(row.subject !== null ? { subject: row.subject } : {}),
    ...(row.actor !== null ? { actor: row.actor } : {}),
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    at: row.created_at,
  };
}
