import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { PlatformService } from '../../platform/platform-service.js';
import { ScoreInputSchema, type ScoreInput } from '../../platform/score/score-input.js';
import { errorResponses } from '../schemas.js';
import { changeAuthor } from '../authorize.js';

const Document = Type.Object({}, { additionalProperties: true });

/**
 * Score workloads under /api/platform/score: apply a Score file (its resources' requests and its workload's,
 * in one change) and render one (what would be committed, nothing written). Each handler is one call to the
 * score service; the route checks the caller may request in the namespace (as its owning team's member), and
 * the service checks each request the file makes, with its document as input to the rules.
 */
export const scoreRoutes: FastifyPluginAsyncTypebox<{ platform: PlatformService }> = async (app, { platform }) => {
  /** The workload's request in the body's namespace: who may request there. */
  const workloadResource = (required: boolean) => async (request: FastifyRequest) => {
    const { namespace, score } = request.body as ScoreInput;
    const name = (score as { metadata?: { name?: unknown } }).metadata?.name;
    return platform.requestResource(namespace, typeof name === 'string' ? name : '*', { required });
  };

  app.post(
    '/apply',
    {
      config: { permission: { action: 'platform.request.create', resource: workloadResource(true), input: (request: FastifyRequest) => request.body } },
      schema: {
        tags: ['platform'],
        summary: "Apply a Score file: a request per resource (matched to capabilities by spec.provides) and the workload's own request (its Deployment and Service), in one change",
        body: ScoreInputSchema,
        response: { 200: Document, ...errorResponses(400, 403, 409, 422) },
      },
    },
    async request => (await platform.score.apply(request.body, changeAuthor(request), request.identity)) as unknown as Record<string, unknown>,
  );

  app.post(
    '/render',
    {
      config: { permission: { action: 'platform.request.render', resource: workloadResource(false), input: (request: FastifyRequest) => request.body }, limit: 'renders' },
      schema: {
        tags: ['platform'],
        summary: 'Render a Score file without side effects: the requests it would make and the files each would commit',
        body: ScoreInputSchema,
        response: { 200: Document, ...errorResponses(400, 403, 422) },
      },
    },
    async request => (await platform.score.render(request.body)) as unknown as Record<string, unknown>,
  );
};
