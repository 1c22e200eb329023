import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LocationRegistration } from '../../catalog/location-service.js';
import { stringifyEntityRef } from '../../core/entity-ref.js';
import type { CatalogService } from '../../catalog/catalog-service.js';
import { EntitySchema, PartialEntitySchema, errorResponses } from '../schemas.js';
import { queryLocations } from '../../catalog/location-query.js';
import { analyzeLocation } from '../../catalog/analyze-location.js';
import { SseStream } from '../sse-stream.js';
import { changeAuthor, locationContentCheck, refFromNameParams } from '../authorize.js';

const LocationSchema = Type.Object({ id: Type.String(), type: Type.String(), target: Type.String() });
const LocationInputSchema = Type.Object({ type: Type.String(), target: Type.String() }, { additionalProperties: false });
const ProblemItem = Type.Object({ pointer: Type.String(), detail: Type.String() }, { additionalProperties: true });
/**
 * A registration answers with at most this many entities (a dry run with all of them). Backstage answers
 * `entities: []` once a location is added; a short list helps a person, 100k entities would be 100 MB.
 */
const REGISTERED_ENTITIES_SHOWN = 1000;
const LocationSummarySchema = Type.Object({
  state: Type.Union([Type.Literal('pending'), Type.Literal('refreshing'), Type.Literal('done'), Type.Literal('failed')]),
  lastRefreshAt: Type.Optional(Type.String()),
  entityCount: Type.Integer(),
  errorCount: Type.Integer(),
});
const LocationStatusSchema = Type.Composite([LocationSummarySchema, Type.Object({ errors: Type.Array(ProblemItem) })]);

/** Backstage-compatible location routes under /api/catalog, plus each location's ingestion status. */
export const catalogLocationRoutes: FastifyPluginAsyncTypebox<{ catalog: CatalogService }> = async (app, { catalog }) => {
  app.post(
    '/locations',
    {
      config: { permission: { action: 'catalog.location.create' }, limit: 'locations' },
      schema: {
        tags: ['catalog'],
        summary: 'Register a location (read at once), or preview it with dryRun=true (201 either way, as in Backstage)',
        description:
          `entities lists what the location produced: all of it for a dry run, the first ${REGISTERED_ENTITIES_SHOWN} otherwise (entityCount says how many there are; all are queryable when the answer comes). ` +
          'With Accept: text/event-stream the answer is server-sent events instead: one `file` event per file read ({ source, entities, errors }), then `result` (the registration with its refresh summary) or `problem` (RFC 9457).',
        querystring: Type.Object({
          dryRun: Type.Optional(Type.Boolean()),
          onConflict: Type.Optional(Type.Union([Type.Literal('reject'), Type.Literal('refresh')], { description: 'refresh: a target registered already is refreshed (201, exists: true) instead of refused with 409' })),
        }),
        body: Type.Object({
          type: Type.String(),
          target: Type.String(),
          editMode: Type.Optional(Type.Union([Type.Literal('direct'), Type.Literal('branch')], { description: 'git locations: where portal edits are committed' })),
        }),
        response: {
          201: Type.Object({
            location: LocationSchema,
            entities: Type.Array(EntitySchema),
            entityCount: Type.Integer({ description: 'entities the location produced (entities may list fewer)' }),
            exists: Type.Boolean(),
            errors: Type.Array(ProblemItem),
          }),
          ...errorResponses(400, 409),
        },
      },
    },
    async (request, reply) => {
      const dryRun = request.query.dryRun === true;
      if (request.headers.accept?.includes('text/event-stream')) return registerWithProgress(catalog, request, reply, dryRun);
      // Backstage answers 201 for a dry run too, and its catalog client accepts nothing else.
      const result = await catalog.locations.register(request.body, { dryRun, onConflict: request.query.onConflict, authorize: locationContentCheck(request), author: changeAuthor(request) });
      const entities = dryRun ? result.entities : result.entities.slice(0, REGISTERED_ENTITIES_SHOWN);
      return reply.status(201).send({ location: result.location, entities, entityCount: result.entities.length, exists: result.exists, errors: result.errors });
    },
  );

  app.get(
    '/locations',
    {
      config: { permission: { action: 'catalog.location.read' } },
      schema: {
        tags: ['catalog'],
        summary: 'List registered locations',
        description: 'Each item is `{ data }` as in Backstage; with `status=true` it also carries `status`: the location’s state, last refresh and counts (its problems: GET /locations/{id}).',
        querystring: Type.Object({ status: Type.Optional(Type.Boolean()) }),
        response: { 200: Type.Array(Type.Object({ data: LocationSchema, status: Type.Optional(LocationSummarySchema) })) },
      },
    },
    async request =>
      request.query.status
        ? (await catalog.locations.listWithStatus()).map(({ status, ...data }) => ({ data, status }))
        : (await catalog.locations.list()).map(data => ({ data })),
  );

  app.get(
    '/locations/:id',
    {
      config: { permission: { action: 'catalog.location.read' } },
      schema: {
        tags: ['catalog'],
        summary: 'One location with its ingestion status (state is done after a completed refresh)',
        params: Type.Object({ id: Type.String() }),
        response: { 200: Type.Composite([LocationSchema, Type.Object({ status: LocationStatusSchema })]), ...errorResponses(404) },
      },
    },
    async request => catalog.locations.get(request.params.id),
  );

  app.delete(
    '/locations/:id',
    {
      config: { permission: { action: 'catalog.location.delete' } },
      schema: {
        tags: ['catalog'],
        summary: 'Remove a location and the entities it produced',
        params: Type.Object({ id: Type.String() }),
        response: { 204: Type.Null({ description: 'Removed' }), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      await catalog.locations.remove(request.params.id, changeAuthor(request));
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/locations/:id',
    {
      // Pointing a location elsewhere removes what only the old target held (as removing it would), and loads what
      // the new one holds under the same content check as registering it.
      config: { permission: { action: 'catalog.location.delete' }, limit: 'locations' },
      schema: {
        tags: ['catalog'],
        summary: 'Point a location at another target (Backstage’s updateLocation); read and applied at once',
        params: Type.Object({ id: Type.String() }),
        body: LocationInputSchema,
        response: { 200: LocationSchema, ...errorResponses(400, 404, 409) },
      },
    },
    async request => catalog.locations.update(request.params.id, request.body, { authorize: locationContentCheck(request), author: changeAuthor(request) }),
  );

  app.post(
    '/locations/by-query',
    {
      config: { permission: { action: 'catalog.location.read' } },
      schema: {
        tags: ['catalog'],
        summary: 'Locations a filter predicate selects over id, type and target, in pages (Backstage’s queryLocations)',
        body: Type.Union([
          Type.Object({ query: Type.Optional(Type.Unknown()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })) }, { additionalProperties: false }),
          Type.Object({ cursor: Type.String({ minLength: 1 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })) }, { additionalProperties: false }),
        ]),
        response: { 200: Type.Object({ items: Type.Array(LocationSchema), totalItems: Type.Integer(), pageInfo: Type.Object({ nextCursor: Type.Optional(Type.String()) }) }), ...errorResponses(400) },
      },
    },
    async request => queryLocations(await catalog.locations.list(), request.body),
  );

  app.post(
    '/analyze-location',
    {
      config: { permission: { action: 'catalog.location.create' }, limit: 'locations' },
      schema: {
        tags: ['catalog'],
        summary: 'What registering a location would bring (Backstage’s catalog-import page): its entity files, or a Component to generate',
        body: Type.Object({ location: LocationInputSchema, catalogFilename: Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: '^[^/#:]+$' })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            existingEntityFiles: Type.Array(Type.Object({ location: LocationInputSchema, isRegistered: Type.Boolean(), entity: EntitySchema })),
            generateEntities: Type.Array(
              Type.Object({
                entity: PartialEntitySchema,
                fields: Type.Array(Type.Object({ field: Type.String(), state: Type.String(), value: Type.Union([Type.String(), Type.Null()]), description: Type.String() })),
              }),
            ),
          }),
          ...errorResponses(400),
        },
      },
    },
    async request => analyzeLocation(catalog.locations, request.body, locationContentCheck(request)),
  );

  app.get(
    '/locations/by-entity/:kind/:namespace/:name',
    {
      config: { permission: { action: 'catalog.location.read', resource: refFromNameParams } },
      schema: {
        tags: ['catalog'],
        summary: 'The location that produced an entity',
        params: Type.Object({ kind: Type.String(), namespace: Type.String(), name: Type.String() }),
        response: { 200: LocationSchema, ...errorResponses(404) },
      },
    },
    async request => catalog.locations.byEntityRef(stringifyEntityRef(request.params)),
  );

  app.post(
    '/locations/:id/refresh',
    {
      config: { permission: { action: 'catalog.location.refresh' }, limit: 'locations' },
      schema: {
        tags: ['catalog'],
        summary: 'Refresh one location now and return its status',
        params: Type.Object({ id: Type.String() }),
        response: { 200: Type.Composite([LocationSchema, Type.Object({ status: LocationStatusSchema })]), ...errorResponses(404) },
      },
    },
    async request => {
      await catalog.locations.refresh(request.params.id, { author: changeAuthor(request) });
      return catalog.locations.get(request.params.id);
    },
  );
};

/** Registers a location while streaming each file read, for clients that show progress (`pave catalog import`). */
async function registerWithProgress(catalog: CatalogService, request: FastifyRequest, reply: FastifyReply, dryRun: boolean): Promise<void> {
  const stream = SseStream.open(request, reply);
  try {
    const result = await catalog.locations.register(request.body as LocationRegistration, { dryRun, authorize: locationContentCheck(request), author: changeAuthor(request), onFile: (source, counts) => stream.send('file', { source, ...counts }) });
    stream.send('result', result);
  } catch (error) {
    stream.fail(error);
  } finally {
    stream.close();
  }
}
