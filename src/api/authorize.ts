import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PaveApp } from '../app.js';
import type { Entity } from '../core/entity.js';
import { parseEntityRef, stringifyEntityRef } from '../core/entity-ref.js';
import { PaveError, forbidden, unauthorized } from '../core/problem.js';
import { ANONYMOUS, AUTH_DISABLED, isSignedIn, type Identity } from '../auth/identity.js';
import type { AuditContext, ChangeAuthor } from '../store/audit-log.js';
import type { Decision } from '../auth/policy.js';
import type { ResourceInput } from '../auth/permission-service.js';
import type { Session } from '../auth/session-service.js';
import { ALL_ENTITIES, NO_ENTITIES, type EntityScope } from '../catalog/query/entity-scope.js';
import { bearerFrom } from '../auth/token-service.js';
import { authorizeEntityChanges, authorizeEntityWrites, unsaved, type EntityChange } from '../auth/entity-changes.js';
import { safeEqual } from '../auth/secrets.js';
import { mcpCallOf } from '../mcp/mcp-call.js';
import { mcpScopedIdentity } from '../mcp/mcp-scopes.js';

/**
 * Enforcement on every route. Each route declares, in its options, either the permission it needs
 * or that it is public:
 *
 *   app.get('/entities', { config: { permission: { action: 'catalog.entity.read' } }, schema }, handler)
 *   app.put('/entities/by-name/:kind/:namespace/:name', {
 *     config: { permission: { action: 'catalog.entity.write', resource: request => refFromNameParams(request) } }, …
 *   }, handler)
 *   app.get('/health', { config: { public: true }, schema }, handler)
 *   app.get('/entities', { config: { permission: { action: 'catalog.entity.read', scoped: true } }, schema },
 *     request => catalog.entities.list({ …, scope: request.readScope }))
 *
 * A route under /api that declares neither is refused with a 500 problem (and an error in the log), so
 * nothing is open by accident. Without credentials a protected route answers 401; a caller the rules
 * do not allow gets 403 naming the action. Portal pages (routes outside /api) are public: they hold no data.
 * Cookie sessions must send the CSRF token in `x-pave-csrf` on unsafe methods (double submit).
 */

/** The permission a route needs. */
export interface RoutePermission {
  /** The action, e.g. `catalog.entity.read` (no globs: globs belong in rules). */
  action: string;
  /**
   * The entity acted on, worked out from the validated request (params, query, body). Return a ref,
   * an entity (its owners are read from it), or undefined for none. May throw (e.g. a 404 problem).
   */
  resource?: (request: FastifyRequest) => ResourceInput | undefined | Promise<ResourceInput | undefined>;
  /**
   * The route answers many entities (lists, search, facets): the caller needs the action on at least
   * one, and the handler passes `request.readScope` to its query so that what the rules hide is
   * left out in SQL (totals and counts included). Not with `resource`.
   */
  scoped?: boolean;
  /** What the action asks for, from the validated request, for rules with `input` conditions (a task's template and values, a request's document). */
  input?: (request: FastifyRequest) => unknown | Promise<unknown>;
}

/** One registered route and what it declared. */
export interface DeclaredRoute {
  method: string;
  url: string;
  public: boolean;
  /** The declared action; undefined when the route declared nothing (or is public). */
  action?: string;
  /** Whether the permission is checked against a resource. */
  hasResource: boolean;
  /** Under /api: these must declare; others are portal pages. */
  api: boolean;
}

/** What `registerAuthorization` hangs on the server as `server.authorization`. */
export interface Authorization {
  app: PaveApp;
  /** Every route registered so far (HEAD routes included). */
  readonly routes: DeclaredRoute[];
  /** API routes that declare neither a permission nor `public: true`: each is refused while auth is enabled. */
  undeclared(): DeclaredRoute[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission this route needs; see src/api/authorize.ts. */
    permission?: RoutePermission;
    /** An open route (health, sign-in): no credentials needed. */
    public?: boolean;
  }
  interface FastifyRequest {
    /** Who is asking (anonymous when nobody signed in). Set before validation, on every request. */
    identity: Identity;
    /** The portal session, when the caller used the session cookie. */
    session?: Session;
    /** The decision that let this request through, for routes with a permission (not scoped ones). */
    decision?: Decision;
    /** The entities the caller may see, for `scoped` routes; no entity on other routes while auth is on. */
    readScope: EntityScope;
  }
  interface FastifyInstance {
    authorization: Authorization;
  }
}

export const SESSION_COOKIE = 'pave_session';
export const CSRF_COOKIE = 'pave_csrf';
export const LOGIN_COOKIE = 'pave_login';
export const CSRF_HEADER = 'x-pave-csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const ACTION = /^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+$/;

/**
 * Installs enforcement on the root server: call it before any route is registered. Collects every
 * route (onRoute), authenticates every request (onRequest: bearer token, session cookie with CSRF
 * check, guest), and checks each route's declared permission after validation (preHandler).
 * @example const server = Fastify(); await registerAuthorization(server, app); await server.register(routes);
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any type provider and logger
export function registerAuthorization(server: FastifyInstance<any, any, any, any, any>, app: PaveApp): Authorization {
  const routes: DeclaredRoute[] = [];
  const authorization: Authorization = {
    app,
    routes,
    undeclared: () => routes.filter(r => r.api && !r.public && r.action === undefined),
  };
  server.decorate('authorization', authorization);
  server.decorateRequest('identity', null as unknown as Identity);
  server.decorateRequest('session', undefined);
  server.decorateRequest('decision', undefined);
  server.decorateRequest<EntityScope>('readScope', null as unknown as EntityScope);

  server.addHook('onRoute', routeOptions => {
    const config = (routeOptions.config ?? {}) as { permission?: RoutePermission; public?: boolean };
    const url = routeOptions.url ?? routeOptions.path ?? '';
    if (config.public && config.permission) throw new Error(`Route ${String(routeOptions.method)} ${url} declares both public and a permission; choose one`);
    if (config.permission?.scoped && config.permission.resource) throw new Error(`Route ${String(routeOptions.method)} ${url} declares a scoped permission with a resource; a scoped route answers many entities, so choose one`);
    if (config.permission && !ACTION.test(config.permission.action)) throw new Error(`Route ${String(routeOptions.method)} ${url} declares the action "${config.permission.action}", which is not of the form module.object.verb`);
    for (const method of [routeOptions.method].flat()) {
      routes.push({
        method: String(method),
        url,
        public: config.public === true,
        action: config.permission?.action,
        hasResource: config.permission?.resource !== undefined,
        api: isApiPath(url),
      });
    }
  });

  server.addHook('onReady', async () => {
    const undeclared = authorization.undeclared().filter(r => r.method !== 'HEAD');
    if (!undeclared.length) return;
    const list = undeclared.map(r => `${r.method} ${r.url}`);
    if (app.auth.enabled) app.logger.error({ routes: list }, `${list.length} API route(s) declare no permission and are refused until they do`);
    else app.logger.warn({ routes: list }, `${list.length} API route(s) declare no permission (allowed only because auth.enabled is false)`);
  });
  if (!app.auth.enabled) app.logger.warn('Authorization is disabled (auth.enabled: false): every request acts as an anonymous admin. Never run like this in production.');
  if (app.config.auth.enabled && app.config.auth.guest) {
    app.logger.warn(`Guest sign-in is on (auth.guest): anyone who reaches this server can act as ${app.config.auth.guestUser}. Turn it off in production.`);
  }

  server.addHook('onRequest', async (request: FastifyRequest) => {
    request.identity = ANONYMOUS;
    request.readScope = app.auth.enabled ? NO_ENTITIES : ALL_ENTITIES;
    if (!app.auth.enabled) {
      request.identity = AUTH_DISABLED;
      return;
    }
    if (request.is404) return;
    const config = request.routeOptions.config as { permission?: RoutePermission; public?: boolean };
    const url = request.routeOptions.url ?? '';
    const isPublic = config.public === true || !isApiPath(url);
    if (!isPublic && !config.permission) {
      request.log.error({ route: `${request.method} ${url}` }, 'route declares no permission: refused');
      throw new PaveError({
        type: 'https://pave.dev/problems/undeclared-permission',
        title: 'Internal error',
        status: 500,
        detail: `${request.method} ${url} declares no permission, so Pave refuses it rather than leave it open; this has been logged`,
      });
    }
    let authentication;
    try {
      authentication = await app.auth.authenticate({ bearer: bearerFrom(request.headers.authorization), sessionSecret: request.cookies?.[SESSION_COOKIE] });
    } catch (error) {
      if (!isPublic) throw error;
      authentication = { identity: ANONYMOUS };
    }
    // A token limited to MCP tools acts, on a tool's requests, with that tool's actions (see mcp-scopes.ts).
    request.identity = mcpScopedIdentity(authentication.identity, url, mcpCallOf(request.headers));
    if (authentication.session) {
      request.session = authentication.session;
      if (!SAFE_METHODS.has(request.method)) {
        const sent = request.headers[CSRF_HEADER];
        if (typeof sent !== 'string' || !safeEqual(sent, authentication.session.csrfToken)) {
          throw forbidden(`A signed-in browser must send its CSRF token in the ${CSRF_HEADER} header (the ${CSRF_COOKIE} cookie) on ${request.method} requests`, undefined, { action: config.permission?.action ?? 'csrf' });
        }
      }
    }
    if (!isPublic && !isSignedIn(request.identity)) {
      throw unauthorized(`Sign in to ${config.permission!.action}: send an API token (Authorization: Bearer …) or sign in at /api/auth/login`, undefined, { action: config.permission!.action });
    }
  });

  server.addHook('preHandler', async (request: FastifyRequest) => {
    if (!app.auth.enabled || request.is404) return;
    const permission = (request.routeOptions.config as { permission?: RoutePermission }).permission;
    if (!permission) return;
    if (permission.scoped) {
      request.readScope = await app.auth.permissions.readScope(request.identity, permission.action);
      // Nothing at all to see: the same 403 problem as a route the rules refuse (the policy denies
      // the action on no resource whenever it denies it on every entity).
      if (request.readScope.type === 'none') await app.auth.permissions.authorize(request.identity, permission.action);
      return;
    }
    const resource = permission.resource ? await permission.resource(request) : undefined;
    request.decision = await app.auth.permissions.authorize(request.identity, permission.action, resource, await permission.input?.(request));
  });

  return authorization;
}

/** Who and where, for `AuditLog.record` and the services that record: address, user agent, request id. */
export function auditContext(request: FastifyRequest): AuditContext {
  const userAgent = request.headers['user-agent'];
  // A tool call of the MCP server in this process (its secret proves it): recorded as made through MCP, by which client.
  const mcp = mcpCallOf(request.headers);
  return { ip: request.ip, ...(userAgent ? { userAgent } : {}), requestId: String(request.id), ...(mcp ? { via: 'mcp', client: mcp.client } : {}) };
}

/**
 * Checks a permission inside a handler, for the rare route that learns its resource late. Prefer the
 * route's `config.permission`, which the authorization matrix can see.
 */
export async function requirePermission(request: FastifyRequest, action: string, resource?: ResourceInput): Promise<Decision> {
  return request.server.authorization.app.auth.permissions.authorize(request.identity, action, resource);
}

/**
 * Leaves out of a list what the caller may not read (`catalog.entity.read` unless another action is
 * given). Items are entities unless `toResource` says how to get a ref or entity from one. On a
 * `scoped` route the query already left those out in SQL: this is the final guard, free when the
 * caller may read everything, and it logs a warning if it ever finds something to remove.
 * @example return filterReadable(request, await catalog.entities.list({ …, scope: request.readScope }));
 * @example results: await filterReadable(request, hits, { toResource: hit => hit.entityRef })
 */
export async function filterReadable<T>(request: FastifyRequest, items: readonly T[], options: { action?: string; toResource?: (item: T) => ResourceInput } = {}): Promise<T[]> {
  const action = options.action ?? 'catalog.entity.read';
  const permission = (request.routeOptions.config as { permission?: RoutePermission }).permission;
  const scopedHere = permission?.scoped === true && permission.action === action;
  if (scopedHere && request.readScope.type === 'all') return [...items];
  const toResource = options.toResource ?? ((item: T) => item as unknown as Entity);
  const readable = await request.server.authorization.app.auth.permissions.filter(request.identity, action, items, toResource);
  if (scopedHere && readable.length !== items.length) {
    request.log.warn({ removed: items.length - readable.length }, 'the read scope let through entities the policy refuses; they were removed from the answer (totals may disagree)');
  }
  return readable;
}

/**
 * Like `filterReadable`, but keeps each item's place: what the caller may not read becomes null (for
 * answers whose positions mean something, such as `by-refs`).
 * @example items: await readableOrNull(request, await catalog.entities.byRefs(refs))
 */
export async function readableOrNull<T>(request: FastifyRequest, items: ReadonlyArray<T | null>, options: { action?: string; toResource?: (item: T) => ResourceInput } = {}): Promise<Array<T | null>> {
  const present = items.filter((item): item is T => item !== null);
  const readable = new Set(await filterReadable(request, present, options));
  return items.map(item => (item !== null && readable.has(item) ? item : null));
}

/**
 * Who makes a change and from where, for services that record the change's audit entry (and stamp its
 * events) in the change's own transaction.
 * @example await catalog.saveEntity(body, changeAuthor(request));
 */
export function changeAuthor(request: FastifyRequest): ChangeAuthor {
  return { actor: request.identity, context: auditContext(request) };
}

/**
 * Refuses an entity change the caller may not make beyond the route's own permission: guarded fields
 * (group membership, a move to another team) and published kinds (Template, Location, Capability).
 * @example await authorizeEntityChange(request, { before, after: body });
 */
export async function authorizeEntityChange(request: FastifyRequest, change: EntityChange): Promise<void> {
  await authorizeEntityChanges(request.server.authorization.app.auth.permissions, request.identity, [change]);
}

/**
 * The check a location registration makes once the location is read: whoever registers may load what
 * it holds, except guarded changes they may not make.
 * @example await catalog.locations.register(body, { authorize: locationContentCheck(request) });
 */
export function locationContentCheck(request: FastifyRequest): (entities: Entity[]) => Promise<void> {
  const app = request.server.authorization.app;
  return entities => authorizeEntityWrites(app.auth.permissions, app.catalog.entities, request.identity, entities);
}

/**
 * The entity a write route acts on: the stored one, else the submitted body as a new entity (whose
 * submitted relations do not count: owners come from its spec).
 */
export function storedOrSubmitted(stored: Entity | undefined, body: Entity): Entity {
  return stored ?? unsaved(body);
}

/**
 * A resource resolver for routes with `:kind/:namespace/:name` params.
 * @example config: { permission: { action: 'catalog.entity.write', resource: refFromNameParams } }
 */
export function refFromNameParams(request: FastifyRequest): string {
  const params = request.params as { kind: string; namespace: string; name: string };
  return stringifyEntityRef(parseEntityRef({ kind: params.kind, namespace: params.namespace, name: params.name }));
}

/** Whether a route path is part of the API (and so must declare its permission). */
export function isApiPath(url: string): boolean {
  return url === '/api' || url.startsWith('/api/');
}

/** Sets the session cookies after a sign-in: the HttpOnly session and the CSRF token the portal echoes. */
export function setSessionCookies(reply: FastifyReply, secure: boolean, secret: string, csrfToken: string, maxAgeSeconds: number): void {
  const base = { path: '/', sameSite: 'lax' as const, secure, maxAge: maxAgeSeconds };
  void reply.setCookie(SESSION_COOKIE, secret, { ...base, httpOnly: true });
  void reply.setCookie(CSRF_COOKIE, csrfToken, { ...base, httpOnly: false });
}

export function clearSessionCookies(reply: FastifyReply, secure: boolean): void {
  for (const [name, httpOnly] of [[SESSION_COOKIE, true], [CSRF_COOKIE, false]] as const) {
    void reply.clearCookie(name, { path: '/', sameSite: 'lax', secure, httpOnly });
  }
}
