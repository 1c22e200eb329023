import Fastify, { type FastifyInstance } from 'fastify';

/** Builds the ${{ values.name }} HTTP server. */
export function buildServer(): FastifyInstance {
  const app = Fastify({ logger: true });
  app.get('/health', async () => ({ status: 'ok', service: '${{ values.name }}' }));
  return app;
}
