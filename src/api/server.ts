import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { PaveApp } from '../app.js';
import { packageRoot } from '../core/package-root.js';
import { ProblemSchema } from './schemas.js';
import { registerProblemHandler } from './problem-handler.js';
import { catalogEntityRoutes } from './routes/catalog-entity-routes.js';
import { catalogLocationRoutes } from './routes/catalog-location-routes.js';
import { searchRoutes } from './routes/search-routes.js';
import { systemRoutes } from './routes/system-routes.js';

const BODY_LIMIT = 5 * 1024 * 1024;

/**
 * Builds the HTTP server: the API under /api (one plugin per module, each route typed by its JSON
 * schema, which also yields /api/openapi.json) and the portal at /.
 */
export async function createServer(app: PaveApp, options: { portalDir?: string } = {}): Promise<FastifyInstance> {
  const server = Fastify({
    loggerInstance: app.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    disableRequestLogging: true,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  server.addSchema(ProblemSchema);
  registerProblemHandler(server);
  await server.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Pave API', version: '0.1.0', description: 'Software catalog (Backstage-compatible routes), search, golden paths and the platform API.' },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });

  await server.register(
    async api => {
      await api.register(catalogEntityRoutes, { prefix: '/catalog', catalog: app.catalog });
      await api.register(catalogLocationRoutes, { prefix: '/catalog', catalog: app.catalog });
      await api.register(searchRoutes, { catalog: app.catalog });
      await api.register(systemRoutes, { app });
      api.get('/openapi.json', { schema: { hide: true } }, async () => server.swagger());
    },
    { prefix: '/api' },
  );

  const portalDir = options.portalDir ?? join(packageRoot(), 'web', 'dist');
  if (existsSync(join(portalDir, 'index.html'))) {
    await server.register(fastifyStatic, { root: portalDir, wildcard: false, index: ['index.html'] });
    // The portal routes in the browser: any other page answers with its shell.
    server.setNotFoundHandler((request, reply) => {
      if (request.method === 'GET' && !request.url.startsWith('/api/')) return reply.type('text/html').sendFile('index.html');
      return reply
        .status(404)
        .type('application/problem+json')
        .send({ type: 'https://pave.dev/problems/not-found', title: 'Not found', status: 404, detail: `No route ${request.method} ${request.url.split('?')[0]}` });
    });
  }
  return server;
}
