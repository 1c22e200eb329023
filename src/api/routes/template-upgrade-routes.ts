import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { actingAs, type ActingAuthority } from '../../auth/acting-authority.js';
import { recordIdentity } from '../../auth/recorded-identity.js';
import type { TemplateUpgrades } from '../../templates/upgrades/template-upgrades.js';
import { GeneratedRepositorySchema, ListGeneratedRepositoriesQuerySchema, UpgradeRequestSchema, UpgradeResultSchema } from '../../templates/upgrades/upgrade-views.js';
import { errorResponses } from '../schemas.js';
import { changeAuthor } from '../authorize.js';

const RepositoryParams = Type.Object({ id: Type.String() });

/**
 * Template upgrades under /api/scaffolder: the repositories golden paths created (with whether each is
 * behind its template) and opening an upgrade on one. Templates and entities are read within the
 * caller's catalog read scope, and a record's form values show only where the caller may read its task;
 * an upgrade renders the template as the caller and is decided on the repository as a resource (owned
 * by whoever ran the golden path).
 */
export const templateUpgradeRoutes: FastifyPluginAsyncTypebox<{ upgrades: TemplateUpgrades }> = async (app, { upgrades }) => {
  const authorityOf = (request: FastifyRequest): ActingAuthority => actingAs(request.server.authorization.app.auth, request.server.authorization.app.catalog.entities, request.identity);

  app.get(
    '/v2/generated-repositories',
    {
      config: { permission: { action: 'templates.repository.read' } },
      schema: {
        tags: ['scaffolder'],
        summary: "The repositories golden paths created: template, version, whether each is behind its template, its last upgrade, and the values used where the caller may read the task",
        querystring: Type.Composite([ListGeneratedRepositoriesQuerySchema, Type.Object({ entityRef: Type.Optional(Type.String({ description: 'Only those the task that created this entity made' })) })]),
        response: { 200: Type.Object({ items: Type.Array(GeneratedRepositorySchema) }), ...errorResponses(404) },
      },
    },
    async request => ({ items: await upgrades.list(request.query, authorityOf(request)) }),
  );

  app.get(
    '/v2/generated-repositories/:id',
    {
      config: { permission: { action: 'templates.repository.read' } },
      schema: { tags: ['scaffolder'], summary: 'One generated repository', params: RepositoryParams, response: { 200: GeneratedRepositorySchema, ...errorResponses(404) } },
    },
    async request => upgrades.get(request.params.id, authorityOf(request)),
  );

  app.post(
    '/v2/generated-repositories/:id/upgrade',
    {
      config: { permission: { action: 'templates.repository.upgrade', resource: request => upgrades.resource((request.params as { id: string }).id) } },
      schema: {
        tags: ['scaffolder'],
        summary:
          "Render the repository's template again with its recorded values, merge that with git into the repository (base: the render its content came from) and open a review branch: a pull or merge request on GitHub or GitLab, a branch in Pave's repositories. Conflicts are marked and listed, never forced; dryRun pushes nothing",
        params: RepositoryParams,
        body: Type.Optional(UpgradeRequestSchema),
        response: { 200: UpgradeResultSchema, ...errorResponses(404, 409, 422) },
      },
    },
    async request =>
      upgrades.upgrade(
        request.params.id,
        { author: changeAuthor(request), authority: authorityOf(request), ...(recordIdentity(request.identity)?.principal ? { createdBy: recordIdentity(request.identity)!.principal } : {}) },
        { dryRun: request.body?.dryRun ?? false },
      ),
  );
};
