import type { AuthConfig } from './auth-config.js';
import { parseEntityRef, stringifyEntityRef } from '../core/entity-ref.js';
import { newId } from '../core/ids.js';
import { systemClock, type Clock } from '../core/clock.js';
import { forbidden, invalidInput, notFound, unauthorized } from '../core/problem.js';
import type { Store } from '../store/store.js';
import type { AuthTokensTable } from './auth-tables.js';
import { anyGlobMatches } from './action-glob.js';
import type { AuditContext, AuditLog } from '../store/audit-log.js';
import type { EventLog } from '../store/event-log.js';
import type { Identity } from './identity.js';
import type { PermissionService } from './permission-service.js';
import { newSecret } from './secrets.js';
import { sha256Hex } from '../core/content-hash.js';

export type TokenKind = 'personal' | 'service';
export type TokenState = 'active' | 'expired' | 'revoked';

/** A token as listed: everything but the secret (which is never stored). */
export interface TokenRecord {
  id: string;
  name: string;
  kind: TokenKind;
  /** Who the token acts as: `user:<ns>/<name>` or `service:<name>`. */
  principal: string;
  /** Groups a service token acts for. */
  groups: string[];
  /** Action globs the token may be used for. */
  scopes: string[];
  /** The first characters of the secret, to recognise it. */
  prefix: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
  revokedBy?: string;
  lastUsedAt?: string;
  state: TokenState;
}

export interface CreateTokenInput {
  name: string;
  /** Default `personal`. */
  kind?: TokenKind;
  /** For a personal token: the user it acts as (default: the caller). Another user's needs `auth.token.manage`. */
  user?: string;
  /** For a service token: its name (`service:<name>`). Service tokens need `auth.token.manage`. */
  service?: string;
  /** For a service token: the groups it acts for, e.g. the owning team. */
  groups?: string[];
  /** Action globs; default `['*']` (all the principal is allowed). */
  scopes?: string[];
  /** Lifetime in days; default 90, at most `auth.tokenMaxTtlDays`. */
  expiresInDays?: number;
}

export const TOKEN_PREFIX = 'pave_';
const SERVICE_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const SCOPE = /^[a-z0-9*][a-z0-9*._-]*$/i;
/** `last_used_at` is written at most this often per token, so reads do not all become writes. */
const LAST_USED_GRANULARITY_MS = 60_000;

/**
 * API tokens: personal (acting as a user) and service (acting as `service:<name>` for some groups).
 * The secret is random, shown once, stored as its SHA-256; tokens have scopes, an expiry, revocation
 * and a last-used time. Creation and revocation are recorded in the audit log.
 * @example const { token, record } = await tokens.create(identity, { name: 'laptop', scopes: ['catalog.*'] });
 */
export class TokenService {
  readonly #store: Store;
  readonly #config: AuthConfig;
  readonly #permissions: PermissionService;
  readonly #audit: AuditLog;
  readonly #events: EventLog;
  readonly #clock: Clock;

  constructor(options: { store: Store; config: AuthConfig; permissions: PermissionService; audit: AuditLog; eventLog: EventLog; clock?: Clock }) {
    this.#store = options.store;
    this.#config = options.config;
    this.#permissions = options.permissions;
    this.#audit = options.audit;
    this.#events = options.eventLog;
    this.#clock = options.clock ?? systemClock;
  }

  /** Creates a token; the returned `token` is the only time the secret is seen. */
  async create(caller: Identity, input: CreateTokenInput, context?: AuditContext): Promise<{ token: string; record: TokenRecord }> {
    const kind = input.kind ?? 'personal';
    const errors: Array<{ pointer: string; detail: string }> = [];
    if (typeof input.name !== 'string' || input.name.trim() === '' || input.name.length > 100) errors.push({ pointer: '/name', detail: 'must be 1 to 100 characters' });
    if (kind !== 'personal' && kind !== 'service') errors.push({ pointer: '/kind', detail: 'must be personal or service' });
    const scopes = input.scopes ?? ['*'];
    if (!Array.isArray(scopes) || scopes.length === 0) errors.push({ pointer: '/scopes', detail: 'must be a non-empty list of action globs' });
    else scopes.forEach((s, i) => (typeof s === 'string' && SCOPE.test(s)) || errors.push({ pointer: `/scopes/${i}`, detail: "must be an action glob such as 'catalog.*'" }));
    const days = input.expiresInDays ?? Math.min(90, this.#config.tokenMaxTtlDays);
    if (!Number.isFinite(days) || days <= 0 || days > this.#config.tokenMaxTtlDays) errors.push({ pointer: '/expiresInDays', detail: `must be more than 0 and at most ${this.#config.tokenMaxTtlDays} days` });
    let principal = '';
    let groups: string[] = [];
    if (kind === 'service') {
      if (typeof input.service !== 'string' || !SERVICE_NAME.test(input.service)) errors.push({ pointer: '/service', detail: 'must name the service: lower-case letters, digits, dots, dashes' });
      else principal = `service:${input.service}`;
      try {
        groups = (input.groups ?? []).map(g => stringifyEntityRef(parseEntityRef(g, { defaultKind: 'group' })));
      } catch {
        errors.push({ pointer: '/groups', detail: "must be group refs such as 'group:default/checkout-team'" });
      }
      if (input.user !== undefined) errors.push({ pointer: '/user', detail: 'is for personal tokens; a service token names a service' });
    } else {
      if (input.service !== undefined || input.groups !== undefined) errors.push({ pointer: input.service !== undefined ? '/service' : '/groups', detail: 'is for service tokens' });
      const user = input.user ?? caller.userRef;
      if (!user) errors.push({ pointer: '/user', detail: `names nobody: ${caller.principal} is not a user, so say which user the token acts as` });
      else {
        try {
          principal = stringifyEntityRef(parseEntityRef(user, { defaultKind: 'user' }));
          if (!principal.startsWith('user:')) errors.push({ pointer: '/user', detail: 'must be a User ref' });
        } catch {
          errors.push({ pointer: '/user', detail: "must be a User ref such as 'user:default/jane'" });
        }
      }
    }
    if (errors.length) throw invalidInput(`The token request has ${errors.length} mistake(s)`, errors);

    await this.#permissions.authorize(caller, 'auth.token.create');
    if (principal !== caller.userRef) await this.#permissions.authorize(caller, 'auth.token.manage');
    // A token cannot mint a token that does more than itself.
    if (caller.scopes) {
      const wider = scopes.filter(s => !anyGlobMatches(caller.scopes!, s));
      if (wider.length) throw forbidden(`A token limited to ${caller.scopes.join(', ')} cannot create one for ${wider.join(', ')}`, undefined, { action: 'auth.token.create' });
    }
    if (kind === 'personal') await this.#permissions.identityForUser(principal, 'token'); // the user must exist

    const secret = newSecret(TOKEN_PREFIX);
    const now = this.#clock.now();
    const row: AuthTokensTable = {
      id: newId(),
      name: input.name.trim(),
      kind,
      principal,
      groups: JSON.stringify(groups),
      scopes: JSON.stringify(scopes),
      secret_hash: sha256Hex(secret),
      prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
      created_by: caller.principal,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + days * 86_400_000).toISOString(),
      revoked_at: null,
      revoked_by: null,
      last_used_at: null,
    };
    const record = this.#toRecord(row);
    await this.#store.transaction(async trx => {
      await trx.insertInto('auth_tokens').values(row).execute();
      await this.#audit.record({ actor: caller, action: 'auth.token.create', entityRef: `token:${row.id}`, after: publicPart(record), context, detail: { principal, kind, scopes } }, trx);
      await this.#events.append(trx, { type: 'auth.token.created', subject: `token:${row.id}`, actor: caller.principal, payload: { id: row.id, principal, kind } });
    });
    return { token: secret, record };
  }

  /** The caller's tokens; with `all`, everyone's (needs `auth.token.manage`). Newest first. */
  async list(caller: Identity, options: { all?: boolean; principal?: string } = {}): Promise<TokenRecord[]> {
    await this.#permissions.authorize(caller, 'auth.token.read');
    let q = this.#store.db.selectFrom('auth_tokens').selectAll().orderBy('id', 'desc');
    const principal = options.principal?.toLocaleLowerCase('en-US');
    if (options.all || (principal && principal !== caller.principal)) {
      await this.#permissions.authorize(caller, 'auth.token.manage');
      if (principal) q = q.where('principal', '=', principal);
    } else q = q.where('principal', '=', caller.principal);
    return (await q.execute()).map(row => this.#toRecord(row));
  }

  /** Revokes a token at once. One's own needs `auth.token.revoke`; anyone else's `auth.token.manage`. */
  async revoke(caller: Identity, id: string, context?: AuditContext): Promise<TokenRecord> {
    await this.#permissions.authorize(caller, 'auth.token.revoke');
    const row = await this.#store.db.selectFrom('auth_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`No token ${id}`);
    if (row.principal !== caller.principal) await this.#permissions.authorize(caller, 'auth.token.manage');
    if (row.revoked_at) return this.#toRecord(row);
    const now = this.#clock.now().toISOString();
    const before = publicPart(this.#toRecord(row));
    const revoked = { ...row, revoked_at: now, revoked_by: caller.principal };
    return this.#store.transaction(async trx => {
      // Decided by the update itself: another revocation at once (another replica) waits for this one and finds it done.
      const updated = await trx.updateTable('auth_tokens').set({ revoked_at: now, revoked_by: caller.principal }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) {
        const stored = await trx.selectFrom('auth_tokens').selectAll().where('id', '=', id).executeTakeFirst();
        if (!stored) throw notFound(`No token ${id}`);
        return this.#toRecord(stored);
      }
      await this.#audit.record({ actor: caller, action: 'auth.token.revoke', entityRef: `token:${id}`, before, after: publicPart(this.#toRecord(revoked)), context, detail: { principal: row.principal } }, trx);
      await this.#events.append(trx, { type: 'auth.token.revoked', subject: `token:${id}`, actor: caller.principal, payload: { id, principal: row.principal } });
      return this.#toRecord(revoked);
    });
  }

  /**
   * The active token a secret belongs to, or why there is none. Records the use (at most once a minute).
   * @example const result = await tokens.verify(bearer); if (result.ok) use(result.record);
   */
  async verify(secret: string): Promise<{ ok: true; record: TokenRecord } | { ok: false; reason: string }> {
    if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) return { ok: false, reason: 'is not a Pave API token' };
    // Every request with a token reads it: on the read connection, so that on SQLite it does not wait for a write
    // transaction (a catalog refresh); a revocation is committed, so it is seen there at once.
    const row = await this.#store.reads.selectFrom('auth_tokens').selectAll().where('secret_hash', '=', sha256Hex(secret)).executeTakeFirst();
    if (!row) return { ok: false, reason: 'is unknown' };
    const record = this.#toRecord(row);
    if (record.state === 'revoked') return { ok: false, reason: `was revoked at ${record.revokedAt}` };
    if (record.state === 'expired') return { ok: false, reason: `expired at ${record.expiresAt}` };
    const now = this.#clock.now();
    if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) >= LAST_USED_GRANULARITY_MS) {
      await this.#store.db.updateTable('auth_tokens').set({ last_used_at: now.toISOString() }).where('id', '=', row.id).execute();
      record.lastUsedAt = now.toISOString();
    }
    return { ok: true, record };
  }

  #toRecord(row: AuthTokensTable): TokenRecord {
    const now = this.#clock.now().toISOString();
    return {
      id: row.id,
      name: row.name,
      kind: row.kind as TokenKind,
      principal: row.principal,
      groups: JSON.parse(row.groups) as string[],
      scopes: JSON.parse(row.scopes) as string[],
      prefix: row.prefix,
      createdBy: row.created_by,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}),
      ...(row.revoked_by ? { revokedBy: row.revoked_by } : {}),
      ...(row.last_used_at ? { lastUsedAt: row.last_used_at } : {}),
      state: row.revoked_at ? 'revoked' : row.expires_at <= now ? 'expired' : 'active',
    };
  }
}

/** What of a token goes into the audit hash: its lasting fields, not its use. */
function publicPart(record: TokenRecord) {
  const { lastUsedAt: _used, state: _state, ...rest } = record;
  return rest;
}

/** Throws a 401 problem for a malformed `Authorization` header; returns the bearer secret, if any. */
export function bearerFrom(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthorized('The Authorization header must be "Bearer <token>"');
  return match[1];
}
