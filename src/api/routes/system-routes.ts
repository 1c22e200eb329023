import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { PaveApp } from '../../app.js';
import type { ModulePermission } from '../../pave-module.js';

/** What the server itself (not a module) checks. */
export const SYSTEM_PERMISSIONS: readonly ModulePermission[] = [{ action: 'system.openapi.read', description: 'Read the OpenAPI document of the API' }];

/** Liveness, and the API's own description. */
export const systemRoutes: FastifyPluginAsyncTypebox<{ app: PaveApp }> = async (api, { app }) => {
  // The CLI's in-process server builds no OpenAPI document (see ServerOptions.inProcess).
  if (api.hasDecorator('swagger')) api.get('/openapi.json', { schema: { hide: true }, config: { permission: { action: 'system.openapi.read' } } }, async () => api.swagger());
  api.get(
    '/health',
    {
      config: { public: true },
      schema: {
        tags: ['system'],
        summary: 'Health: the store answers',
        response: { 200: Type.Object({ status: Type.Literal('ok'), store: Type.String() }) },
      },
    },
    async () => {
      await app.store.ping();
      return { status: 'ok' as const, store: app.store.dialect };
    },
  );
};
