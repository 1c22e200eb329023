import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DestinationSummarySchema } from '../../platform/model/destination-views.js';
import type { PlatformService } from '../../platform/platform-service.js';
import { BlobViewSchema, CommitDetailSchema, TreeViewSchema } from '../../repositories/repository-views.js';
import { errorResponses } from '../schemas.js';

/**
 * Browsing destinations read-only under /api/platform/destinations/:name, in the repositories view's own
 * shapes (folders, files, commits). Reading a destination is `platform.destination.read`; which of its folders
 * a caller sees is the platform's rule (`DestinationBrowsing`: the folders of the requests they may read, or
 * the whole destination for those who may read every request), so each handler is one call with the caller.
 */
export const destinationBrowseRoutes: FastifyPluginAsyncTypebox<{ platform: PlatformService }> = async (app, { platform }) => {
  const READ = { permission: { action: 'platform.destination.read' } };
  const Name = Type.Object({ name: Type.String({ description: 'A configured destination' }) });
  const REF = Type.Optional(Type.String({ description: "A branch, tag or commit id; default the destination's branch" }));
  const PATH = { description: "A path from the repository root, e.g. team-a/postgresql/orders-db ('' is the root)" };

  app.get(
    '/:name/repository',
    {
      config: READ,
      schema: {
        tags: ['platform'],
        summary: "A destination's repository at a ref: where it lives, what the caller sees of it, its refs, the latest commits and its folder",
        params: Name,
        querystring: Type.Object({ ref: REF }),
        response: { 200: DestinationSummarySchema, ...errorResponses(400, 404) },
      },
    },
    async request => platform.browsing.summary(request.identity, request.params.name, request.query.ref),
  );

  app.get(
    '/:name/tree',
    {
      config: READ,
      schema: {
        tags: ['platform'],
        summary: 'A folder of a destination at a ref (the entries the caller sees)',
        params: Name,
        querystring: Type.Object({ path: Type.Optional(Type.String(PATH)), ref: REF }),
        response: { 200: TreeViewSchema, ...errorResponses(400, 404, 409) },
      },
    },
    async request => platform.browsing.tree(request.identity, request.params.name, request.query.path ?? '', request.query.ref),
  );

  app.get(
    '/:name/blob',
    {
      config: READ,
      schema: {
        tags: ['platform'],
        summary: 'A file of a destination at a ref: its text (up to 1 MiB), or its size when it is binary or larger',
        params: Name,
        querystring: Type.Object({ path: Type.String({ ...PATH, minLength: 1 }), ref: REF }),
        response: { 200: BlobViewSchema, ...errorResponses(400, 404, 409) },
      },
    },
    async request => platform.browsing.blob(request.identity, request.params.name, request.query.path, request.query.ref),
  );

  app.get(
    '/:name/commits/:commit',
    {
      config: READ,
      schema: {
        tags: ['platform'],
        summary: 'A commit of a destination with the files it changed (those the caller sees)',
        params: Type.Object({ ...Name.properties, commit: Type.String({ description: 'A commit id, branch or tag' }) }),
        response: { 200: CommitDetailSchema, ...errorResponses(400, 404, 409) },
      },
    },
    async request => platform.browsing.commit(request.identity, request.params.name, request.params.commit),
  );
};
