import { newId } from '../core/ids.js';
import { badRequest } from '../core/problem.js';
import type { PaveEvent } from '../store/event-log.js';
import type { Db, Store } from '../store/store.js';
import type { EventWebhookAttemptsTable, EventWebhookDeliveriesTable } from './events-tables.js';
import type { SendOutcome } from './webhook-sender.js';

/**
 * pending: waiting for its (next) attempt; delivered: a 2xx came; dead: gave up after the last attempt
 * (redeliverable); failed: a test ping that did not succeed (never retried).
 */
export type DeliveryState = 'pending' | 'delivered' | 'dead' | 'failed';

/** One attempt to send a delivery. */
export interface WebhookAttempt {
  attempt: number;
  at: string;
  /** The receiver's status; absent when no answer came. */
  statusCode?: number;
  durationMs: number;
  error?: string;
}

/** One event sent (or to be sent) to one subscription, with its attempts oldest first. */
export interface WebhookDelivery {
  id: string;
  webhookId: string;
  eventId: string;
  /** The event's seq (0 for a test ping). */
  eventSeq: number;
  eventType: string;
  state: DeliveryState;
  attempts: number;
  /** When the next attempt is due (pending deliveries). */
  nextAttemptAt?: string;
  lastStatus?: number;
  lastError?: string;
  createdAt: string;
  updatedAt: string;
  log: WebhookAttempt[];
}

/** A delivery with what is sent: the exact body. */
export interface DueDelivery {
  id: string;
  eventId: string;
  eventType: string;
  body: string;
  attempts: number;
  nextAttemptAt: string;
}

export interface DeliveryQuery {
  state?: DeliveryState;
  /** Default 50, at most 500. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

/** The JSON body a delivery sends: the event, with subject and actor null when absent. */
export function deliveryBody(event: PaveEvent): string {
  return JSON.stringify({ id: event.id, seq: event.seq, type: event.type, subject: event.subject ?? null, actor: event.actor ?? null, payload: event.payload, at: event.at });
}

/**
 * Deliveries and their attempts (`event_webhook_deliveries`, `event_webhook_attempts`). A delivery is
 * unique per (subscription, event id): fanning an event out again changes nothing.
 * @example await deliveries.add(trx, [{ webhookId, event }], now);
 */
export class DeliveryStore {
  constructor(private readonly store: Store) {}

  /** Adds a pending delivery per (subscription, event), skipping those that exist. */
  async add(db: Db, items: ReadonlyArray<{ webhookId: string; event: PaveEvent }>, now: string): Promise<void> {
    const rows: EventWebhookDeliveriesTable[] = items.map(({ webhookId, event }) => ({
      id: newId(),
      webhook_id: webhookId,
      event_id: event.id,
      event_seq: event.seq,
      event_type: event.type,
      body: deliveryBody(event),
      state: 'pending',
      attempts: 0,
      next_attempt_at: now,
      last_status: null,
      last_error: null,
      created_at: now,
      updated_at: now,
    }));
    for (let i = 0; i < rows.length; i += 200) {
      await db
        .insertInto('event_webhook_deliveries')
        .values(rows.slice(i, i + 200))
        .onConflict(oc => oc.columns(['webhook_id', 'event_id']).doNothing())
        .execute();
    }
  }

  /** The subscription's oldest pending delivery (by event seq): the only one that may be sent now. */
  async head(webhookId: string): Promise<DueDelivery | undefined> {
    const row = await this.store.db
      .selectFrom('event_webhook_deliveries')
      .select(['id', 'event_id', 'event_type', 'body', 'attempts', 'next_attempt_at'])
      .where('webhook_id', '=', webhookId)
      .where('state', '=', 'pending')
      .orderBy('event_seq')
      .limit(1)
      .executeTakeFirst();
    return row && { id: row.id, eventId: row.event_id, eventType: row.event_type, body: row.body, attempts: row.attempts, nextAttemptAt: row.next_attempt_at };
  }

  /** How many deliveries are in each state (metrics), over every subscription. */
  async countByState(): Promise<Partial<Record<DeliveryState, number>>> {
    const rows = await this.store.db
      .selectFrom('event_webhook_deliveries')
      .select(eb => ['state', eb.fn.countAll<number | string>().as('count')])
      .groupBy('state')
      .execute();
    return Object.fromEntries(rows.map(row => [row.state, Number(row.count)]));
  }

  /** Enabled subscriptions that have a pending delivery. */
  async withPending(): Promise<string[]> {
    const rows = await this.store.db
      .selectFrom('event_webhook_deliveries as d')
      .innerJoin('event_webhooks as w', 'w.id', 'd.webhook_id')
      .select('d.webhook_id')
      .distinct()
      .where('d.state', '=', 'pending')
      .where('w.enabled', '=', 1)
      .execute();
    return rows.map(row => row.webhook_id);
  }

  /** Records an attempt and the delivery's new state, together. */
  async recordAttempt(webhookId: string, deliveryId: string, attempt: number, outcome: SendOutcome, next: { state: DeliveryState; nextAttemptAt: string }, at: string, db?: Db): Promise<void> {
    const write = async (trx: Db) => {
      await trx.insertInto('event_webhook_attempts').values(attemptRow(webhookId, deliveryId, attempt, outcome, at)).execute();
      await trx
        .updateTable('event_webhook_deliveries')
        .set({ state: next.state, attempts: attempt, next_attempt_at: next.nextAttemptAt, last_status: outcome.statusCode ?? null, last_error: outcome.error ?? null, updated_at: at })
        .where('id', '=', deliveryId)
        .execute();
    };
    if (db) await write(db);
    else await this.store.transaction(write);
  }

  /** Adds a delivery that was sent at once (a test ping), with its one attempt. */
  async addSent(db: Db, webhookId: string, event: PaveEvent, outcome: SendOutcome, at: string): Promise<string> {
    const id = newId();
    await db
      .insertInto('event_webhook_deliveries')
      .values({
        id,
        webhook_id: webhookId,
        event_id: event.id,
        event_seq: event.seq,
        event_type: event.type,
        body: deliveryBody(event),
        state: outcome.ok ? 'delivered' : 'failed',
        attempts: 1,
        next_attempt_at: at,
        last_status: outcome.statusCode ?? null,
        last_error: outcome.error ?? null,
        created_at: at,
        updated_at: at,
      })
      .execute();
    await db.insertInto('event_webhook_attempts').values(attemptRow(webhookId, id, 1, outcome, at)).execute();
    return id;
  }

  /** Makes a dead delivery pending again, due now, with its attempts counted afresh. False when it is not dead. */
  async revive(db: Db, webhookId: string, deliveryId: string, now: string): Promise<boolean> {
    const result = await db
      .updateTable('event_webhook_deliveries')
      .set({ state: 'pending', attempts: 0, next_attempt_at: now, updated_at: now })
      .where('id', '=', deliveryId)
      .where('webhook_id', '=', webhookId)
      .where('state', '=', 'dead')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Removes deliveries that ended (delivered, dead, failed) before `before`, with their attempts: the log of
   * deliveries keeps the event log's retention. Pending ones stay, however old.
   */
  async prune(before: Date): Promise<number> {
    return this.store.transaction(async trx => {
      const ended = trx.selectFrom('event_webhook_deliveries').select('id').where('state', '!=', 'pending').where('updated_at', '<', before.toISOString());
      await trx.deleteFrom('event_webhook_attempts').where('delivery_id', 'in', ended).execute();
      const removed = await trx.deleteFrom('event_webhook_deliveries').where('state', '!=', 'pending').where('updated_at', '<', before.toISOString()).executeTakeFirst();
      return Number(removed.numDeletedRows ?? 0);
    });
  }

  /** A subscription's deliveries, newest first, each with its attempts. */
  async list(webhookId: string, query: DeliveryQuery = {}): Promise<{ items: WebhookDelivery[]; nextCursor?: string }> {
    const limit = query.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badRequest('limit must be a whole number from 1 to 500', [{ pointer: '/limit', detail: 'must be from 1 to 500' }]);
    let select = this.store.db.selectFrom('event_webhook_deliveries').selectAll().where('webhook_id', '=', webhookId);
    if (query.state) select = select.where('state', '=', query.state);
    if (query.cursor) select = select.where('id', '<', decodeCursor(query.cursor));
    const rows = await select.orderBy('id', 'desc').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    const items = await this.#withAttempts(page);
    const last = page[page.length - 1];
    return { items, ...(rows.length > limit && last ? { nextCursor: Buffer.from(last.id).toString('base64url') } : {}) };
  }

  async get(webhookId: string, deliveryId: string, db: Db = this.store.db): Promise<WebhookDelivery | undefined> {
    const row = await db.selectFrom('event_webhook_deliveries').selectAll().where('id', '=', deliveryId).where('webhook_id', '=', webhookId).executeTakeFirst();
    return row ? (await this.#withAttempts([row], db))[0] : undefined;
  }

  async #withAttempts(rows: EventWebhookDeliveriesTable[], db: Db = this.store.db): Promise<WebhookDelivery[]> {
    const attempts = rows.length
      ? await db
          .selectFrom('event_webhook_attempts')
          .selectAll()
          .where('delivery_id', 'in', rows.map(row => row.id))
          .orderBy('id')
          .execute()
      : [];
    const byDelivery = new Map<string, EventWebhookAttemptsTable[]>();
    for (const attempt of attempts) byDelivery.set(attempt.delivery_id, [...(byDelivery.get(attempt.delivery_id) ?? []), attempt]);
    return rows.map(row => ({
      id: row.id,
      webhookId: row.webhook_id,
      eventId: row.event_id,
      eventSeq: Number(row.event_seq),
      eventType: row.event_type,
      state: row.state as DeliveryState,
      attempts: row.attempts,
      ...(row.state === 'pending' ? { nextAttemptAt: row.next_attempt_at } : {}),
      ...(row.last_status !== null ? { lastStatus: row.last_status } : {}),
      ...(row.last_error !== null ? { lastError: row.last_error } : {}),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      log: (byDelivery.get(row.id) ?? []).map(toAttempt),
    }));
  }
}

function attemptRow(webhookId: string, deliveryId: string, attempt: number, outcome: SendOutcome, at: string): EventWebhookAttemptsTable {
  return { id: newId(), delivery_id: deliveryId, webhook_id: webhookId, attempt, at, status_code: outcome.statusCode ?? null, duration_ms: outcome.durationMs, error: outcome.error ?? null };
}

function toAttempt(row: EventWebhookAttemptsTable): WebhookAttempt {
  return { attempt: row.attempt, at: row.at, ...(row.status_code !== null ? { statusCode: row.status_code } : {}), durationMs: row.duration_ms, ...(row.error !== null ? { error: row.error } : {}) };
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9a-f-]{36}$/.test(id)) throw badRequest('Invalid cursor', [{ pointer: '/cursor', detail: 'must be a nextCursor from a previous page' }]);
  return id;
}
