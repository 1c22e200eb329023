import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { EventsService } from '../../events/events-service.js';
import type { WebhookDelivery } from '../../events/delivery-store.js';
import type { WebhookSubscription } from '../../events/webhook-subscription.js';
import type { WebhookWithSecret } from '../../events/webhook-service.js';
import { errorResponses } from '../schemas.js';
import { auditContext } from '../authorize.js';
import { SseStream } from '../sse-stream.js';

const FilterSchema = Type.Object(
  {
    kinds: Type.Optional(Type.Array(Type.String(), { description: 'Entity kinds, e.g. component' })),
    owners: Type.Optional(Type.Array(Type.String(), { description: 'Owner refs, e.g. group:default/checkout-team' })),
    namespaces: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: true, description: 'Only events whose facts (payload kind/owner/namespace, else the subject ref) match every list given' },
);

const WebhookSchema = Type.Object({
  id: Type.String(),
  url: Type.String(),
  types: Type.Array(Type.String(), { description: 'Event types, exact or prefixes ending in .*' }),
  filter: Type.Optional(FilterSchema),
  enabled: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const WithSecretSchema = Type.Composite([WebhookSchema, Type.Object({ secret: Type.String({ description: 'Signs every delivery (Pave-Signature): shown now and never again' }) })]);

const AttemptSchema = Type.Object({
  attempt: Type.Integer(),
  at: Type.String(),
  statusCode: Type.Optional(Type.Integer()),
  durationMs: Type.Integer(),
  error: Type.Optional(Type.String()),
});

const DeliverySchema = Type.Object({
  id: Type.String(),
  webhookId: Type.String(),
  eventId: Type.String(),
  eventSeq: Type.Integer(),
  eventType: Type.String(),
  state: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  nextAttemptAt: Type.Optional(Type.String()),
  lastStatus: Type.Optional(Type.Integer()),
  lastError: Type.Optional(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  log: Type.Array(AttemptSchema),
});

/** Fields are checked by the service, which names each mistake (422); here only their JSON types. */
const InputFields = {
  url: Type.String({ description: 'http:// or https://; non-public addresses only when events.webhooks.allowedHosts opens them' }),
  types: Type.Array(Type.String()),
  filter: FilterSchema,
  secret: Type.String({ description: 'At least 16 characters; generated when absent' }),
  enabled: Type.Boolean(),
};

const IdParams = Type.Object({ id: Type.String() });

/** One event of the log, as the feed answers it. */
export const EventSchema = Type.Object({
  seq: Type.Integer({ description: 'Monotonic per database: ask for what comes after it' }),
  id: Type.String({ description: 'Stable and unique: de-duplicate on it' }),
  type: Type.String({ description: '<module>.<object>.<verb>, e.g. catalog.entity.updated' }),
  subject: Type.Optional(Type.String()),
  actor: Type.Optional(Type.String()),
  payload: Type.Record(Type.String(), Type.Unknown()),
  at: Type.String(),
});

const FeedQuerySchema = Type.Object({
  after: Type.Optional(Type.String({ maxLength: 20, description: 'The seq of the last event seen (default: from the start)' })),
  types: Type.Optional(Type.String({ maxLength: 2000, description: 'Comma-separated event types, exact or ending in .*' })),
  subject: Type.Optional(Type.String({ maxLength: 1000 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});

/**
 * Outgoing webhooks under /api/events/webhooks: subscriptions (list, get, create, update, delete), a
 * subscription's deliveries with their attempts, redelivery of a dead letter, and a test ping. Admins only
 * under the default policy. Each handler is one call to the webhook service.
 */
export const eventsRoutes: FastifyPluginAsyncTypebox<{ events: EventsService }> = async (api, { events }) => {
  const { webhooks } = events;

  api.get(
    '',
    {
      config: { permission: { action: 'events.event.read' } },
      schema: {
        tags: ['events'],
        summary: 'The event log, a page at a time: only events about what the caller may read',
        description: "Ask again with after=nextCursor for the next page; nextCursor moves past events the caller may not read too. A payload's list of entities (delivery.events.received's entities) names only those the caller may read in the catalog.",
        querystring: FeedQuerySchema,
        response: { 200: Type.Object({ items: Type.Array(EventSchema), nextCursor: Type.Integer() }), ...errorResponses(400) },
      },
    },
    async request => {
      const { types, ...rest } = request.query;
      return events.feed.page(request.identity, { ...rest, ...(types ? { types: typesParam(types) } : {}) });
    },
  );

  api.get(
    '/stream',
    {
      config: { permission: { action: 'events.event.read' } },
      schema: {
        tags: ['events'],
        summary: 'The event log as server-sent events, live: each event the caller may read, its seq as the event id',
        description:
          'Starts after Last-Event-ID (what an EventSource sends when it reconnects), else after `after`, else with what comes next. Each event: `id: <seq>`, `event: <type>`, `data: <the event as JSON>`.',
        querystring: Type.Omit(FeedQuerySchema, ['limit']),
        response: { 200: Type.String({ description: 'text/event-stream' }), ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const { types, ...rest } = request.query;
      // Checked before the stream opens, so a bad cursor is an ordinary 400.
      const start = await events.feed.start(request.headers['last-event-id'] ?? rest.after);
      const stream = SseStream.open(request, reply);
      // Everything appended after `start` will come: a client may make changes it wants to see from here on.
      stream.comment('connected');
      try {
        for await (const batch of events.feed.follow(request.identity, { ...rest, after: start, ...(types ? { types: typesParam(types) } : {}), signal: stream.signal })) {
          for (const event of batch) stream.send(event.type, event, event.seq);
        }
      } catch (error) {
        stream.fail(error);
      } finally {
        stream.close();
      }
    },
  );

  api.get(
    '/webhooks',
    {
      config: { permission: { action: 'events.webhook.read' } },
      schema: { tags: ['events'], summary: 'Webhook subscriptions (never their secrets)', response: { 200: Type.Object({ items: Type.Array(WebhookSchema) }), ...errorResponses(401, 403) } },
    },
    async request => ({ items: await webhooks.list(request.identity) }),
  );

  api.post(
    '/webhooks',
    {
      config: { permission: { action: 'events.webhook.write' } },
      schema: {
        tags: ['events'],
        summary: 'Subscribe a URL to events; the answer holds the signing secret, shown this once',
        body: Type.Object({ ...InputFields, filter: Type.Optional(InputFields.filter), secret: Type.Optional(InputFields.secret), enabled: Type.Optional(InputFields.enabled) }),
        response: { 201: WithSecretSchema, ...errorResponses(400, 401, 403, 422) },
      },
    },
    async (request, reply) => reply.status(201).send((await webhooks.create(request.identity, request.body, auditContext(request))) satisfies WebhookWithSecret),
  );

  api.get(
    '/webhooks/:id',
    {
      config: { permission: { action: 'events.webhook.read' } },
      schema: { tags: ['events'], summary: 'One webhook subscription', params: IdParams, response: { 200: WebhookSchema, ...errorResponses(401, 403, 404) } },
    },
    async request => (await webhooks.get(request.identity, request.params.id)) satisfies WebhookSubscription,
  );

  api.patch(
    '/webhooks/:id',
    {
      config: { permission: { action: 'events.webhook.write' } },
      schema: {
        tags: ['events'],
        summary: 'Change a subscription: the fields given replace the stored ones (filter: null removes it); a new or rotated secret is in the answer, this once',
        params: IdParams,
        body: Type.Object({
          url: Type.Optional(InputFields.url),
          types: Type.Optional(InputFields.types),
          filter: Type.Optional(Type.Union([InputFields.filter, Type.Null()])),
          secret: Type.Optional(InputFields.secret),
          rotateSecret: Type.Optional(Type.Boolean({ description: 'Generate a new secret' })),
          enabled: Type.Optional(InputFields.enabled),
        }),
        response: { 200: Type.Union([WithSecretSchema, WebhookSchema]), ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async request => webhooks.update(request.identity, request.params.id, request.body, auditContext(request)),
  );

  api.delete(
    '/webhooks/:id',
    {
      config: { permission: { action: 'events.webhook.delete' } },
      schema: { tags: ['events'], summary: 'Remove a subscription with its deliveries', params: IdParams, response: { 204: Type.Null({ description: 'Removed' }), ...errorResponses(401, 403, 404) } },
    },
    async (request, reply) => {
      await webhooks.delete(request.identity, request.params.id, auditContext(request));
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/webhooks/:id/deliveries',
    {
      config: { permission: { action: 'events.webhook.read' } },
      schema: {
        tags: ['events'],
        summary: "A subscription's deliveries, newest first, each with its attempts (status, duration, error)",
        params: IdParams,
        querystring: Type.Object({
          state: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead'), Type.Literal('failed')])),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          cursor: Type.Optional(Type.String()),
        }),
        response: { 200: Type.Object({ items: Type.Array(DeliverySchema), nextCursor: Type.Optional(Type.String()) }), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async request => webhooks.deliveries(request.identity, request.params.id, request.query),
  );

  api.post(
    '/webhooks/:id/deliveries/:deliveryId/redeliver',
    {
      config: { permission: { action: 'events.webhook.redeliver' } },
      schema: {
        tags: ['events'],
        summary: 'Send a dead-lettered delivery again (it becomes pending, due now)',
        params: Type.Object({ id: Type.String(), deliveryId: Type.String() }),
        response: { 202: DeliverySchema, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.status(202).send((await webhooks.redeliver(request.identity, request.params.id, request.params.deliveryId, auditContext(request))) satisfies WebhookDelivery),
  );

  api.post(
    '/webhooks/:id/test',
    {
      config: { permission: { action: 'events.webhook.write' } },
      schema: {
        tags: ['events'],
        summary: 'Send a signed test ping (events.webhook.ping) now and answer how it went',
        params: IdParams,
        response: { 200: DeliverySchema, ...errorResponses(401, 403, 404) },
      },
    },
    async request => webhooks.ping(request.identity, request.params.id, auditContext(request)),
  );
};

/** A comma-separated list of event types (or `prefix.*`). */
function typesParam(types: string): string[] {
  return types.split(',').map(type => type.trim()).filter(Boolean);
}
