import { sql } from 'kysely';
import type { Store, Db } from './store.js';
import type { AuditLogTable } from './schema.js';
import { newId } from '../core/ids.js';
import { systemClock, type Clock } from '../core/clock.js';
import { badRequest } from '../core/problem.js';
import { contentHash } from '../core/content-hash.js';

/** Where a write came from. The HTTP layer fills it from the request; the CLI names itself. */
export interface AuditContext {
  ip?: string;
  userAgent?: string;
  requestId?: string;
  /** The interface the change came through when not plain HTTP, e.g. `mcp` (kept in the entry's detail). */
  via?: string;
  /** The client that made it through that interface, e.g. an MCP client's name and version (kept in the detail). */
  client?: string;
}

/** Who acted: an identity (anything with a principal), or a principal such as `cli:alice`. */
export type Actor = { readonly principal: string } | string;

/**
 * Who made a change and from where: what a service needs to write the change's audit entry (and stamp its
 * events) in the change's own transaction. The HTTP layer makes it from the request; the CLI names itself.
 * @example await catalog.saveEntity(entity, { actor: request.identity, context: auditContext(request) });
 */
export interface ChangeAuthor {
  actor: Actor;
  context?: AuditContext;
}

/** The principal of an actor. */
export function principalOf(actor: Actor): string {
  return typeof actor === 'string' ? actor : actor.principal;
}

export interface AuditRecordInput {
  /** Who: an identity, or a principal string such as `cli:alice`. */
  actor: Actor;
  /** What, in the action vocabulary, e.g. `catalog.entity.write`. */
  action: string;
  /** Which entity (canonical ref); Pave's own objects use `token:<id>` and `rule:<id>`. */
  entityRef?: string;
  /** The object before the change (absent for a create); only its SHA-256 is kept. */
  before?: unknown;
  /** The object after the change (absent for a delete); only its SHA-256 is kept. */
  after?: unknown;
  context?: AuditContext;
  /** Extra facts worth keeping. Never put secrets here. */
  detail?: Record<string, unknown>;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  entityRef?: string;
  ip?: string;
  userAgent?: string;
  requestId?: string;
  beforeHash?: string;
  afterHash?: string;
  detail?: Record<string, unknown>;
}

export interface AuditQuery {
  actor?: string;
  entityRef?: string;
  /** An action or an action glob, e.g. `auth.*`. */
  action?: string;
  /** Entries at or after this time (ISO-8601). */
  since?: string;
  /** Entries before this time (ISO-8601). */
  until?: string;
  /** At most this many (default 100, at most 1000). */
  limit?: number;
  /** The `nextCursor` of a previous page. */
  cursor?: string;
}

const MAX_LIMIT = 1000;

/**
 * The audit log: append-only (the database refuses UPDATE and DELETE on it), newest first on query,
 * oldest first on export. Services' callers record every write with who, what, which entity, when,
 * from where and a SHA-256 of the object before and after.
 * @example await audit.record({ actor: identity, action: 'catalog.entity.write', entityRef: ref, before, after, context });
 */
export class AuditLog {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(store: Store, options: { clock?: Clock } = {}) {
    this.#store = store;
    this.#clock = options.clock ?? systemClock;
  }

  /** Appends one entry. Pass `db` (a transaction) to make the entry part of the write it describes. */
  async record(input: AuditRecordInput, db: Db = this.#store.db): Promise<AuditEntry> {
    const through = input.context?.via ? { via: input.context.via, ...(input.context.client ? { client: input.context.client.slice(0, 200) } : {}) } : {};
    const detail = { ...input.detail, ...through };
    const row: AuditLogTable = {
      id: newId(),
      at: this.#clock.now().toISOString(),
      actor: principalOf(input.actor).toLocaleLowerCase('en-US'),
      action: input.action,
      entity_ref: input.entityRef?.toLocaleLowerCase('en-US') ?? null,
      ip: input.context?.ip ?? null,
      user_agent: input.context?.userAgent?.slice(0, 1000) ?? null,
      request_id: input.context?.requestId ?? null,
      before_hash: contentHash(input.before),
      after_hash: contentHash(input.after),
      detail: Object.keys(detail).length ? JSON.stringify(detail) : null,
    };
    await db.insertInto('audit_log').values(row).execute();
    return toEntry(row);
  }

  /** One page of entries, newest first, with a cursor to the next (older) page. */
  async query(query: AuditQuery = {}): Promise<{ items: AuditEntry[]; nextCursor?: string }> {
    const limit = query.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw badRequest(`limit must be a whole number from 1 to ${MAX_LIMIT}`, [{ pointer: '/limit', detail: `must be from 1 to ${MAX_LIMIT}` }]);
    let q = this.#filtered(query).selectAll().orderBy('id', 'desc').limit(limit + 1);
    if (query.cursor) q = q.where('id', '<', decodeCursor(query.cursor));
    const rows = await q.execute();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toEntry), ...(rows.length > limit && last ? { nextCursor: Buffer.from(last.id).toString('base64url') } : {}) };
  }

  /** Every matching entry, oldest first, read in batches (for JSON-lines export). */
  async *export(query: Omit<AuditQuery, 'limit' | 'cursor'> = {}): AsyncGenerator<AuditEntry> {
    let after = '';
    for (;;) {
      const rows = await this.#filtered(query).selectAll().where('id', '>', after).orderBy('id', 'asc').limit(500).execute();
      for (const row of rows) yield toEntry(row);
      const last = rows[rows.length - 1];
      if (!last || rows.length < 500) return;
      after = last.id;
    }
  }

  #filtered(query: AuditQuery) {
    let q = this.#store.db.selectFrom('audit_log');
    if (query.actor) q = q.where('actor', '=', query.actor.toLocaleLowerCase('en-US'));
    if (query.entityRef) q = q.where('entity_ref', '=', query.entityRef.toLocaleLowerCase('en-US'));
    if (query.action) {
      if (query.action.includes('*')) q = q.where(sql<boolean>`action LIKE ${likePattern(query.action)} ESCAPE '\\'`);
      else q = q.where('action', '=', query.action);
    }
    if (query.since) q = q.where('at', '>=', isoTime(query.since, '/since'));
    if (query.until) q = q.where('at', '<', isoTime(query.until, '/until'));
    return q;
  }
}

function toEntry(row: AuditLogTable): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    ...(row.entity_ref !== null ? { entityRef: row.entity_ref } : {}),
    ...(row.ip !== null ? { ip: row.ip } : {}),
    ...(row.user_agent !== null ? { userAgent: row.user_agent } : {}),
    ...(row.request_id !== null ? { requestId: row.request_id } : {}),
    ...(row.before_hash !== null ? { beforeHash: row.before_hash } : {}),
    ...(row.after_hash !== null ? { afterHash: row.after_hash } : {}),
    ...(row.detail !== null ? { detail: JSON.parse(row.detail) as Record<string, unknown> } : {}),
  };
}

function likePattern(glob: string): string {
  return glob.replace(/[\\%_]/g, c => '\\' + c).replace(/\*/g, '%');
}

function isoTime(value: string, pointer: string): string {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw badRequest(`${value} is not a time`, [{ pointer, detail: 'must be an ISO-8601 time, e.g. 2026-01-31T12:00:00Z' }]);
  return time.toISOString();
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9a-f-]{36}$/.test(id)) throw badRequest('Invalid cursor', [{ pointer: '/cursor', detail: 'must be a nextCursor from a previous page' }]);
  return id;
}
