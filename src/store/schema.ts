import type { Generated } from 'kysely';

/**
 * The database schema as Kysely sees it. One interface per table; column names are snake_case.
 * JSON columns hold text in both dialects so reads and writes look the same everywhere.
 */
export interface Database {
  entities: EntitiesTable;
  entity_search: EntitySearchTable;
  relations: RelationsTable;
  locations: LocationsTable;
  location_problems: LocationProblemsTable;
  jobs: JobsTable;
  auth_rules: AuthRulesTable;
  auth_tokens: AuthTokensTable;
  auth_sessions: AuthSessionsTable;
  auth_pending_logins: AuthPendingLoginsTable;
  audit_log: AuditLogTable;
  platform_capability_revisions: PlatformCapabilityRevisionsTable;
  platform_destinations: PlatformDestinationsTable;
  platform_requests: PlatformRequestsTable;
  platform_runs: PlatformRunsTable;
  scaffolder_tasks: ScaffolderTasksTable;
  scaffolder_task_steps: ScaffolderTaskStepsTable;
  scaffolder_task_events: ScaffolderTaskEventsTable;
  rate_limits: RateLimitsTable;
  events: EventsTable;
  event_sequence: EventSequenceTable;
  event_cursors: EventCursorsTable;
  event_webhooks: EventWebhooksTable;
  event_webhook_deliveries: EventWebhookDeliveriesTable;
  event_webhook_attempts: EventWebhookAttemptsTable;
}

export interface EntitiesTable {
  id: string;
  /** Canonical lower-case `kind:namespace/name`. */
  ref: string;
  kind: string;
  namespace: string;
  name: string;
  title: string | null;
  description: string | null;
  /** The entity as JSON text, without relations (those are joined on read). */
  body: string;
  etag: string;
  generation: number;
  /** The location whose refresh produced this entity; null for entities saved through the API. */
  location_id: string | null;
  /** File or URL the entity was read from. */
  source: string | null;
  /** Words for full-text search beyond name, title and description (tags, owner, type, spec text). */
  search_text: string;
  created_at: string;
  updated_at: string;
}

/** Flattened `key = value` pairs of every entity, lower-cased: the basis for filters and facets. */
export interface EntitySearchTable {
  entity_id: string;
  key: string;
  value: string | null;
  /** The value as written, for facet labels. */
  original_value: string | null;
}

export interface RelationsTable {
  /** The entity whose spec gave rise to this relation; relations go when it goes. */
  origin_id: string;
  source_ref: string;
  type: string;
  target_ref: string;
}

export interface LocationsTable {
  id: string;
  type: string;
  target: string;
  /** How portal edits reach a git location: `direct` commits to its branch, `branch` pushes a review branch. */
  edit_mode: string;
  state: string;
  entity_count: number;
  error_count: number;
  last_refresh_at: string | null;
  last_error: string | null;
  created_at: string;
}

export interface LocationProblemsTable {
  id: Generated<number>;
  location_id: string;
  source: string | null;
  document: number | null;
  line: number | null;
  pointer: string;
  detail: string;
  rule: string | null;
  entity_ref: string | null;
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

/** Permission rules saved through the API (rules from configuration are not stored). */
export interface AuthRulesTable {
  id: string;
  /** The rule as JSON text. */
  body: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** API tokens. Only the SHA-256 of the secret is kept; the secret is shown once, at creation. */
export interface AuthTokensTable {
  id: string;
  name: string;
  /** `personal` (acts as a user) or `service` (acts as `service:<name>`). */
  kind: string;
  /** `user:<ns>/<name>` or `service:<name>`. */
  principal: string;
  /** JSON list of group refs a service token acts for (empty for personal tokens: their groups come from the catalog). */
  groups: string;
  /** JSON list of action globs the token may be used for. */
  scopes: string;
  secret_hash: string;
  /** The first characters of the secret, to recognise a token in listings. */
  prefix: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
  last_used_at: string | null;
}

/** Portal sessions; the cookie holds the secret, the row its SHA-256. */
export interface AuthSessionsTable {
  id_hash: string;
  user_ref: string;
  /** `oidc` or `guest`. */
  method: string;
  /** Double-submit token the portal sends back in `x-pave-csrf`. */
  csrf_token: string;
  created_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

/** OpenID Connect sign-ins under way: PKCE verifier, state and nonce, keyed by the hash of a cookie. */
export interface AuthPendingLoginsTable {
  id_hash: string;
  state: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  expires_at: string;
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

/** One immutable published revision of a capability (`body` is the Capability document as JSON). */
export interface PlatformCapabilityRevisionsTable {
  id: string;
  name: string;
  version: string;
  api_group: string;
  api_version: string;
  api_kind: string;
  body: string;
  /** sha256 of the stable JSON of the capability: republishing a version must match it. */
  digest: string;
  created_at: string;
}

export interface PlatformDestinationsTable {
  name: string;
  body: string;
  created_at: string;
  updated_at: string;
}

/** A request for a capability; `body` is the submitted document, `status` what the reconciler observed. */
export interface PlatformRequestsTable {
  id: string;
  namespace: string;
  name: string;
  api_version: string;
  kind: string;
  capability: string;
  /** Version or range from the `pave.dev/capability-version` annotation; null floats on latest. */
  pinned_version: string | null;
  /** Goes up by one on every change of the submitted document. */
  generation: number;
  body: string;
  status: string;
  /** Set when deletion was asked for; the row goes once its files are pruned. */
  deleting_since: string | null;
  /** The owning team's Group ref, decided when the request was created; null for rows older than that. */
  owner: string | null;
  created_at: string;
  updated_at: string;
}

/** One workflow execution. JSON columns: steps, outputs, diff, commits. */
export interface PlatformRunsTable {
  id: string;
  request_id: string;
  namespace: string;
  name: string;
  kind: string;
  generation: number;
  capability: string;
  capability_version: string;
  action: string;
  trigger: string;
  input_hash: string;
  phase: string;
  steps: string;
  outputs: string;
  diff: string;
  commits: string;
  drift: number;
  error: string | null;
  started_at: string;
  finished_at: string | null;
}

/** A golden-path task. `spec` is what to run (template steps, output, parameters, where its files are). */
export interface ScaffolderTasksTable {
  id: string;
  template_ref: string;
  spec: string;
  /** open (queued), processing, completed, failed, cancelled. */
  status: string;
  created_by: string | null;
  /** JSON of the secrets given with the task; cleared when the task ends. Never returned by the API. */
  secrets: string | null;
  /** JSON list of strings the task's expressions derived from its secrets, masked like them; cleared when the task ends. */
  derived_secrets: string | null;
  /** 1 once cancellation was asked for; the worker running the task stops at the next chance. */
  cancel_requested: number;
  /** JSON of the rendered template output (secrets redacted). */
  output: string | null;
  /** JSON problem of a failed task. */
  error: string | null;
  created_at: string;
  updated_at: string;
  last_heartbeat_at: string | null;
  completed_at: string | null;
}

/** One step of a task: status, attempts and the recorded output later steps and resumes read. */
export interface ScaffolderTaskStepsTable {
  task_id: string;
  step_index: number;
  step_id: string;
  name: string;
  action: string;
  /** open, processing, completed, failed, skipped, cancelled. */
  status: string;
  attempts: number;
  output: string | null;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
}

/** The task's event log (Backstage's shape: type log | completion | cancelled | recovered, body JSON). */
export interface ScaffolderTaskEventsTable {
  id: Generated<number>;
  task_id: string;
  type: string;
  body: string;
  created_at: string;
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
