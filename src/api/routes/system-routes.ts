import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { PaveApp } from '../../app.js';

/** Liveness and what this server is. */
export const systemRoutes: FastifyPluginAsyncTypebox<{ app: PaveApp }> = async (api, { app }) => {
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
      await app.store.db.selectFrom('locations').select('id').limit(1).execute();
      return { status: 'ok' as const, store: app.store.dialect };
    },
  );
};
