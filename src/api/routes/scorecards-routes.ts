import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { PaveApp } from '../../app.js';
import { ALL_ENTITIES, type EntityScope } from '../../catalog/query/entity-scope.js';
import type { ScorecardsService } from '../../scorecards/scorecards-service.js';
import { bothScopes } from '../../scorecards/scope-intersection.js';
import { CampaignViewSchema, EntityScorecardsSchema, ScorecardDetailSchema, ScorecardSummarySchema, ScorecardTrendSchema, TeamScorecardsSchema, TrendQuerySchema } from '../../scorecards/scorecard-views.js';
import { errorResponses } from '../schemas.js';

const NAME = Type.String({ minLength: 1, maxLength: 253 });
const EntityParams = Type.Object({ kind: NAME, namespace: NAME, name: NAME });
const ScorecardParams = Type.Object({ namespace: NAME, name: NAME });

/**
 * Scorecards under /api/scorecards: every scorecard with its entities per level, one scorecard with each
 * entity's result, and one entity's results, facts and history. Read-only; every answer holds only entities
 * the caller may read in the catalog (and scorecards results).
 */
export const scorecardsRoutes: FastifyPluginAsyncTypebox<{ scorecards: ScorecardsService; app: PaveApp }> = async (api, { scorecards, app }) => {
  /** The caller's scorecards scope (from the route) narrowed to their catalog read scope. */
  const scopeOf = async (request: FastifyRequest): Promise<EntityScope> =>
    bothScopes(request.readScope, app.auth.enabled ? await app.auth.permissions.readScope(request.identity, 'catalog.entity.read') : ALL_ENTITIES);
  const permission = { action: 'scorecards.result.read', scoped: true };

  api.get(
    '',
    {
      config: { permission },
      schema: { tags: ['scorecards'], summary: 'Every scorecard, with how many entities are at each level', response: { 200: Type.Object({ items: Type.Array(ScorecardSummarySchema) }), ...errorResponses(401, 403) } },
    },
    async request => ({ items: await scorecards.summaries(await scopeOf(request)) }),
  );

  api.get(
    '/campaigns',
    {
      config: { permission },
      schema: { tags: ['scorecards'], summary: 'Every campaign with its progress: done, exempt and left, per team', response: { 200: Type.Object({ items: Type.Array(CampaignViewSchema) }), ...errorResponses(401, 403) } },
    },
    async request => ({ items: await scorecards.campaigns(await scopeOf(request)) }),
  );

  api.get(
    '/campaigns/:namespace/:name',
    {
      config: { permission },
      schema: { tags: ['scorecards'], summary: 'One campaign: progress per team, the entities left and the burn-up since its start', params: ScorecardParams, response: { 200: CampaignViewSchema, ...errorResponses(400, 401, 403, 404) } },
    },
    async request => scorecards.campaign(`campaign:${request.params.namespace}/${request.params.name}`, await scopeOf(request)),
  );

  api.get(
    '/by-name/:namespace/:name',
    {
      config: { permission },
      schema: { tags: ['scorecards'], summary: 'One scorecard: its levels and rules, and each entity’s level, score and rules', params: ScorecardParams, response: { 200: ScorecardDetailSchema, ...errorResponses(400, 401, 403, 404) } },
    },
    async request => scorecards.scorecard(`scorecard:${request.params.namespace}/${request.params.name}`, await scopeOf(request)),
  );

  api.get(
    '/by-name/:namespace/:name/trend',
    {
      config: { permission },
      schema: {
        tags: ['scorecards'],
        summary: 'A scorecard’s entities per level and mean score, day by day (all readable entities, or one team’s)',
        params: ScorecardParams,
        querystring: TrendQuerySchema,
        response: { 200: ScorecardTrendSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async request => scorecards.trend(`scorecard:${request.params.namespace}/${request.params.name}`, request.query, await scopeOf(request)),
  );

  api.get(
    '/teams/:namespace/:name',
    {
      config: { permission },
      schema: { tags: ['scorecards'], summary: 'A team’s entities per level on each scorecard, and what it has left in each campaign', params: ScorecardParams, response: { 200: TeamScorecardsSchema, ...errorResponses(400, 401, 403, 404) } },
    },
    async request => scorecards.team(`group:${request.params.namespace}/${request.params.name}`, await scopeOf(request)),
  );

  api.get(
    '/entities/:kind/:namespace/:name',
    {
      config: { permission },
      schema: {
        tags: ['scorecards'],
        summary: 'One entity’s results on every scorecard that selects it, its facts and its history',
        params: EntityParams,
        response: { 200: EntityScorecardsSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async request => scorecards.entity(`${request.params.kind}:${request.params.namespace}/${request.params.name}`, await scopeOf(request)),
  );
};
