/**
 * The database schema as Kysely sees it. One interface per table; column names are snake_case.
 * JSON columns hold text in both dialects so reads and writes look the same everywhere.
 * This file declares the store's own tables; each module adds its own by declaration merging from its
 * `src/<module>/<module>-tables.ts` (`declare module '../store/schema.js' { interface Database { … } }`).
 */
export interface Database {
  jobs: JobsTable;
  audit_log: AuditLogTable;
  rate_limits: RateLimitsTable;
  events: EventsTable;
  event_sequence: EventSequenceTable;
  event_cursors: EventCursorsTable;
}

export interface JobsTable {
  id: string;
  queue: string;
  /** Unique within a queue: enqueueing an existing key updates it instead of duplicating work. */
  key: string;
  payload: string;
  state: string;
  attempts: number;
  /** 1 when the job was enqueued again while it ran, so it runs once more right after. */
  rerun: number;
  run_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** The audit log: append-only (the database refuses UPDATE and DELETE). */
export interface AuditLogTable {
  /** UUIDv7: ordering by id is ordering by time. */
  id: string;
  at: string;
  /** Who: `user:<ns>/<name>`, `service:<name>`, `cli:<os user>`, `anonymous`. */
  actor: string;
  /** What, in the action vocabulary, e.g. `catalog.entity.write`. */
  action: string;
  entity_ref: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  /** SHA-256 of the canonical JSON before and after the change; null where there was nothing. */
  before_hash: string | null;
  after_hash: string | null;
  /** JSON object with extra facts (never secrets). */
  detail: string | null;
}

/** A rate-limit counter: requests under one key (route and client) since the window started. */
export interface RateLimitsTable {
  key: string;
  /** Epoch milliseconds (PostgreSQL bigint: read back as text, so convert with Number). */
  window_start: number | string;
  window_ms: number;
  count: number;
}

/** The event log: one row per change, appended in the change's own transaction. */
export interface EventsTable {
  /** Monotonic per database, in commit order (taken from `event_sequence` inside the transaction). */
  seq: number;
  /** UUIDv7: what consumers de-duplicate on. */
  id: string;
  /** `<module>.<object>.<verb>`, e.g. `catalog.entity.updated`. */
  type: string;
  /** What changed, usually an entity ref. */
  subject: string | null;
  /** Who changed it (a principal), when someone did. */
  actor: string | null;
  /** A small JSON object; never secrets. */
  payload: string;
  created_at: string;
}

/** Counters handing out event numbers; the row lock held until commit keeps numbers in commit order. */
export interface EventSequenceTable {
  name: string;
  last: number;
}

/** How far each durable consumer of the event log has read. */
export interface EventCursorsTable {
  consumer: string;
  /** The last event handled. */
  seq: number;
  /** Failures in a row at the event after `seq`. */
  failures: number;
  last_error: string | null;
  updated_at: string;
}
