import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { PaveApp } from '../../app.js';
import type { OperationsService } from '../../operations/operations-service.js';
import { PaveError, unauthorized } from '../../core/problem.js';
import { safeEqual } from '../../auth/secrets.js';
import { errorResponses } from '../schemas.js';

/** The action that reads `/metrics` without the scrape token. */
export const METRICS_READ = 'operations.metrics.read';

/** `/healthz`: the process answers. */
export const LivenessSchema = Type.Object({ status: Type.Literal('ok') }, { $id: 'Liveness' });
/** One check of `/readyz`. */
export const ReadinessCheckSchema = Type.Object(
  { name: Type.Union([Type.Literal('database'), Type.Literal('migrations'), Type.Literal('workers'), Type.Literal('search'), Type.Literal('shutdown')]), ok: Type.Boolean(), detail: Type.Optional(Type.String()) },
  { $id: 'ReadinessCheck' },
);
/** `/readyz` when ready. */
export const ReadinessSchema = Type.Object({ status: Type.Literal('ready'), checks: Type.Array(Type.Ref(ReadinessCheckSchema)) }, { $id: 'Readiness' });

/**
 * The probes and the metrics, outside `/api` where Kubernetes and Prometheus look for them. The probes are
 * public and say nothing secret; `/metrics` (unless served on its own port) answers the scrape token or a
 * caller allowed `operations.metrics.read`.
 */
export const operationsRoutes: FastifyPluginAsyncTypebox<{ app: PaveApp; operations: OperationsService }> = async (root, { app, operations }) => {
  root.addSchema(ReadinessCheckSchema);
  root.get('/healthz', { config: { public: true }, schema: { tags: ['operations'], summary: 'Liveness: the process answers', response: { 200: LivenessSchema } } }, async () => ({ status: 'ok' as const }));
  root.get(
    '/readyz',
    {
      config: { public: true },
      schema: { tags: ['operations'], summary: 'Readiness: the database answers, its schema is this build’s, the workers run, no shutdown is under way', response: { 200: ReadinessSchema, ...errorResponses(503) } },
    },
    async () => {
      const { ready, checks } = await operations.ready();
      if (!ready) {
        const failing = checks.filter(check => !check.ok);
        throw new PaveError({
          type: 'https://pave.dev/problems/not-ready',
          title: 'Not ready',
          status: 503,
          detail: failing.map(check => `${check.name}: ${check.detail}`).join('; '),
          checks,
        });
      }
      return { status: 'ready' as const, checks };
    },
  );
  if (operations.config.metrics.enabled && operations.config.metrics.port === undefined) {
    root.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
      await checkMetricsAccess(request, app, operations);
      return sendMetrics(reply, operations);
    });
  }
};

/**
 * Records every answered request in the metrics, by its route pattern (never its path, which may name a
 * private entity). Installed on the root server before any route, so it sees them all.
 */
export function installRequestMetrics(server: FastifyInstance, operations: OperationsService): void {
  server.addHook('onResponse', async (request, reply) => {
    const route = request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched');
    operations.metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
}

/**
 * The server on `operations.metrics.port`: `/metrics` alone (the token, when set, still required).
 * @example const metricsServer = await createMetricsServer(app.operations); await metricsServer.listen({ port: 9464 });
 */
export async function createMetricsServer(operations: OperationsService): Promise<FastifyInstance> {
  const { default: Fastify } = await import('fastify');
  const server = Fastify({ logger: false });
  server.get('/metrics', async (request, reply) => {
    const token = operations.config.metrics.token;
    if (token !== undefined && !safeEqual(bearerOf(request) ?? '', token)) {
      return reply.code(401).type('application/problem+json').send(unauthorized('Send the metrics token: Authorization: Bearer <PAVE_METRICS_TOKEN>').problem);
    }
    return sendMetrics(reply, operations);
  });
  return server;
}

/** Lets the scrape token through, or a caller allowed `operations.metrics.read`; with auth off and no token, anyone. */
async function checkMetricsAccess(request: FastifyRequest, app: PaveApp, operations: OperationsService): Promise<void> {
  const token = operations.config.metrics.token;
  const bearer = bearerOf(request);
  if (token !== undefined && bearer !== undefined && safeEqual(bearer, token)) return;
  if (!app.auth.enabled && token === undefined) return;
  if (!app.auth.enabled) throw unauthorized('Send the metrics token: Authorization: Bearer <PAVE_METRICS_TOKEN>', undefined, { action: METRICS_READ });
  await app.auth.permissions.authorize(request.identity, METRICS_READ);
}

function sendMetrics(reply: FastifyReply, operations: OperationsService): Promise<FastifyReply> {
  return operations.metrics.exposition().then(({ contentType, body }) => reply.header('cache-control', 'no-store').type(contentType).send(body));
}

/** The bearer token of a request, if it sends one. */
function bearerOf(request: FastifyRequest): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
}
