import { Type, type FastifyPluginAsyncTypebox, type Static } from '@fastify/type-provider-typebox';
import { stringifyEntityRef } from '../../core/entity-ref.js';
import type { DocsService } from '../../catalog/docs/docs-service.js';
import { errorResponses } from '../schemas.js';
import { refFromNameParams } from '../authorize.js';

const NameParams = Type.Object({ kind: Type.String(), namespace: Type.String(), name: Type.String() });
const NavItem = Type.Recursive(self => Type.Object({ title: Type.String(), path: Type.Optional(Type.String()), children: Type.Optional(Type.Array(self)) }), { $id: 'DocsNavItem' });

/** An entity's TechDocs-style Markdown docs (`backstage.io/techdocs-ref: dir:…`), for the portal to render. */
export const docsRoutes: FastifyPluginAsyncTypebox<{ docs: DocsService }> = async (app, { docs }) => {
  app.get(
    '/docs/by-name/:kind/:namespace/:name',
    {
      config: { permission: { action: 'catalog.entity.read', resource: refFromNameParams } },
      schema: {
        tags: ['docs'],
        summary: "An entity's docs site: its name and navigation (from mkdocs.yml)",
        params: NameParams,
        response: { 200: Type.Object({ siteName: Type.String(), nav: Type.Array(NavItem) }), ...errorResponses(404) },
      },
    },
    async request => docs.site(stringifyEntityRef(request.params)),
  );

  app.get(
    '/docs/by-name/:kind/:namespace/:name/page',
    {
      config: { permission: { action: 'catalog.entity.read', resource: refFromNameParams } },
      schema: {
        tags: ['docs'],
        summary: 'One Markdown page of an entity\'s docs',
        params: NameParams,
        querystring: Type.Object({ path: Type.String({ minLength: 1 }) }),
        response: { 200: Type.Object({ path: Type.String(), markdown: Type.String() }), ...errorResponses(400, 404) },
      },
    },
    async request => docs.page(stringifyEntityRef(request.params as Static<typeof NameParams>), request.query.path),
  );

  app.get(
    '/docs/by-name/:kind/:namespace/:name/asset',
    {
      config: { permission: { action: 'catalog.entity.read', resource: refFromNameParams } },
      schema: {
        tags: ['docs'],
        summary: "An image of an entity's docs",
        params: NameParams,
        querystring: Type.Object({ path: Type.String({ minLength: 1 }) }),
        response: { 200: { description: 'The image', content: { 'image/*': { schema: { type: 'string', format: 'binary' } } } }, ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const asset = await docs.asset(stringifyEntityRef(request.params as Static<typeof NameParams>), request.query.path);
      // An SVG may carry script: served sandboxed, it can never run as part of Pave's origin.
      return reply.type(asset.contentType).header('content-security-policy', "sandbox; default-src 'none'; style-src 'unsafe-inline'").send(asset.content);
    },
  );
};
