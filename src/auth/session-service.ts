import { systemClock, type Clock } from '../core/clock.js';
import type { Db, Store } from '../store/store.js';
import type {} from './auth-tables.js'; // the tables it queries, for Kysely's types
import type { AuditContext } from '../store/audit-log.js';
import { newSecret } from './secrets.js';
import { sha256Hex } from '../core/content-hash.js';

export type SessionMethod = 'oidc' | 'guest';

/** A portal session as the server sees it (the cookie holds a secret; only its hash is stored). */
export interface Session {
  /** SHA-256 of the cookie value: safe to log and to key on. */
  idHash: string;
  userRef: string;
  method: SessionMethod;
  /** The double-submit CSRF token: the portal sends it back in `x-pave-csrf` on unsafe requests. */
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
}

/** An OpenID Connect sign-in under way: what the callback needs to finish it. */
export interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

const PENDING_LOGIN_MS = 10 * 60_000;

/**
 * Portal sessions and sign-ins under way, stored in the database (so any replica can serve any
 * request) under the SHA-256 of the random secret that the browser keeps in an HttpOnly cookie.
 * @example const { secret, session } = await sessions.create('user:default/jane', 'oidc', context);
 */
export class SessionService {
  readonly #store: Store;
  readonly #ttlMs: number;
  readonly #clock: Clock;

  constructor(options: { store: Store; ttlHours: number; clock?: Clock }) {
    this.#store = options.store;
    this.#ttlMs = options.ttlHours * 3_600_000;
    this.#clock = options.clock ?? systemClock;
  }

  async create(userRef: string, method: SessionMethod, context: AuditContext = {}, db: Db = this.#store.db): Promise<{ secret: string; session: Session }> {
    const now = this.#clock.now();
    const secret = newSecret();
    const session: Session = {
      idHash: sha256Hex(secret),
      userRef,
      method,
      csrfToken: newSecret(),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.#ttlMs).toISOString(),
    };
    await db.deleteFrom('auth_sessions').where('expires_at', '<=', session.createdAt).execute();
    await db
      .insertInto('auth_sessions')
      .values({
        id_hash: session.idHash,
        user_ref: userRef,
        method,
        csrf_token: session.csrfToken,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
        ip: context.ip ?? null,
        user_agent: context.userAgent?.slice(0, 1000) ?? null,
      })
      .execute();
    return { secret, session };
  }

  /** The live session a cookie value belongs to, or undefined (unknown or expired). */
  async resolve(secret: string): Promise<Session | undefined> {
    if (!secret || secret.length > 200) return undefined;
    // Every portal request reads its session: on the read connection, so that on SQLite it does not wait for a
    // write transaction (a catalog refresh); a sign-out is committed, so it is seen there at once.
    const row = await this.#store.reads.selectFrom('auth_sessions').selectAll().where('id_hash', '=', sha256Hex(secret)).executeTakeFirst();
    if (!row || row.expires_at <= this.#clock.now().toISOString()) return undefined;
    return { idHash: row.id_hash, userRef: row.user_ref, method: row.method as SessionMethod, csrfToken: row.csrf_token, createdAt: row.created_at, expiresAt: row.expires_at };
  }

  /** Ends a session (signing out); false when it had already ended (another sign-out at once deleted it). */
  async destroy(secret: string, db: Db = this.#store.db): Promise<boolean> {
    const deleted = await db.deleteFrom('auth_sessions').where('id_hash', '=', sha256Hex(secret)).executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  }

  /** Remembers an OpenID Connect sign-in under way; the returned secret goes into a short-lived cookie. */
  async beginLogin(pending: PendingLogin): Promise<string> {
    const now = this.#clock.now();
    const secret = newSecret();
    await this.#store.db.deleteFrom('auth_pending_logins').where('expires_at', '<=', now.toISOString()).execute();
    await this.#store.db
      .insertInto('auth_pending_logins')
      .values({
        id_hash: sha256Hex(secret),
        state: pending.state,
        nonce: pending.nonce,
        code_verifier: pending.codeVerifier,
        return_to: pending.returnTo,
        expires_at: new Date(now.getTime() + PENDING_LOGIN_MS).toISOString(),
      })
      .execute();
    return secret;
  }

  /** Takes (and forgets) a sign-in under way: each can finish once. */
  async takeLogin(secret: string): Promise<PendingLogin | undefined> {
    if (!secret || secret.length > 200) return undefined;
    // Taken by the deletion itself: of two callbacks at once, the second finds it gone.
    const row = await this.#store.db.deleteFrom('auth_pending_logins').where('id_hash', '=', sha256Hex(secret)).returningAll().executeTakeFirst();
    if (!row) return undefined;
    if (row.expires_at <= this.#clock.now().toISOString()) return undefined;
    return { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier, returnTo: row.return_to };
  }
}
