/**
 * The events module's tables: webhook subscriptions, their deliveries and each attempt.
 * They join the store's `Database` by declaration merging (the store declares only its own). Every file
 * that queries them imports this file, for types only, so each compilation holding such a file sees them.
 */

declare module '../store/schema.js' {
  interface Database {
    event_webhooks: EventWebhooksTable;
    event_webhook_deliveries: EventWebhookDeliveriesTable;
    event_webhook_attempts: EventWebhookAttemptsTable;
  }
}

/** A webhook subscription, managed by admins. */
export interface EventWebhooksTable {
  id: string;
  url: string;
  /** JSON list of event types (exact, or `prefix.*`). */
  types: string;
  /** JSON `{ kinds?, owners?, namespaces? }`, or null for every matching event. */
  filter: string | null;
  /** Signs each delivery (HMAC-SHA256). Never returned by the API or logged. */
  secret: string;
  enabled: number;
  /** Only events after this seq are delivered: the seq of the event that recorded the creation. */
  after_seq: number | string;
  created_at: string;
  updated_at: string;
}

/** One event to send to one subscription: unique per (webhook_id, event_id). */
export interface EventWebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event_id: string;
  /** The event's seq: deliveries of one subscription go out in this order. */
  event_seq: number | string;
  event_type: string;
  /** The exact JSON body sent (and signed). */
  body: string;
  /** pending, delivered, dead (gave up after the last attempt; redeliverable), failed (a test ping that failed). */
  state: string;
  attempts: number;
  next_attempt_at: string;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** One attempt to send a delivery. */
export interface EventWebhookAttemptsTable {
  id: string;
  delivery_id: string;
  webhook_id: string;
  attempt: number;
  at: string;
  /** The receiver's HTTP status; null when no answer came (refused, timed out, blocked). */
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}
