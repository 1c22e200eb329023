import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { PlatformService } from '../../platform/platform-service.js';
import { errorResponses } from '../schemas.js';
import { changeAuthor, filterReadable, type RoutePermission } from '../authorize.js';
import { requestFacts } from '../../platform/change-events.js';
import { teamRef } from '../../platform/binding-service.js';
import { ApprovalDecisionSchema } from '../../platform/model/approval-decision.js';
import { RequestActionsSchema, type RequestActions } from '../../platform/model/request-actions.js';
import { SseStream } from '../sse-stream.js';
import { destinationForReader, runForReader } from '../../platform/local-locations.js';

/** Any JSON object (documents are validated by the platform service, which names every mistake). */
const Document = Type.Object({}, { additionalProperties: true });
const Items = Type.Object({ items: Type.Array(Document) });
const NamespacedParams = Type.Object({ namespace: Type.String(), name: Type.String() });

/** Namespace and name of the request in a body (the body itself, or its `request`); nothing else is read from it. */
function namesInBody(request: FastifyRequest): { namespace: string; name: string } | undefined {
  const body = (request.body ?? {}) as { request?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  const metadata = ((body.request ?? body) as typeof body).metadata ?? {};
  return typeof metadata.namespace === 'string' && typeof metadata.name === 'string' ? { namespace: metadata.namespace, name: metadata.name } : undefined;
}

/**
 * The platform API under /api/platform: capabilities (publish, list, get), destinations, requests
 * (apply, get, list, delete), runs and their logs, a dry-run render, and a server-sent event stream of
 * changes. Each handler is one call to the platform service.
 */
export const platformRoutes: FastifyPluginAsyncTypebox<{ platform: PlatformService }> = async (app, { platform }) => {
  // The owner always comes from the platform service (stored with the request, or the namespace's team
  // from configuration and catalog), never from the body: an annotation there cannot move a request.
  const ownedRequest = (action: string, judgesInput = false) => ({
    permission: {
      action,
      resource: async (request: FastifyRequest) => {
        const { namespace, name } = request.params as { namespace: string; name: string };
        return platform.requestResource(namespace, name);
      },
      // Rules may judge the request's stored document (e.g. never delete one whose spec says prod).
      ...(judgesInput
        ? {
            input: (request: FastifyRequest) => {
              const { namespace, name } = request.params as { namespace: string; name: string };
              return platform.getRequest(namespace, name);
            },
          }
        : {}),
    },
  });
  // What acting on a request needs, declared once: the routes that act and `/actions`, which tells the portal
  // which buttons to offer, decide on these same resources and inputs.
  const deleting = ownedRequest('platform.request.delete', true);
  const extending = ownedRequest('platform.request.extend');
  const deciding = {
    permission: {
      action: 'platform.approval.decide',
      // Checked against the request's approving groups, never its owning team: a team does not approve itself.
      resource: async (request: FastifyRequest) => {
        const { namespace, name } = request.params as { namespace: string; name: string };
        return platform.approvalResource(namespace, name);
      },
    },
  } satisfies { permission: RoutePermission };
  /** The request document in the body, for rules that judge what is asked for. */
  const bodyInput = (request: FastifyRequest) => request.body;
  /** The body's request; `required`: a namespace with no owning team is refused (422) before anything else. */
  const requestInBody = (required: boolean) => async (request: FastifyRequest) => {
    const names = namesInBody(request);
    return names && platform.requestResource(names.namespace, names.name, { required });
  };

  // ── capabilities ──
  app.get(
    '/capabilities',
    { config: { permission: { action: 'platform.capability.read' } }, schema: { tags: ['platform'], summary: 'Published capabilities (the marketplace): newest revision and versions of each', response: { 200: Items } } },
    async () => ({ items: (await platform.listCapabilities()) as unknown as Array<Record<string, unknown>> }),
  );

  app.post(
    '/capabilities',
    {
      config: { permission: { action: 'platform.capability.publish' } },
      schema: {
        tags: ['platform'],
        summary: 'Publish a capability revision (every mistake reported at once; a version is immutable)',
        body: Document,
        response: { 200: Document, 201: Document, ...errorResponses(400, 409, 422) },
      },
    },
    async (request, reply) => {
      const result = await platform.publishCapability(request.body, changeAuthor(request));
      return reply.status(result.outcome === 'created' ? 201 : 200).send(result as unknown as Record<string, unknown>);
    },
  );

  app.get(
    '/capabilities/:name',
    {
      config: { permission: { action: 'platform.capability.read' } },
      schema: { tags: ['platform'], summary: 'The newest revision of a capability, with every version', params: Type.Object({ name: Type.String() }), response: { 200: Document, ...errorResponses(404) } },
    },
    async request => {
      const revision = await platform.getCapability(request.params.name);
      return { ...revision, versions: await platform.capabilities.versions(request.params.name) } as unknown as Record<string, unknown>;
    },
  );

  app.get(
    '/capabilities/:name/versions/:version',
    {
      config: { permission: { action: 'platform.capability.read' } },
      schema: { tags: ['platform'], summary: 'One revision of a capability', params: Type.Object({ name: Type.String(), version: Type.String() }), response: { 200: Document, ...errorResponses(404) } },
    },
    async request => (await platform.getCapability(request.params.name, request.params.version)) as unknown as Record<string, unknown>,
  );

  app.delete(
    '/capabilities/:name',
    {
      config: { permission: { action: 'platform.capability.delete' } },
      schema: { tags: ['platform'], summary: 'Remove a capability (refused while requests use it)', params: Type.Object({ name: Type.String() }), response: { 204: Type.Null({ description: 'Removed' }), ...errorResponses(404, 409) } },
    },
    async (request, reply) => {
      await platform.deleteCapability(request.params.name, changeAuthor(request));
      return reply.status(204).send(null);
    },
  );

  // ── destinations ──
  app.get(
    '/destinations',
    { config: { permission: { action: 'platform.destination.read' } }, schema: { tags: ['platform'], summary: 'Destinations (git repositories with labels)', response: { 200: Items } } },
    async request => {
      const full = await seesServerPaths(request);
      return { items: (await platform.listDestinations()).map(d => (full ? d : destinationForReader(d))) as unknown as Array<Record<string, unknown>> };
    },
  );

  app.post(
    '/destinations',
    {
      config: { permission: { action: 'platform.destination.write' } },
      schema: { tags: ['platform'], summary: 'Create or replace a destination', body: Document, response: { 200: Document, 201: Document, ...errorResponses(400, 422) } },
    },
    async (request, reply) => {
      const result = await platform.applyDestination(request.body, changeAuthor(request));
      return reply.status(result.outcome === 'created' ? 201 : 200).send(result as unknown as Record<string, unknown>);
    },
  );

  app.get(
    '/destinations/:name',
    {
      config: { permission: { action: 'platform.destination.read' } },
      schema: { tags: ['platform'], summary: 'One destination', params: Type.Object({ name: Type.String() }), response: { 200: Document, ...errorResponses(404) } },
    },
    async request => {
      const destination = await platform.getDestination(request.params.name);
      return ((await seesServerPaths(request)) ? destination : destinationForReader(destination)) as unknown as Record<string, unknown>;
    },
  );

  app.delete(
    '/destinations/:name',
    {
      config: { permission: { action: 'platform.destination.delete' } },
      schema: { tags: ['platform'], summary: 'Remove a destination (refused while it holds requests)', params: Type.Object({ name: Type.String() }), response: { 204: Type.Null({ description: 'Removed' }), ...errorResponses(404, 409) } },
    },
    async (request, reply) => {
      await platform.deleteDestination(request.params.name, changeAuthor(request));
      return reply.status(204).send(null);
    },
  );

  // ── requests ──
  app.get(
    '/requests',
    {
      config: { permission: { action: 'platform.request.read' } },
      schema: {
        tags: ['platform'],
        summary: 'Requests, optionally of one namespace, kind or capability',
        querystring: Type.Object({ namespace: Type.Optional(Type.String()), kind: Type.Optional(Type.String()), capability: Type.Optional(Type.String()) }),
        response: { 200: Items },
      },
    },
    async request => {
      // The same rule as one request's route: each request's read decided on its Resource, owned by its team.
      const readable = await filterReadable(request, await platform.listRequests(request.query), {
        action: 'platform.request.read',
        toResource: view => requestFacts(view.metadata.namespace, view.metadata.name, view.status.owner),
      });
      return { items: readable as unknown as Array<Record<string, unknown>> };
    },
  );

  app.get(
    '/namespaces',
    {
      config: { permission: { action: 'platform.request.read' } },
      schema: {
        tags: ['platform'],
        summary: 'The namespaces requests can be made in, each with its owning team and whether the caller may request there and bind capabilities for it',
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ namespace: Type.String(), owner: Type.String(), mayRequest: Type.Boolean(), mayBind: Type.Boolean() })) }) },
      },
    },
    async request => {
      const namespaces = await platform.namespaces();
      const allowed = new Set(await filterReadable(request, namespaces, { action: 'platform.request.create', toResource: ns => requestFacts(ns.namespace, '*', ns.owner) }));
      // Binding is checked against the team (as POST /bindings does), for any capability.
      const binders = new Set(await filterReadable(request, namespaces, { action: 'platform.binding.create', toResource: ns => platform.bindings.facts(ns.namespace, '*') }));
      return { items: namespaces.map(ns => ({ ...ns, mayRequest: allowed.has(ns), mayBind: binders.has(ns) })) };
    },
  );

  app.post(
    '/requests',
    {
      config: { permission: { action: 'platform.request.create', resource: requestInBody(true), input: bodyInput } },
      schema: {
        tags: ['platform'],
        summary: 'Apply a request (create or update); it is validated against its capability schema, then reconciled',
        body: Document,
        response: { 200: Document, 201: Document, ...errorResponses(400, 409, 422) },
      },
    },
    async (request, reply) => {
      const result = await platform.applyRequest(request.body, changeAuthor(request));
      return reply.status(result.outcome === 'created' ? 201 : 200).send(result as unknown as Record<string, unknown>);
    },
  );

  app.get(
    '/requests/:namespace/:name',
    {
      config: ownedRequest('platform.request.read'),
      schema: { tags: ['platform'], summary: 'One request with its status (phase, conditions, outputs, deliveries)', params: NamespacedParams, response: { 200: Document, ...errorResponses(404) } },
    },
    async request => (await platform.getRequest(request.params.namespace, request.params.name)) as unknown as Record<string, unknown>,
  );

  app.get(
    '/requests/:namespace/:name/actions',
    {
      config: ownedRequest('platform.request.read'),
      schema: {
        tags: ['platform'],
        summary: 'What the caller may do with a request now (delete, extend, decide its approval), as the rules decide: for offering only those buttons',
        params: NamespacedParams,
        response: { 200: RequestActionsSchema, ...errorResponses(404) },
      },
    },
    async (request): Promise<RequestActions> => {
      const permissions = request.server.authorization.app.auth.permissions;
      // The acting routes' own permissions, applied to this request's params (the same :namespace/:name).
      const may = async ({ permission }: { permission: RoutePermission }) =>
        (await permissions.decide(request.identity, permission.action, await permission.resource?.(request), await permission.input?.(request))).allowed;
      return { delete: await may(deleting), extend: await may(extending), decide: await may(deciding) };
    },
  );

  app.delete(
    '/requests/:namespace/:name',
    {
      config: deleting,
      schema: {
        tags: ['platform'],
        summary: 'Delete a request: its delete steps run, its files are pruned in a commit, then it is removed (202)',
        params: NamespacedParams,
        response: { 202: Document, ...errorResponses(404) },
      },
    },
    async (request, reply) => reply.status(202).send((await platform.deleteRequest(request.params.namespace, request.params.name, changeAuthor(request))) as unknown as Record<string, unknown>),
  );

  app.post(
    '/requests/:namespace/:name/reconcile',
    {
      config: ownedRequest('platform.request.reconcile'),
      schema: { tags: ['platform'], summary: 'Reconcile a request now (e.g. after fixing what made it fail)', params: NamespacedParams, response: { 202: Type.Null({ description: 'Queued' }), ...errorResponses(404) } },
    },
    async (request, reply) => {
      await platform.reconcileNow(request.params.namespace, request.params.name, changeAuthor(request));
      return reply.status(202).send(null);
    },
  );

  app.post(
    '/requests/:namespace/:name/extend',
    {
      config: extending,
      schema: {
        tags: ['platform'],
        summary: "Move a request's expiry to `ttl` from now (never past its capability's maximum after its creation)",
        params: NamespacedParams,
        body: Type.Object({ ttl: Type.String({ minLength: 1, maxLength: 32, description: 'A duration such as 90m, 12h or 7d' }) }, { additionalProperties: false }),
        response: { 200: Document, ...errorResponses(404, 409, 422) },
      },
    },
    async request => (await platform.extendRequest(request.params.namespace, request.params.name, request.body.ttl, changeAuthor(request))) as unknown as Record<string, unknown>,
  );

  app.post(
    '/requests/:namespace/:name/approval',
    {
      config: deciding,
      schema: {
        tags: ['platform'],
        summary: "Approve or reject a request's newest generation waiting for approval, with a reason",
        params: NamespacedParams,
        body: ApprovalDecisionSchema,
        response: { 200: Document, ...errorResponses(404, 409, 422) },
      },
    },
    async request => (await platform.decideRequest(request.params.namespace, request.params.name, request.body, changeAuthor(request))) as unknown as Record<string, unknown>,
  );

  app.get(
    '/requests/:namespace/:name/runs',
    {
      config: { permission: { action: 'platform.run.read' } },
      schema: {
        tags: ['platform'],
        summary: "A request's runs, newest first (kept after the request is deleted)",
        params: NamespacedParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
        response: { 200: Items },
      },
    },
    async request => {
      const runs = await platform.listRuns(request.params.namespace, request.params.name, request.query.limit);
      return { items: ((await seesServerPaths(request)) ? runs : runs.map(runForReader)) as unknown as Array<Record<string, unknown>> };
    },
  );

  // ── bindings ──
  const BindingParams = Type.Object({ team: Type.String({ description: "The team's namespace (its Group's name)" }), capability: Type.String() });
  const ownedBinding = (action: string) => ({
    permission: { action, resource: async (request: FastifyRequest) => platform.bindings.facts((request.params as { team: string }).team, (request.params as { capability: string }).capability) },
  });

  app.get(
    '/bindings',
    {
      config: { permission: { action: 'platform.binding.read' } },
      schema: {
        tags: ['platform'],
        summary: "Teams' bindings of capabilities, optionally of one team (its namespace) or capability",
        querystring: Type.Object({ team: Type.Optional(Type.String()), capability: Type.Optional(Type.String()) }),
        response: { 200: Items },
      },
    },
    async request => {
      const { team, capability } = request.query;
      const items = await platform.bindings.list({ ...(team ? { team: teamRef(team) } : {}), ...(capability ? { capability } : {}) });
      return { items: items as unknown as Array<Record<string, unknown>> };
    },
  );

  app.post(
    '/bindings',
    {
      config: {
        permission: {
          action: 'platform.binding.create',
          // Checked against the team the body names: only its owners bind for it.
          resource: async (request: FastifyRequest) => {
            const body = (request.body ?? {}) as { metadata?: { namespace?: unknown }; spec?: { capability?: unknown } };
            const team = typeof body.metadata?.namespace === 'string' ? body.metadata.namespace : undefined;
            return team ? platform.bindings.facts(team, typeof body.spec?.capability === 'string' ? body.spec.capability : '*') : undefined;
          },
        },
      },
      schema: {
        tags: ['platform'],
        summary: 'Bind a capability for a team (self-service, or waiting for the capability owner when its offer says approval), choosing a version channel',
        body: Document,
        response: { 200: Document, 201: Document, ...errorResponses(400, 422) },
      },
    },
    async (request, reply) => {
      const result = await platform.bindings.apply(request.body, changeAuthor(request));
      return reply.status(result.outcome === 'created' ? 201 : 200).send(result as unknown as Record<string, unknown>);
    },
  );

  app.get(
    '/bindings/:team/:capability',
    { config: { permission: { action: 'platform.binding.read' } }, schema: { tags: ['platform'], summary: "A team's binding of a capability", params: BindingParams, response: { 200: Document, ...errorResponses(404) } } },
    async request => (await platform.bindings.get(request.params.team, request.params.capability)) as unknown as Record<string, unknown>,
  );

  app.delete(
    '/bindings/:team/:capability',
    {
      config: ownedBinding('platform.binding.delete'),
      schema: { tags: ['platform'], summary: "Remove a team's binding (refused while the team has requests of the capability)", params: BindingParams, response: { 204: Type.Null({ description: 'Removed' }), ...errorResponses(404, 409) } },
    },
    async (request, reply) => {
      await platform.bindings.remove(request.params.team, request.params.capability, changeAuthor(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/bindings/:team/:capability/decision',
    {
      config: {
        permission: {
          action: 'platform.binding.approve',
          // Checked against the capability's owner: its team decides who binds it.
          resource: async (request: FastifyRequest) => {
            const { team, capability } = request.params as { team: string; capability: string };
            return platform.bindings.approverFacts(team, capability);
          },
        },
      },
      schema: {
        tags: ['platform'],
        summary: "Approve or reject a team's binding waiting for approval, with a reason",
        params: BindingParams,
        body: ApprovalDecisionSchema,
        response: { 200: Document, ...errorResponses(404, 409, 422) },
      },
    },
    async request =>
      (await platform.bindings.decide(request.params.team, request.params.capability, request.body, changeAuthor(request))) as unknown as Record<
        string,
        unknown
      >,
  );

  // ── runs ──
  app.get(
    '/runs/:id',
    {
      config: { permission: { action: 'platform.run.read' } },
      schema: { tags: ['platform'], summary: 'One run: steps with logs, outputs, file diff and commits', params: Type.Object({ id: Type.String() }), response: { 200: Document, ...errorResponses(404) } },
    },
    async request => {
      const run = await platform.getRun(request.params.id);
      return ((await seesServerPaths(request)) ? run : runForReader(run)) as unknown as Record<string, unknown>;
    },
  );

  app.get(
    '/runs/:id/logs',
    {
      config: { permission: { action: 'platform.run.read' } },
      schema: { tags: ['platform'], summary: "A run's logs as plain text", params: Type.Object({ id: Type.String() }), response: { 200: Type.String(), ...errorResponses(404) } },
    },
    async (request, reply) => reply.type('text/plain; charset=utf-8').send(await platform.runLog(request.params.id)),
  );

  // ── dry run ──
  app.post(
    '/render',
    {
      config: { permission: { action: 'platform.request.render', resource: requestInBody(false), input: bodyInput }, limit: 'renders' },
      schema: {
        tags: ['platform'],
        summary:
          'Render a request without side effects: the files that would be committed, outputs and placement. With `capability`, renders with that (unpublished) capability instead: only for those who may publish capabilities',
        body: Type.Object({ request: Document, capability: Type.Optional(Document) }),
        response: { 200: Document, ...errorResponses(400, 403, 422) },
      },
    },
    async request =>
      (await platform.render(request.body.request, { caller: request.identity, ...(request.body.capability !== undefined ? { capability: request.body.capability } : {}) })) as unknown as Record<string, unknown>,
  );

  // ── events ──
  app.get(
    '/events',
    {
      config: { permission: { action: 'platform.event.read' } },
      schema: {
        tags: ['platform'],
        summary:
          'Server-sent events: the platform.* events of the event log appended after the client connected (or, with Last-Event-ID, after that event), optionally of one namespace and name; each has its seq as id and its type as event name',
        querystring: Type.Object({ namespace: Type.Optional(Type.String()), name: Type.Optional(Type.String()) }),
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ description: 'The seq of the last event seen: the stream resumes after it' })) }),
        response: { 200: Type.String({ description: 'text/event-stream' }), ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const controller = new AbortController();
      // Fails with a 400 problem before any bytes are sent when Last-Event-ID is not an event's seq.
      const events = await platform.watchEvents({ ...request.query, lastEventId: request.headers['last-event-id'], signal: controller.signal });
      const stream = SseStream.open(request, reply);
      stream.signal.addEventListener('abort', () => controller.abort(), { once: true });
      // `connected`: every change appended from now on is sent, whichever replica makes it.
      stream.comment('connected');
      try {
        for await (const event of events) stream.send(event.type, event, event.seq);
      } catch (error) {
        stream.fail(error);
      } finally {
        stream.close();
      }
    },
  );
};

/** Whether the caller sees the server paths of destinations on this machine: who may change destinations (SECURITY.md §27). */
async function seesServerPaths(request: FastifyRequest): Promise<boolean> {
  return (await request.server.authorization.app.auth.permissions.decide(request.identity, 'platform.destination.write')).allowed;
}
