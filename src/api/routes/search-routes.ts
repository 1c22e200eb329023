import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CatalogService } from '../../catalog/catalog-service.js';
import { SearchResponseSchema } from '../../catalog/search/search-views.js';
import { StringList, asList, errorResponses } from '../schemas.js';
import { filterReadable } from '../authorize.js';

/** Ranked catalog search over what the caller may read: typo-forgiving, with snippets, facets and pages. */
export const searchRoutes: FastifyPluginAsyncTypebox<{ catalog: CatalogService }> = async (app, { catalog }) => {
  app.get(
    '/search',
    {
      config: { permission: { action: 'catalog.entity.read', scoped: true }, limit: 'search' },
      schema: {
        tags: ['search'],
        summary: 'Catalog search: forgives typos and partial words; results matching more words first, then by where (title, name, description, docs)',
        description:
          'Asked as "who owns X", the owners of what X finds come first. Facets count kind, type, owner and lifecycle among the results. ' +
          'Searches of new words are ranked one at a time; when catalog.maxWaitingSearches (default 256) already wait, the answer is 503 (problem type busy) with Retry-After. ' +
          'A search whose client disconnects before the answer is dropped, waiting or ranking.',
        querystring: Type.Object({
          q: Type.String({ maxLength: 500 }),
          kind: StringList,
          type: StringList,
          owner: StringList,
          lifecycle: StringList,
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
        }),
        response: { 200: SearchResponseSchema, ...errorResponses(400, 503) },
      },
    },
    async request => {
      const { q, kind, type, owner, lifecycle, limit, offset } = request.query;
      const answer = await catalog.search({ query: q, kinds: asList(kind), types: asList(type), owners: asList(owner), lifecycles: asList(lifecycle), limit, offset, scope: request.readScope, signal: request.signal });
      return { ...answer, results: await filterReadable(request, answer.results, { toResource: hit => hit.entityRef }) };
    },
  );
};
