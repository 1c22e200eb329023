import { userInfo } from 'node:os';
import type { AuthConfig } from './auth-config.js';
import type { AuthRule } from './auth-rule.js';
import { stringifyEntityRef } from '../core/entity-ref.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { badRequest, forbidden, unauthorized } from '../core/problem.js';
import type { Store } from '../store/store.js';
import { CatalogState } from '../catalog/catalog-state.js';
import type { EntityReader } from '../catalog/query/entity-reader.js';
import { AuditLog, type AuditContext } from '../store/audit-log.js';
import { EventLog } from '../store/event-log.js';
import { GroupMembership } from './group-membership.js';
import { ANONYMOUS, AUTH_DISABLED, type Identity } from './identity.js';
import { OidcSignIn } from './oidc-sign-in.js';
import { PermissionService } from './permission-service.js';
import { SessionService, type Session, type SessionMethod } from './session-service.js';
import { TokenService } from './token-service.js';
import { newSecret, safeEqual } from './secrets.js';

/** What a request (or command) presented. */
export interface Credentials {
  /** The secret of `Authorization: Bearer …`. */
  bearer?: string;
  /** The value of the session cookie. */
  sessionSecret?: string;
}

export interface Authentication {
  identity: Identity;
  /** The portal session, when the identity came from the session cookie. */
  session?: Session;
}

export interface AuthServiceOptions {
  store: Store;
  /** The configuration's `auth` section, and `baseUrl` for the sign-in redirect. Read on use, not copied. */
  config: { readonly auth: AuthConfig; readonly baseUrl: string };
  entities: EntityReader;
  /** The audit log every module records its changes in (one per app). */
  audit?: AuditLog;
  /** The event log sign-ins, tokens and rules are appended to. */
  eventLog?: EventLog;
  /** Pave's default policy: every module's default rules (used unless `auth.defaultPolicy` is false). */
  defaultRules?: readonly AuthRule[];
  clock?: Clock;
  logger?: Logger;
}

/**
 * Identity, permissions and audit in one place: how requests and commands are authenticated
 * (tokens, sessions, guest), how people sign in (OpenID Connect, guest) and out, and the services
 * that hold rules, tokens, sessions and the audit log.
 * @example
 *   const { identity } = await auth.authenticate({ bearer });
 *   await auth.permissions.authorize(identity, 'catalog.entity.read');
 */
export class AuthService {
  readonly audit: AuditLog;
  readonly membership: GroupMembership;
  readonly permissions: PermissionService;
  readonly tokens: TokenService;
  readonly sessions: SessionService;
  readonly oidc: OidcSignIn;
  readonly #config: AuthServiceOptions['config'];
  readonly #store: Store;
  readonly #events: EventLog;
  readonly #entities: EntityReader;
  /** Never stored, logged or sent anywhere: it lives only in this process's memory. */
  readonly #localOperatorSecret = newSecret('pave_local_');

  constructor(options: AuthServiceOptions) {
    const { store, config, entities } = options;
    const clock = options.clock ?? systemClock;
    this.#config = config;
    this.#entities = entities;
    this.audit = options.audit ?? new AuditLog(store, { clock });
    this.#events = options.eventLog ?? new EventLog(store, { clock });
    this.#store = store;
    // Every request a signed-in caller makes needs its groups: worked out once per catalog state (catalog-state.ts:
    // only entity changes move it, and it is read on the read connection, so a refresh's transaction does not hold
    // requests up).
    const catalogState = new CatalogState(store);
    this.membership = new GroupMembership(entities, { catalogVersion: () => catalogState.version() });
    this.permissions = new PermissionService({ store, config: config.auth, entities, membership: this.membership, audit: this.audit, eventLog: this.#events, clock, ...(options.defaultRules ? { defaultRules: options.defaultRules } : {}) });
    this.tokens = new TokenService({ store, config: config.auth, permissions: this.permissions, audit: this.audit, eventLog: this.#events, clock });
    this.sessions = new SessionService({ store, ttlHours: config.auth.sessionTtlHours, clock });
    this.oidc = new OidcSignIn({ config: () => ({ oidc: this.#config.auth.oidc, baseUrl: this.#config.baseUrl }), sessions: this.sessions, logger: options.logger });
  }

  /** Production mode: false means every request acts as an anonymous admin. */
  get enabled(): boolean {
    return this.#config.auth.enabled;
  }

  /** The sign-in methods this server offers. */
  methods(): { oidc: boolean; guest: boolean } {
    return { oidc: this.oidc.enabled, guest: this.#config.auth.guest };
  }

  /**
   * Who presented these credentials. A bearer token wins over the session cookie; a bad token is a
   * 401 problem, a stale cookie is simply no session. Without credentials: anonymous (a guest too
   * must sign in, through `signInAsGuest`, and then holds a session).
   */
  async authenticate(credentials: Credentials): Promise<Authentication> {
    if (!this.enabled) return { identity: AUTH_DISABLED };
    if (credentials.bearer !== undefined && safeEqual(credentials.bearer, this.#localOperatorSecret)) return { identity: this.localOperator() };
    if (credentials.bearer !== undefined) {
      const result = await this.tokens.verify(credentials.bearer);
      if (!result.ok) throw unauthorized(`The API token ${result.reason}`);
      const { record } = result;
      const extra = { scopes: record.scopes, tokenId: record.id };
      const identity =
        record.kind === 'service'
          ? await this.permissions.identityForService(record.principal, record.groups, extra)
          : await this.permissions.identityForUser(record.principal, 'token', extra);
      return { identity };
    }
    if (credentials.sessionSecret) {
      const session = await this.sessions.resolve(credentials.sessionSecret);
      if (session) return { identity: await this.permissions.identityForUser(session.userRef, session.method === 'guest' ? 'guest' : 'session'), session };
    }
    return { identity: ANONYMOUS };
  }

  /** The identity a guest acts as (`auth.guestUser`, with the guest role). */
  async guestIdentity(): Promise<Identity> {
    if (!this.#config.auth.guest) throw forbidden('Guest sign-in is off (auth.guest)');
    try {
      return await this.permissions.identityForUser(this.#config.auth.guestUser, 'guest');
    } catch (error) {
      throw unauthorized(`Guest sign-in acts as ${this.#config.auth.guestUser}, which is not a User in the catalog (auth.guestUser)`, undefined, { cause: (error as Error).message });
    }
  }

  /** Starts a guest session (demo only). Recorded in the audit log. */
  async signInAsGuest(context: AuditContext = {}): Promise<{ secret: string; session: Session; identity: Identity }> {
    const identity = await this.guestIdentity();
    const { secret, session } = await this.#startSession(identity, 'guest', context, { method: 'guest' });
    return { secret, session, identity };
  }

  /**
   * Finishes an OpenID Connect sign-in: checks the callback, finds the User entity whose
   * `auth.oidc.userField` equals the `auth.oidc.userClaim` claim, and starts a session.
   * Recorded in the audit log.
   */
  async signInWithOidc(callbackUrl: URL, loginSecret: string | undefined, context: AuditContext = {}): Promise<{ secret: string; session: Session; identity: Identity; returnTo: string }> {
    const { claims, returnTo } = await this.oidc.finish(callbackUrl, loginSecret);
    const userRef = await this.userForClaims(claims);
    const identity = await this.permissions.identityForUser(userRef, 'session');
    const { secret, session } = await this.#startSession(identity, 'oidc', context, { method: 'oidc', issuer: this.#config.auth.oidc?.issuer, subject: claims.sub });
    return { secret, session, identity, returnTo };
  }

  /** The User entity the signed-in person is, by the configured claim; a 403 problem when none (or several) match. */
  async userForClaims(claims: Record<string, unknown>): Promise<string> {
    const oidc = this.#config.auth.oidc;
    if (!oidc) throw badRequest('OpenID Connect sign-in is not configured (auth.oidc)');
    const value = claims[oidc.userClaim];
    if (typeof value !== 'string' || value.trim() === '') throw forbidden(`The identity provider sent no ${oidc.userClaim} claim, which Pave needs to find you in the catalog (auth.oidc.userClaim)`);
    if (value.includes(',')) throw forbidden(`The ${oidc.userClaim} claim "${value}" cannot name a catalog user`);
    const users = await this.#entities.list({ filter: [`kind=user,${oidc.userField}=${value.trim()}`], limit: 2 });
    const [user, other] = users;
    if (!user) throw forbidden(`No User in the catalog has ${oidc.userField} = ${value}; ask the platform team to add you`);
    if (other) throw forbidden(`Several Users in the catalog have ${oidc.userField} = ${value}; sign-in needs exactly one`);
    return stringifyEntityRef(user);
  }

  /** Ends a portal session. Recorded in the audit log. */
  async signOut(sessionSecret: string, context: AuditContext = {}): Promise<void> {
    // Read before the transaction: on SQLite a read outside it would wait for it to end.
    const session = await this.sessions.resolve(sessionSecret);
    if (!session) return;
    await this.#store.transaction(async trx => {
      // Recorded by the sign-out that ended it only: of two at once (two tabs), the second deletes nothing.
      if (!(await this.sessions.destroy(sessionSecret, trx))) return;
      await this.audit.record({ actor: session.userRef, action: 'auth.session.delete', entityRef: session.userRef, context, detail: { method: session.method } }, trx);
      await this.#events.append(trx, { type: 'auth.session.ended', subject: session.userRef, actor: session.userRef, payload: { method: session.method } });
    });
  }

  /** A session, its audit entry and its event, in one transaction. */
  async #startSession(identity: Identity, method: SessionMethod, context: AuditContext, detail: Record<string, unknown>): Promise<{ secret: string; session: Session }> {
    const userRef = identity.userRef ?? identity.principal;
    return this.#store.transaction(async trx => {
      const started = await this.sessions.create(userRef, method, context, trx);
      await this.audit.record({ actor: identity, action: 'auth.session.create', entityRef: userRef, context, detail }, trx);
      await this.#events.append(trx, { type: 'auth.session.started', subject: userRef, actor: identity.principal, payload: { method } });
      return started;
    });
  }

  /**
   * The identity of the `pave` CLI working on the store directly: the local operator, who holds the
   * database and so is not limited by rules. Audit entries name it `cli:<os user>`.
   */
  localOperator(): Identity {
    let name = 'unknown';
    try {
      name = userInfo().username || name;
    } catch {
      // no passwd entry (containers): keep "unknown"
    }
    return { principal: `cli:${name.toLocaleLowerCase('en-US')}`, groups: [], roles: ['signed-in', 'admin'], via: 'local' };
  }

  /**
   * The bearer secret that authenticates as `localOperator()`: the CLI sends it to the server it runs
   * in its own process (over `inject`, no socket). It is random per process and never leaves memory,
   * so no remote caller can present it.
   */
  localOperatorBearer(): string {
    return this.#localOperatorSecret;
  }
}
