import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CatalogService } from '../../catalog/catalog-service.js';
import { StringList, asList, errorResponses } from '../schemas.js';
import { filterReadable } from '../authorize.js';

/** Ranked full-text search over the catalog, over what the caller may read. */
export const searchRoutes: FastifyPluginAsyncTypebox<{ catalog: CatalogService }> = async (app, { catalog }) => {
  app.get(
    '/search',
    {
      config: { permission: { action: 'catalog.entity.read', scoped: true }, limit: 'search' },
      schema: {
        tags: ['search'],
        summary: 'Full-text search: every word must match, the last one as a prefix; best first',
        querystring: Type.Object({
          q: Type.String({ maxLength: 500 }),
          kind: StringList,
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
        }),
        response: {
          200: Type.Object({
            query: Type.String(),
            results: Type.Array(
              Type.Object({
                entityRef: Type.String(),
                kind: Type.String(),
                namespace: Type.String(),
                name: Type.String(),
                title: Type.Optional(Type.String()),
                description: Type.Optional(Type.String()),
                score: Type.Number(),
              }),
            ),
          }),
          ...errorResponses(400),
        },
      },
    },
    async request => {
      const hits = await catalog.search({ query: request.query.q, kinds: asList(request.query.kind), limit: request.query.limit, scope: request.readScope });
      return { query: request.query.q, results: await filterReadable(request, hits, { toResource: hit => hit.entityRef }) };
    },
  );
};
