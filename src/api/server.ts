import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { PaveApp } from '../app.js';
import type { PaveModule } from '../pave-module.js';
import { packageRoot } from '../core/package-root.js';
import { jsonTextDepth, MAX_NESTING_DEPTH } from '../core/nesting-depth.js';
import { badRequest } from '../core/problem.js';
import { ProblemSchema } from './schemas.js';
import { registerProblemHandler } from './problem-handler.js';
import { systemRoutes } from './routes/system-routes.js';
import { registerAuthorization } from './authorize.js';
import { registerSecurityHeaders } from './security-headers.js';
import { sharedRateLimitStore } from './shared-rate-limit.js';
import { installRouteLimits } from './route-limits.js';
import { lazySchemaCompilers } from './lazy-schema-compilers.js';
import { RateLimitCounters } from '../store/rate-limit-counters.js';
import { boundHeapGrowth } from '../core/heap-growth.js';
import { compactHeapWhenIdle } from '../core/idle-heap-compaction.js';

const BODY_LIMIT = 5 * 1024 * 1024;

export interface ServerOptions {
  /** Where the built portal is (default web/dist in Pave's package). */
  portalDir?: string;
  /**
   * The CLI's server inside its own process, reached through `inject` by the local operator only: the same API
   * with the same authorization, without the portal and without the OpenAPI document (neither has a reader there,
   * and loading them is most of a short command's start).
   */
  inProcess?: boolean;
}

/**
 * Builds the HTTP server: the API under /api (one plugin per module, each route typed by its JSON
 * schema, which also yields /api/openapi.json) and the portal at /.
 */
export async function createServer(app: PaveApp, options: ServerOptions = {}): Promise<FastifyInstance> {
  // A server lives long and reads far more than it writes: its heap is collected before it grows far past what is alive,
  // and what work left behind is handed back once it goes idle.
  if (!options.inProcess) boundHeapGrowth();
  const compaction = options.inProcess ? undefined : compactHeapWhenIdle();
  const server = Fastify({
    loggerInstance: app.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    // Route schemas are built in code with TypeBox (typed, and the OpenAPI test validates the document they make): checking
    // each against JSON Schema's meta-schema on every start would compile that meta-schema first, for nothing.
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: true, validateSchema: false } },
    schemaController: { compilersFactory: lazySchemaCompilers },
  }).withTypeProvider<TypeBoxTypeProvider>();

  if (compaction) server.addHook('onClose', async () => compaction.stop());

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
  const hasPortal = !options.inProcess && existsSync(join(portalDir, 'index.html'));
  server.addSchema(ProblemSchema);
  // Identity and permissions first, so every route after this is seen and enforced (see authorize.ts).
  await server.register(cookie);
  // Counters live in the store, so replicas on one database share each limit.
  installRouteLimits(server, app.config.auth.rateLimit);
  await server.register(rateLimit, { global: false, store: sharedRateLimitStore(new RateLimitCounters(app.store)) });
  await registerSecurityHeaders(server, { baseUrl: app.config.baseUrl, portalDir: hasPortal ? portalDir : undefined });
  registerAuthorization(server, app);
  for (const module of app.modules) await module.serverHooks?.(server, serviceOf(app, module), app);
  registerProblemHandler(server, hasPortal ? { spaFallback: (_request, reply) => reply.type('text/html').sendFile('index.html') } : {});
  if (!options.inProcess) await server.register((await import('@fastify/swagger')).default, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Pave API', version: '0.1.0', description: 'Software catalog (Backstage-compatible routes), search, golden paths and the platform API.' },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });

  if (hasPortal) await server.register((await import('@fastify/static')).default, { root: portalDir, wildcard: false, index: ['index.html'] });
  await server.register(
    async api => {
      await api.register(systemRoutes, { app });
      for (const module of app.modules) await module.routes?.(api, serviceOf(app, module), app);
    },
    { prefix: '/api' },
  );
  for (const module of app.modules) await module.rootRoutes?.(server, serviceOf(app, module), app);

  return server;
}

function serviceOf(app: PaveApp, module: PaveModule<string, unknown>): unknown {
  return (app as unknown as Record<string, unknown>)[module.name];
}
