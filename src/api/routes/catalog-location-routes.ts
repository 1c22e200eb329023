import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { stringifyEntityRef } from '../../core/entity-ref.js';
import type { CatalogService } from '../../catalog/catalog-service.js';
import { EntitySchema, errorResponses } from '../schemas.js';
import { recordAudit, refFromNameParams } from '../authorize.js';

const LocationSchema = Type.Object({ id: Type.String(), type: Type.String(), target: Type.String() });
const ProblemItem = Type.Object({ pointer: Type.String(), detail: Type.String() }, { additionalProperties: true });
const LocationStatusSchema = Type.Object({
  state: Type.Union([Type.Literal('pending'), Type.Literal('refreshing'), Type.Literal('done'), Type.Literal('failed')]),
  lastRefreshAt: Type.Optional(Type.String()),
  entityCount: Type.Integer(),
  errorCount: Type.Integer(),
  errors: Type.Array(ProblemItem),
});

/** Backstage-compatible location routes under /api/catalog, plus each location's ingestion status. */
export const catalogLocationRoutes: FastifyPluginAsyncTypebox<{ catalog: CatalogService }> = async (app, { catalog }) => {
  app.post(
    '/locations',
    {
      config: { permission: { action: 'catalog.location.create' } },
      schema: {
        tags: ['catalog'],
        summary: 'Register a location (read at once), or preview it with dryRun=true (201 either way, as in Backstage)',
        querystring: Type.Object({ dryRun: Type.Optional(Type.Boolean()) }),
        body: Type.Object({
          type: Type.String(),
          target: Type.String(),
          editMode: Type.Optional(Type.Union([Type.Literal('direct'), Type.Literal('branch')], { description: 'git locations: where portal edits are committed' })),
        }),
        response: {
          201: Type.Object({ location: LocationSchema, entities: Type.Array(EntitySchema), exists: Type.Boolean(), errors: Type.Array(ProblemItem) }),
          ...errorResponses(400, 409),
        },
      },
    },
    async (request, reply) => {
      // Backstage answers 201 for a dry run too, and its catalog client accepts nothing else.
      const result = await catalog.locations.register(request.body, { dryRun: request.query.dryRun === true });
      return reply.status(201).send({ location: result.location, entities: result.entities, exists: result.exists, errors: result.errors });
    },
  );

  app.get(
    '/locations',
    {
      config: { permission: { action: 'catalog.location.read' } }, schema: { tags: ['catalog'], summary: 'List registered locations', response: { 200: Type.Array(Type.Object({ data: LocationSchema })) } } },
    async () => (await catalog.locations.list()).map(data => ({ data })),
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
      const before = await catalog.locations.get(request.params.id);
      await catalog.locations.remove(request.params.id);
      await recordAudit(request, { action: 'catalog.location.delete', before: { id: before.id, type: before.type, target: before.target } });
      return reply.status(204).send(null);
    },
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
      config: { permission: { action: 'catalog.location.refresh' } },
      schema: {
        tags: ['catalog'],
        summary: 'Refresh one location now and return its status',
        params: Type.Object({ id: Type.String() }),
        response: { 200: Type.Composite([LocationSchema, Type.Object({ status: LocationStatusSchema })]), ...errorResponses(404) },
      },
    },
    async request => {
      await catalog.locations.refresh(request.params.id);
      return catalog.locations.get(request.params.id);
    },
  );
};
