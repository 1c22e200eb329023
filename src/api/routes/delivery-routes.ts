import { Type, type FastifyPluginAsyncTypebox, type Static, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { DeliveryService } from '../../delivery/delivery-service.js';
import { DELIVERY_PROVIDERS, type DeliveryProvider } from '../../delivery/delivery-config.js';
import { RECEIVERS } from '../../delivery/receivers/index.js';
import { windowDays } from '../../delivery/window-param.js';
import { badRequest, notFound, unauthorized } from '../../core/problem.js';
import { errorResponses } from '../schemas.js';
import { auditContext } from '../authorize.js';

/** One delivery event (the generic API); every field is checked by the service, which names each mistake (422). */
export const DeliveryEventSchema = Type.Object(
  {
    id: Type.String({ description: "The sender's own id: stored once however often it is sent" }),
    type: Type.Union([Type.Literal('deployment'), Type.Literal('change'), Type.Literal('incident')]),
    at: Type.String({ description: 'ISO-8601 with a zone: when it happened. More than delivery.clockSkewSeconds ahead of Pave: refused' }),
    entity: Type.Optional(Type.String({ description: 'What it is about: an entity ref (component:default/cart)' })),
    target: Type.Optional(Type.Object({ annotation: Type.String({ description: 'e.g. github.com/project-slug' }), value: Type.String() }, { description: 'Or: the catalog entity with this annotation value' })),
    environment: Type.Optional(Type.String({ description: 'deployment: e.g. production' })),
    status: Type.Optional(Type.String({ description: 'deployment: success | failure; incident: opened | resolved; pull request: opened | merged | closed (unmerged) | reopened' })),
    kind: Type.Optional(Type.Union([Type.Literal('commit'), Type.Literal('pull-request')], { description: 'change: a commit (the default) or a pull/merge request' })),
    pullRequest: Type.Optional(Type.String({ description: "pull request: its key, the same in each of its events (e.g. 'acme/cart#42')" })),
    sha: Type.Optional(Type.String({ description: 'commit: its id; pull request: the commit that merged it; deployment: the commit deployed' })),
    commits: Type.Optional(Type.Array(Type.String(), { description: 'deployment: the commits it shipped, when known; pull request: its own commits (its head), when known' })),
    rework: Type.Optional(Type.Boolean({ description: 'deployment: unplanned, because of an incident' })),
    incident: Type.Optional(Type.String({ description: 'incident: its key, the same when it opens and is resolved' })),
    title: Type.Optional(Type.String()),
    url: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
/** Loose on purpose: the service checks each field and names it (422), so a wrong field never becomes a bare 400. */
const LooseEvent = Type.Unsafe<Static<typeof DeliveryEventSchema>>({ ...DeliveryEventSchema, required: [], properties: {} });

export const IngestResultSchema = Type.Object({
  received: Type.Integer(),
  stored: Type.Integer({ description: 'New events (the others were duplicates)' }),
  duplicates: Type.Integer(),
  unmapped: Type.Integer({ description: 'Stored events no catalog entity was found for (see GET /api/delivery/unmapped)' }),
  requests: Type.Optional(Type.Integer({ description: 'argocd, flux: platform requests whose Synced and Healthy conditions the report updated' })),
});

const Band = Type.Union([Type.Literal('elite'), Type.Literal('high'), Type.Literal('medium'), Type.Literal('low'), Type.Null()]);
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);
export const DoraFiguresSchema = Type.Object({
  deploymentFrequency: Type.Object({ deployments: Type.Integer(), perDay: Type.Number(), perWeek: Type.Number(), band: Band }),
  leadTime: Type.Object({ changes: Type.Integer(), medianHours: NullableNumber, band: Band }),
  changeFailureRate: Type.Object({ deployments: Type.Integer(), failed: Type.Integer(), rate: NullableNumber, band: Band }),
  recoveryTime: Type.Object({ failures: Type.Integer(), recovered: Type.Integer(), medianHours: NullableNumber, band: Band }),
  reworkRate: Type.Object({ deployments: Type.Integer(), rework: Type.Integer(), rate: NullableNumber, band: Type.Null() }),
  unattributedIncidents: Type.Integer(),
});
const WindowSchema = Type.Object({ start: Type.String(), end: Type.String(), days: Type.Number() });
export const DoraReportSchema = Type.Object({
  entity: Type.Optional(Type.String()),
  window: WindowSchema,
  components: Type.Integer({ description: 'Components the figures cover (those the caller may read)' }),
  metrics: DoraFiguresSchema,
  previous: Type.Object(DoraFiguresSchema.properties, { description: 'The same over the window before: the trend' }),
  byComponent: Type.Optional(Type.Array(Type.Object({ entityRef: Type.String(), metrics: Type.Object(DoraFiguresSchema.properties) }))),
  byWeek: Type.Optional(
    Type.Array(
      Type.Object({
        week: Type.String({ description: "The Monday (UTC); the window's first and last week may be cut short" }),
        deployments: Type.Integer({ description: 'Production deployments that week' }),
        leadTimeMedianHours: NullableNumber,
        changeFailureRate: NullableNumber,
        recoveryMedianHours: NullableNumber,
        reworkRate: NullableNumber,
      }),
      { description: 'With weekly=true: the headline figure of each metric, computed over each week of the window alone (trend lines)' },
    ),
  ),
});
export const AdoptionReportSchema = Type.Object({
  window: WindowSchema,
  components: Type.Integer(),
  deploying: Type.Integer({ description: 'Components with a successful production deployment in the window' }),
  deployingShare: NullableNumber,
  fromTemplates: Type.Integer({ description: 'Components made from a golden path (annotation backstage.io/source-template)' }),
  goldenPathShare: NullableNumber,
  teamsDeploying: Type.Integer({ description: 'Teams (owners) with a component deploying to production in the window' }),
  templateRuns: Type.Object({ started: Type.Integer(), completed: Type.Integer(), failed: Type.Integer(), successRate: NullableNumber }),
  activeUsersByWeek: Type.Array(Type.Object({ week: Type.String({ description: 'The Monday (UTC)' }), users: Type.Integer() }), { description: 'People who did anything recorded in the event log, per week' }),
  newComponents: Type.Object(
    { created: Type.Integer(), deployed: Type.Integer(), medianHoursToFirstDeployment: NullableNumber },
    { description: 'Components that appeared in the window (catalog.entity.created) and the median hours to their first production deployment' },
  ),
  platformRequests: Type.Object(
    { applied: Type.Integer(), ready: Type.Integer(), medianHoursToReady: NullableNumber },
    { description: 'Platform requests applied in the window, how many became Ready by its end, and the median hours from apply to Ready' },
  ),
  teamsOnboardedByWeek: Type.Array(Type.Object({ week: Type.String({ description: 'The Monday (UTC)' }), onboarded: Type.Integer(), total: Type.Integer({ description: 'Teams onboarded by the end of that week' }) }), {
    description: "Teams onboarded each week of the window: their first component appeared in the catalog, or their first platform request was applied",
  }),
  templateRunsByWeek: Type.Array(Type.Object({ week: Type.String({ description: 'The Monday (UTC)' }), started: Type.Integer(), completed: Type.Integer(), failed: Type.Integer() }), { description: 'Golden-path runs started, completed and failed each week of the window' }),
  newComponentsByWeek: Type.Array(Type.Object({ week: Type.String({ description: 'The Monday (UTC)' }), created: Type.Integer(), fromTemplates: Type.Integer() }), { description: 'Components that appeared in the catalog each week of the window, and how many of them from a golden path' }),
  platformRequestsByWeek: Type.Array(Type.Object({ week: Type.String({ description: 'The Monday (UTC)' }), applied: Type.Integer(), ready: Type.Integer() }), { description: 'Platform requests applied each week of the window, and requests that became Ready for the first time' }),
});
export const UnmappedTargetSchema = Type.Object({ key: Type.String(), value: Type.String(), events: Type.Integer(), sources: Type.Array(Type.String()), firstAt: Type.String(), lastAt: Type.String() });
export const MappingInputSchema = Type.Object({
  key: Type.String({ description: "The target's key, e.g. github.com/project-slug (or entity)" }),
  value: Type.String(),
  entity: Type.String({ description: 'The entity its events belong to' }),
});
export const DeploymentSchema = Type.Object({
  id: Type.String(),
  source: Type.String(),
  environment: Type.String(),
  status: Type.String(),
  at: Type.String(),
  sha: Type.Optional(Type.String()),
  commits: Type.Optional(Type.Array(Type.String())),
  rework: Type.Boolean(),
  title: Type.Optional(Type.String()),
  url: Type.Optional(Type.String()),
});

const NullableHours = Type.Union([Type.Number(), Type.Null()]);
export const PullRequestReportSchema = Type.Object({
  entity: Type.String(),
  window: WindowSchema,
  summary: Type.Object(
    {
      merged: Type.Integer({ description: 'Pull requests merged in the window' }),
      deployed: Type.Integer({ description: 'Of those, deployed to production' }),
      medianToMergeHours: NullableHours,
      medianToDeployHours: NullableHours,
      medianLeadTimeHours: NullableHours,
      open: Type.Integer({ description: 'Opened in the window, neither merged nor closed' }),
    },
    { description: 'The medians are over the pull requests merged in the window' },
  ),
  items: Type.Array(
    Type.Object({
      key: Type.String(),
      entityRef: Type.String(),
      state: Type.Union([Type.Literal('open'), Type.Literal('merged'), Type.Literal('closed')]),
      title: Type.Optional(Type.String()),
      url: Type.Optional(Type.String()),
      openedAt: Type.Optional(Type.String()),
      firstCommitAt: Type.Optional(Type.String({ description: 'The earliest of its own commits Pave knows as a change' })),
      mergedAt: Type.Optional(Type.String()),
      mergeSha: Type.Optional(Type.String()),
      deployedAt: Type.Optional(Type.String({ description: 'The successful production deployment that shipped its merge commit, at or after the merge' })),
      deployment: Type.Optional(Type.String()),
      hours: Type.Object({
        toMerge: Type.Union([Type.Number(), Type.Null()], { description: 'From the earlier of the first commit and the opening to the merge' }),
        toDeploy: Type.Union([Type.Number(), Type.Null()], { description: 'From the merge to the production deployment' }),
        leadTime: Type.Union([Type.Number(), Type.Null()], { description: 'From the earlier of the first commit and the opening to the production deployment' }),
      }),
    }),
    { description: 'Merged in the window, or opened in it and not merged; newest first' },
  ),
});

const MetricsQuery = Type.Object({
  entity: Type.Optional(Type.String({ maxLength: 300, description: 'A component, system or group ref; none: the organisation' })),
  weekly: Type.Optional(Type.Boolean({ description: 'DORA only: also each week of the window (byWeek)' })),
  window: Type.Optional(Type.String({ maxLength: 10, description: "Days or weeks, e.g. '30d' (default) or '12w'" })),
  end: Type.Optional(Type.String({ maxLength: 40, description: 'The window ends here (ISO-8601); now by default' })),
});

/**
 * Delivery under /api/delivery: the generic events API, the provider webhook receivers (each checks its
 * provider's signature with the secret from delivery.webhooks; public otherwise), unmapped events and
 * their mapping, DORA figures, adoption and an entity's deployments. Each handler is one call to the service.
 */
export const deliveryRoutes: FastifyPluginAsyncTypebox<{ delivery: DeliveryService }> = async (api, { delivery }) => {
  api.post(
    '/events',
    {
      config: { permission: { action: 'delivery.event.write' } },
      schema: {
        tags: ['delivery'],
        summary: 'Send delivery events (deployments, changes, incidents): a batch, idempotent by event id',
        description: 'Either every event is valid and the new ones are stored, or nothing is (422 naming each field). See docs/delivery-metrics.md.',
        body: Type.Object({ events: Type.Array(LooseEvent, { description: 'Delivery events (see DeliveryEvent)' }) }),
        response: { 200: IngestResultSchema, ...errorResponses(400, 401, 403, 422) },
      },
    },
    async request => delivery.ingest(request.identity, request.body.events, auditContext(request)),
  );

  await api.register(async scope => {
    const hooks = scope.withTypeProvider<TypeBoxTypeProvider>();
    // The signature covers the body exactly as sent: it is kept as bytes, never re-serialized.
    hooks.removeAllContentTypeParsers();
    hooks.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: delivery.config.maxWebhookBytes }, (_request, body, done) => done(null, body));
    hooks.post(
      '/webhooks/:provider',
      {
        config: {
          public: true,
          // Counted per provider and client address, in the store shared by replicas (a flood stops before the signature is checked).
          rateLimit: { max: delivery.config.webhookRequestsPerMinute, timeWindow: 60_000, keyGenerator: request => `webhook:${(request.params as { provider?: string }).provider}:${request.ip}` },
        },
        schema: {
          tags: ['delivery'],
          summary: "A provider's webhook (github, gitlab, argocd, flux, pagerduty), checked by the provider's own signature",
          description: 'Wrong or missing signature: 401 and nothing stored. A receiver whose secret is not configured: 404. A payload missing a field: 422 naming it. More than delivery.webhookRequestsPerMinute calls a minute from one address to one provider: 429.',
          params: Type.Object({ provider: Type.String({ description: DELIVERY_PROVIDERS.join(', ') }) }),
          querystring: Type.Object({ environment: Type.Optional(Type.String({ maxLength: 100, description: 'argocd, flux: the environment deployed to (default production)' })) }),
          response: { 200: IngestResultSchema, ...errorResponses(401, 404, 413, 422, 429) },
        },
      },
      async request => {
        const provider = request.params.provider as DeliveryProvider;
        const receiver = (DELIVERY_PROVIDERS as readonly string[]).includes(provider) ? RECEIVERS[provider] : undefined;
        const secret = receiver ? delivery.config.webhooks[provider] : undefined;
        if (!receiver || !secret) throw notFound(`No webhook receiver for ${request.params.provider} is configured`);
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const webhook = { headers: request.headers, body, query: request.query };
        if (!receiver.verify(webhook, secret)) throw unauthorized(`The ${provider} webhook's signature does not match`);
        let payload: unknown;
        try {
          payload = JSON.parse(body.toString('utf8'));
        } catch {
          throw badRequest('The webhook body is not JSON', [{ pointer: '/body', detail: 'must be JSON', rule: 'json' }]);
        }
        const events = delivery.check(receiver.events(payload, webhook), provider, '/events');
        return delivery.receive(provider, events, auditContext(request), receiver.report?.(payload, webhook));
      },
    );
  });

  api.get(
    '/unmapped',
    {
      config: { permission: { action: 'delivery.event.read' } },
      schema: { tags: ['delivery'], summary: 'Keys whose events no catalog entity was found for, with how many events each', response: { 200: Type.Object({ items: Type.Array(UnmappedTargetSchema) }), ...errorResponses(401, 403) } },
    },
    async request => ({ items: await delivery.unmapped(request.identity) }),
  );

  api.post(
    '/mappings',
    {
      config: { permission: { action: 'delivery.mapping.write' } },
      schema: {
        tags: ['delivery'],
        summary: "Attribute a key's events to an entity, those received and those to come",
        body: MappingInputSchema,
        response: { 200: Type.Object({ key: Type.String(), value: Type.String(), entity: Type.String(), events: Type.Integer({ description: 'Events attributed' }) }), ...errorResponses(400, 401, 403, 422) },
      },
    },
    async request => delivery.map(request.identity, request.body, auditContext(request)),
  );

  api.get(
    '/dora',
    {
      config: { permission: { action: 'delivery.metrics.read', scoped: true } },
      schema: {
        tags: ['delivery'],
        summary: "DORA's five metrics with their performance bands, for a component, system, group or the organisation, over a window, with the window before as the trend",
        description: 'Only components the caller may read count. How each figure is computed: docs/delivery-metrics.md.',
        querystring: MetricsQuery,
        response: { 200: DoraReportSchema, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async request => delivery.dora({ ...(request.query.entity ? { entity: request.query.entity } : {}), windowDays: windowDays(request.query.window), ...(request.query.end ? { end: request.query.end } : {}), ...(request.query.weekly ? { weekly: true } : {}), scope: request.readScope }),
  );

  api.get(
    '/adoption',
    {
      config: { permission: { action: 'delivery.metrics.read', scoped: true } },
      schema: {
        tags: ['delivery'],
        summary: 'How much the platform is used over a window: deploying components, golden-path share, template runs',
        querystring: Type.Omit(MetricsQuery, ['entity', 'weekly']),
        response: { 200: AdoptionReportSchema, ...errorResponses(400, 401, 403, 422) },
      },
    },
    async request => delivery.adoption({ windowDays: windowDays(request.query.window), ...(request.query.end ? { end: request.query.end } : {}), scope: request.readScope }),
  );

  api.get(
    '/components/:ref/pull-requests',
    {
      config: { permission: { action: 'delivery.event.read', scoped: true } },
      schema: {
        tags: ['delivery'],
        summary: "Lead time per pull request of a component (or a system's or group's components): first commit (or opening) → merged → deployed to production",
        description: 'The ref is URL-encoded (component%3Adefault%2Fcart) or a bare name (cart). How it is measured: docs/delivery-metrics.md, "Lead time per pull request".',
        params: Type.Object({ ref: Type.String({ maxLength: 300 }) }),
        querystring: Type.Omit(MetricsQuery, ['entity', 'weekly']),
        response: { 200: PullRequestReportSchema, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async request => delivery.pullRequests({ entity: request.params.ref, windowDays: windowDays(request.query.window), ...(request.query.end ? { end: request.query.end } : {}), scope: request.readScope }),
  );

  api.get(
    '/deployments',
    {
      config: { permission: { action: 'delivery.event.read', scoped: true } },
      schema: {
        tags: ['delivery'],
        summary: "A component's latest deployments, newest first",
        querystring: Type.Object({ entity: Type.String({ maxLength: 300 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }),
        response: { 200: Type.Object({ items: Type.Array(DeploymentSchema) }), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async request => ({ items: await delivery.deployments(request.identity, request.query.entity, request.readScope, request.query.limit) }),
  );
};
