import { Readable } from 'node:stream';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { PaveApp } from '../../app.js';
import { PaveError, badRequest, isPaveError, notFound } from '../../core/problem.js';
import type { TokenRecord } from '../../auth/token-service.js';
import type { Identity } from '../../auth/identity.js';
import { errorResponses } from '../schemas.js';
import { LOGIN_COOKIE, SESSION_COOKIE, auditContext, clearSessionCookies, setSessionCookies } from '../authorize.js';

const IdentitySchema = Type.Object({
  principal: Type.String({ description: '`user:<ns>/<name>`, `service:<name>` or `anonymous`' }),
  userRef: Type.Optional(Type.String()),
  displayName: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
  groups: Type.Array(Type.String(), { description: 'Every group, direct and inherited from parent groups' }),
  roles: Type.Array(Type.String()),
  via: Type.String(),
  scopes: Type.Optional(Type.Array(Type.String())),
});

const TokenSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.Union([Type.Literal('personal'), Type.Literal('service')]),
  principal: Type.String(),
  groups: Type.Array(Type.String()),
  scopes: Type.Array(Type.String()),
  prefix: Type.String({ description: 'The first characters of the secret' }),
  createdBy: Type.String(),
  createdAt: Type.String(),
  expiresAt: Type.String(),
  revokedAt: Type.Optional(Type.String()),
  revokedBy: Type.Optional(Type.String()),
  lastUsedAt: Type.Optional(Type.String()),
  state: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')]),
});

const RuleResourceSchema = Type.Object(
  {
    kinds: Type.Optional(Type.Array(Type.String())),
    namespaces: Type.Optional(Type.Array(Type.String())),
    refs: Type.Optional(Type.Array(Type.String())),
    owners: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: true },
);

const RuleSchema = Type.Object({
  id: Type.String(),
  description: Type.String(),
  effect: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
  actions: Type.Array(Type.String()),
  subjects: Type.Array(Type.String()),
  resource: Type.Optional(RuleResourceSchema),
  input: Type.Optional(
    Type.Array(
      Type.Object({
        pointer: Type.String(),
        equals: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
        oneOf: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
        matches: Type.Optional(Type.String()),
        not: Type.Optional(Type.Boolean()),
      }),
      { description: "Conditions on the action's input (JSON pointers compared to values), see auth/input-condition.ts" },
    ),
  ),
  source: Type.Union([Type.Literal('default'), Type.Literal('config'), Type.Literal('store')]),
});

/** A rule as sent: validated by the permission service, which names each mistake. */
const RuleInputSchema = Type.Object({}, { additionalProperties: true, description: 'A rule: id, description, effect, actions, subjects, resource, input' });

const DecisionSchema = Type.Object({
  allowed: Type.Boolean(),
  action: Type.String(),
  principal: Type.String(),
  resourceRef: Type.Optional(Type.String()),
  rule: Type.Optional(RuleSchema),
  reason: Type.String(),
  matched: Type.Array(Type.Object({ id: Type.String(), effect: Type.String(), source: Type.String() })),
  identity: Type.Object({ principal: Type.String(), groups: Type.Array(Type.String()), roles: Type.Array(Type.String()) }),
});

const AuditEntrySchema = Type.Object({
  id: Type.String(),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  entityRef: Type.Optional(Type.String()),
  ip: Type.Optional(Type.String()),
  userAgent: Type.Optional(Type.String()),
  requestId: Type.Optional(Type.String()),
  beforeHash: Type.Optional(Type.String({ description: 'SHA-256 of the canonical JSON before the change' })),
  afterHash: Type.Optional(Type.String({ description: 'SHA-256 of the canonical JSON after the change' })),
  detail: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

const AuditFilter = {
  actor: Type.Optional(Type.String()),
  entityRef: Type.Optional(Type.String()),
  action: Type.Optional(Type.String({ description: 'An action or a glob such as auth.*' })),
  since: Type.Optional(Type.String({ description: 'ISO-8601 time, inclusive' })),
  until: Type.Optional(Type.String({ description: 'ISO-8601 time, exclusive' })),
};

/**
 * Sign-in (OpenID Connect, guest), sign-out and who-am-I under /api/auth; API tokens; permission rules
 * and explanations under /api/permissions; the audit log under /api/audit. Handlers only translate HTTP
 * to the auth services.
 */
export const authRoutes: FastifyPluginAsyncTypebox<{ app: PaveApp }> = async (api, { app }) => {
  const { auth } = app;
  const secure = () => app.config.baseUrl.startsWith('https:');

  api.get(
    '/auth/methods',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'How one can sign in here',
        response: { 200: Type.Object({ enabled: Type.Boolean(), oidc: Type.Boolean(), guest: Type.Boolean() }) },
      },
    },
    async () => ({ enabled: auth.enabled, ...auth.methods() }),
  );

  api.get(
    '/auth/login',
    {
      config: { public: true, limit: 'signIn' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in: redirects to the OpenID Connect provider (or, with method=guest, signs in as the demo guest)',
        querystring: Type.Object({
          returnTo: Type.Optional(Type.String({ maxLength: 2000, description: 'A path on this server to come back to' })),
          method: Type.Optional(Type.Union([Type.Literal('oidc'), Type.Literal('guest')])),
        }),
        response: {
          302: Type.Null({ description: "To the identity provider's sign-in page" }),
          303: Type.Null({ description: 'Signed in as the guest: back to returnTo' }),
          ...errorResponses(400, 403, 404, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const returnTo = localPath(request.query.returnTo);
      const methods = auth.methods();
      const method = request.query.method ?? (methods.oidc ? 'oidc' : methods.guest ? 'guest' : undefined);
      if (method === 'guest') {
        const { secret, session } = await auth.signInAsGuest(auditContext(request));
        setSessionCookies(reply, secure(), secret, session.csrfToken, app.config.auth.sessionTtlHours * 3600);
        return reply.redirect(returnTo, 303);
      }
      if (method === 'oidc' && methods.oidc) {
        const { url, loginSecret } = await auth.oidc.start(returnTo);
        void reply.setCookie(LOGIN_COOKIE, loginSecret, { path: '/api/auth', httpOnly: true, sameSite: 'lax', secure: secure(), maxAge: 600 });
        return reply.redirect(url.href, 302);
      }
      throw notFound(method ? `Sign-in with ${method} is not configured here` : 'No sign-in method is configured (auth.oidc or auth.guest)');
    },
  );

  api.get(
    '/auth/callback',
    {
      config: { public: true, limit: 'signIn' },
      schema: {
        tags: ['auth'],
        summary: 'Where the OpenID Connect provider sends the browser back; starts the session',
        querystring: Type.Object({}, { additionalProperties: true }),
        response: { 303: Type.Null({ description: 'Signed in: back to the returnTo of the sign-in' }), ...errorResponses(400, 401, 403, 429, 503) },
      },
    },
    async (request, reply) => {
      const callbackUrl = new URL(request.url, app.config.baseUrl);
      void reply.clearCookie(LOGIN_COOKIE, { path: '/api/auth', httpOnly: true, sameSite: 'lax', secure: secure() });
      const { secret, session, returnTo } = await auth.signInWithOidc(callbackUrl, request.cookies[LOGIN_COOKIE], auditContext(request));
      setSessionCookies(reply, secure(), secret, session.csrfToken, app.config.auth.sessionTtlHours * 3600);
      return reply.redirect(returnTo, 303);
    },
  );

  api.post(
    '/auth/logout',
    {
      config: { public: true, limit: 'signIn' },
      schema: { tags: ['auth'], summary: 'Sign out: ends the portal session (send x-pave-csrf)', response: { 204: Type.Null({ description: 'Signed out' }), ...errorResponses(403, 429) } },
    },
    async (request, reply) => {
      const secret = request.cookies[SESSION_COOKIE];
      if (secret) await auth.signOut(secret, auditContext(request));
      clearSessionCookies(reply, secure());
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/auth/me',
    {
      config: { permission: { action: 'auth.session.read' } },
      schema: {
        tags: ['auth'],
        summary: 'Who the caller is: principal, groups (inherited ones too), roles; the CSRF token for a portal session',
        response: {
          200: Type.Composite([IdentitySchema, Type.Object({ csrfToken: Type.Optional(Type.String()), sessionExpiresAt: Type.Optional(Type.String()) })]),
          ...errorResponses(401, 403),
        },
      },
    },
    async request => ({
      ...identityBody(request.identity),
      ...(request.session ? { csrfToken: request.session.csrfToken, sessionExpiresAt: request.session.expiresAt } : {}),
    }),
  );

  api.get(
    '/auth/tokens',
    {
      config: { permission: { action: 'auth.token.read' }, limit: 'tokens' },
      schema: {
        tags: ['auth'],
        summary: "The caller's API tokens (all=true or principal=…: anyone's, for admins)",
        querystring: Type.Object({ all: Type.Optional(Type.Boolean()), principal: Type.Optional(Type.String()) }),
        response: { 200: Type.Object({ items: Type.Array(TokenSchema) }), ...errorResponses(401, 403, 429) },
      },
    },
    async request => ({ items: await auth.tokens.list(request.identity, { all: request.query.all, principal: request.query.principal }) }),
  );

  api.post(
    '/auth/tokens',
    {
      config: { permission: { action: 'auth.token.create' }, limit: 'tokens' },
      schema: {
        tags: ['auth'],
        summary: 'Create an API token; the secret is in the answer and never again',
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 100 }),
          kind: Type.Optional(Type.Union([Type.Literal('personal'), Type.Literal('service')])),
          user: Type.Optional(Type.String({ description: 'Personal token for another user (admins)' })),
          service: Type.Optional(Type.String({ description: 'Service name, for a service token (admins)' })),
          groups: Type.Optional(Type.Array(Type.String(), { description: 'Groups a service token acts for' })),
          scopes: Type.Optional(Type.Array(Type.String(), { minItems: 1, description: "Action globs, e.g. 'catalog.*'" })),
          expiresInDays: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
        }),
        response: { 201: Type.Composite([Type.Object({ token: Type.String({ description: 'The secret: shown once' }) }), TokenSchema]), ...errorResponses(400, 401, 403, 422, 429) },
      },
    },
    async (request, reply) => {
      const { token, record } = await auth.tokens.create(request.identity, request.body, auditContext(request));
      return reply.status(201).send({ token, ...record });
    },
  );

  api.delete(
    '/auth/tokens/:id',
    {
      config: { permission: { action: 'auth.token.revoke' }, limit: 'tokens' },
      schema: {
        tags: ['auth'],
        summary: 'Revoke an API token, at once',
        params: Type.Object({ id: Type.String() }),
        response: { 200: TokenSchema, ...errorResponses(401, 403, 404, 429) },
      },
    },
    async request => auth.tokens.revoke(request.identity, request.params.id, auditContext(request)) satisfies Promise<TokenRecord>,
  );

  api.get(
    '/permissions/rules',
    {
      config: { permission: { action: 'auth.rule.read' } },
      schema: {
        tags: ['permissions'],
        summary: 'Every rule in force: default policy, configuration and stored rules',
        response: { 200: Type.Object({ items: Type.Array(RuleSchema) }), ...errorResponses(401, 403) },
      },
    },
    async () => ({ items: await auth.permissions.rules() }),
  );

  api.get(
    '/permissions/rules/:id',
    {
      config: { permission: { action: 'auth.rule.read' } },
      schema: { tags: ['permissions'], summary: 'One rule', params: Type.Object({ id: Type.String() }), response: { 200: RuleSchema, ...errorResponses(401, 403, 404) } },
    },
    async request => auth.permissions.rule(request.params.id),
  );

  api.put(
    '/permissions/rules/:id',
    {
      config: { permission: { action: 'auth.rule.write' } },
      schema: {
        tags: ['permissions'],
        summary: 'Create or replace a stored rule (admins)',
        params: Type.Object({ id: Type.String() }),
        body: RuleInputSchema,
        response: { 200: RuleSchema, 201: RuleSchema, ...errorResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body as Record<string, unknown>;
      if (body.id !== undefined && body.id !== request.params.id) throw badRequest(`The body describes rule ${String(body.id)}, not ${request.params.id}`, [{ pointer: '/id', detail: 'must match the id in the URL' }]);
      const { rule, created } = await auth.permissions.saveRule(request.identity, { ...body, id: request.params.id }, auditContext(request));
      return reply.status(created ? 201 : 200).send(rule);
    },
  );

  api.delete(
    '/permissions/rules/:id',
    {
      config: { permission: { action: 'auth.rule.write' } },
      schema: {
        tags: ['permissions'],
        summary: 'Remove a stored rule (admins)',
        params: Type.Object({ id: Type.String() }),
        response: { 204: Type.Null({ description: 'Removed' }), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await auth.permissions.deleteRule(request.identity, request.params.id, auditContext(request));
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/permissions/explain',
    {
      config: { permission: { action: 'auth.permission.explain' } },
      schema: {
        tags: ['permissions'],
        summary: 'Whether a user (default: the caller) may do an action on an entity, and which rule says so',
        description:
          'Tells the caller nothing its read rules hide: a User it may not read answers as one the catalog does not hold (422), ' +
          "an entity it may not read is explained as if the catalog did not hold it, and another user's groups are listed only when the caller may read them.",
        querystring: Type.Object({
          user: Type.Optional(Type.String({ description: 'A User ref; default the caller' })),
          action: Type.String({ minLength: 1 }),
          resourceRef: Type.Optional(Type.String()),
          input: Type.Optional(Type.String({ maxLength: 64 * 1024, description: 'The action\'s input as JSON (a task\'s {"templateRef", "values"}, a request document), for rules with input conditions' })),
        }),
        response: { 200: DecisionSchema, ...errorResponses(400, 401, 403, 422) },
      },
    },
    async request => {
      const { user, action, resourceRef } = request.query;
      const input = jsonQueryValue(request.query.input, 'input');
      const explanation = await asQueryFieldErrors(auth.permissions.explain(user ?? request.identity, action, resourceRef, request.identity, input));
      return { ...explanation, identity: { ...explanation.identity, groups: [...explanation.identity.groups], roles: [...explanation.identity.roles] } };
    },
  );

  api.get(
    '/audit',
    {
      config: { permission: { action: 'audit.log.query' } },
      schema: {
        tags: ['audit'],
        summary: 'Audit entries, newest first: who did what to which entity, when and from where',
        querystring: Type.Object({ ...AuditFilter, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })), cursor: Type.Optional(Type.String()) }),
        response: { 200: Type.Object({ items: Type.Array(AuditEntrySchema), nextCursor: Type.Optional(Type.String()) }), ...errorResponses(400, 401, 403) },
      },
    },
    async request => auth.audit.query(request.query),
  );

  api.get(
    '/audit/export',
    {
      config: { permission: { action: 'audit.log.export' } },
      schema: {
        tags: ['audit'],
        summary: 'The audit log as JSON lines, oldest first (same filters as /api/audit)',
        querystring: Type.Object(AuditFilter),
        produces: ['application/x-ndjson'],
        response: { 200: Type.Unsafe<Readable>({ type: 'string', description: 'One audit entry as JSON per line' }), ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const entries = auth.audit.export(request.query);
      const lines = Readable.from(
        (async function* () {
          for await (const entry of entries) yield JSON.stringify(entry) + '\n';
        })(),
      );
      return reply.type('application/x-ndjson; charset=utf-8').header('content-disposition', 'attachment; filename="pave-audit.jsonl"').send(lines);
    },
  );
};

function identityBody(identity: Identity) {
  return {
    principal: identity.principal,
    ...(identity.userRef ? { userRef: identity.userRef } : {}),
    ...(identity.displayName ? { displayName: identity.displayName } : {}),
    ...(identity.email ? { email: identity.email } : {}),
    groups: [...identity.groups],
    roles: [...identity.roles],
    via: identity.via,
    ...(identity.scopes ? { scopes: [...identity.scopes] } : {}),
  };
}

/** Only paths on this server are followed after sign-in (no open redirects). */
function localPath(returnTo: string | undefined): string {
  if (!returnTo) return '/';
  if (!returnTo.startsWith('/') || returnTo.startsWith('//') || returnTo.startsWith('/\\') || /[\r\n]/.test(returnTo)) {
    throw badRequest('returnTo must be a path on this server, such as /catalog', [{ pointer: '/querystring/returnTo', detail: 'must start with a single /' }]);
  }
  return returnTo;
}

/**
 * A service names the arguments it was given (`/user`); over HTTP they are query fields, named as
 * request validation names them (`/querystring/user`).
 */
async function asQueryFieldErrors<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!isPaveError(error) || !error.problem.errors) throw error;
    throw new PaveError({ ...error.problem, errors: error.problem.errors.map(field => ({ ...field, pointer: `/querystring${field.pointer}` })) });
  }
}

/** A query parameter holding JSON; a 400 naming it when it does not parse. */
function jsonQueryValue(text: string | undefined, name: string): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequest(`${name} must be JSON: ${(error as Error).message}`, [{ pointer: `/querystring/${name}`, detail: 'must be JSON', rule: 'format' }]);
  }
}
