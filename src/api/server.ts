import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import fastifyStatic from '@fastify/static';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { PaveApp } from '../app.js';
import { packageRoot } from '../core/package-root.js';
import { jsonTextDepth, MAX_NESTING_DEPTH } from '../core/nesting-depth.js';
import { badRequest } from '../core/problem.js';
import { ProblemSchema } from './schemas.js';
import { registerProblemHandler } from './problem-handler.js';
import { catalogEntityRoutes } from './routes/catalog-entity-routes.js';
import { catalogLocationRoutes } from './routes/catalog-location-routes.js';
import { searchRoutes } from './routes/search-routes.js';
import { docsRoutes } from './routes/docs-routes.js';
import { systemRoutes } from './routes/system-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { platformRoutes } from './routes/platform-routes.js';
import { scaffolderRoutes } from './routes/scaffolder-routes.js';
import { gitHttpRoutes, repositoryRoutes } from './routes/repository-routes.js';
import { eventsRoutes } from './routes/events-routes.js';
import { registerAuthorization } from './authorize.js';
import { registerSecurityHeaders } from './security-headers.js';
import { sharedRateLimitStore } from './shared-rate-limit.js';
import { installRouteLimits } from './route-limits.js';
import { RateLimitCounters } from '../store/rate-limit-counters.js';

const BODY_LIMIT = 5 * 1024 * 1024;

/**
 * Builds the HTTP server: the API under /api (one plugin per module, each route typed by its JSON
 * schema, which also yields /api/openapi.json) and the portal at /.
 */
export async function createServer(app: PaveApp, options: { portalDir?: string } = {}): Promise<FastifyInstance> {
  const server = Fastify({
    loggerInstance: app.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Backstage's client sends `Content-Type: application/json` with bodiless DELETEs: an empty body is no body.
  server.removeContentTypeParser('application/json');
  const parseJson = server.getDefaultJsonParser('error', 'error');
  server.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    // Depth is checked on the text, before parsing: validation and serialization recurse, and a body
    // nested a hundred thousand levels deep would overflow the stack (a 500) instead of being refused.
    if (jsonTextDepth(text, MAX_NESTING_DEPTH) > MAX_NESTING_DEPTH) {
      return done(badRequest(`The JSON body nests deeper than ${MAX_NESTING_DEPTH} levels`, [{ pointer: '/body', detail: `must nest at most ${MAX_NESTING_DEPTH} levels deep`, rule: 'depth' }]), undefined);
    }
    return parseJson(request, text, done);
  });
  const portalDir = options.portalDir ?? join(packageRoot(), 'web', 'dist');
  const hasPortal = existsSync(join(portalDir, 'index.html'));
  server.addSchema(ProblemSchema);
  // Identity and permissions first, so every route after this is seen and enforced (see authorize.ts).
  await server.register(cookie);
  // Counters live in the store, so replicas on one database share each limit.
  installRouteLimits(server, app.config.auth.rateLimit);
  await server.register(rateLimit, { global: false, store: sharedRateLimitStore(new RateLimitCounters(app.store)) });
  await registerSecurityHeaders(server, { baseUrl: app.config.baseUrl, portalDir: hasPortal ? portalDir : undefined });
  registerAuthorization(server, app);
  registerProblemHandler(server, hasPortal ? { spaFallback: (_request, reply) => reply.type('text/html').sendFile('index.html') } : {});
  await server.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Pave API', version: '0.1.0', description: 'Software catalog (Backstage-compatible routes), search, golden paths and the platform API.' },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });

  if (hasPortal) await server.register(fastifyStatic, { root: portalDir, wildcard: false, index: ['index.html'] });
  await server.register(
    async api => {
      await api.register(catalogEntityRoutes, { prefix: '/catalog', catalog: app.catalog });
      await api.register(catalogLocationRoutes, { prefix: '/catalog', catalog: app.catalog });
      await api.register(searchRoutes, { catalog: app.catalog });
      await api.register(docsRoutes, { docs: app.catalog.docs });
      await api.register(systemRoutes, { app });
      await api.register(authRoutes, { app });
      await api.register(platformRoutes, { prefix: '/platform', platform: app.platform });
      await api.register(scaffolderRoutes, { prefix: '/scaffolder', scaffolder: app.scaffolder });
      await api.register(repositoryRoutes, { repositories: app.repositories });
      await api.register(eventsRoutes, { prefix: '/events', events: app.events });
      api.get('/openapi.json', { schema: { hide: true }, config: { permission: { action: 'system.openapi.read' } } }, async () => server.swagger());
    },
    { prefix: '/api' },
  );
  // `git clone <baseUrl>/git/<owner>/<repo>.git`: outside /api, as git clients expect.
  await server.register(gitHttpRoutes, { repositories: app.repositories, auth: app.auth });

  return server;
}
