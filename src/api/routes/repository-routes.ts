import { Type, type FastifyPluginAsyncTypebox, type TSchema } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import type { AuthService } from '../../auth/auth-service.js';
import { isSignedIn } from '../../auth/identity.js';
import { valuesByPrefix } from '../../catalog/query/values-by-prefix.js';
import { forbidden, unauthorized } from '../../core/problem.js';
import { serveUploadPack } from '../../repositories/git-http-backend.js';
import { REPOSITORY_READ, RepositoryAccess, seesServerPaths } from '../../repositories/repository-access.js';
import type { RepositoryService } from '../../repositories/repository-service.js';
import { BlobViewSchema, CommitDetailSchema, RepositoryListItemSchema, RepositorySummarySchema, TreeViewSchema } from '../../repositories/repository-views.js';
import { errorResponses } from '../schemas.js';

/**
 * Reading a hosted repository, through the API or with git, is one permission; on top of it each
 * repository is read under the catalog's rules (`repository-access.ts`).
 */
const READ = { permission: { action: REPOSITORY_READ } };
const NameParams = Type.Object({ owner: Type.String(), repo: Type.String() });
const REF = Type.Optional(Type.String({ description: 'A branch, tag or commit id; default the default branch' }));
const AtRef = Type.Object({ ref: REF });
const PATH = { description: "A path from the repository root, e.g. src/index.ts ('' is the root)" };

/** The per-repository check, over the caller's catalog read scope and one catalog query. */
function repositoryAccess(app: FastifyInstance, repositories: RepositoryService): RepositoryAccess {
  const pave = app.authorization.app;
  return new RepositoryAccess({
    readScope: identity => pave.auth.permissions.readScope(identity, 'catalog.entity.read'),
    valuesByPrefix: query => valuesByPrefix(pave.store, query),
    addresses: () => repositories.addresses(),
  });
}

/**
 * The repository view under /api/repositories: the git repositories Pave hosts (`<dataDir>/git`),
 * read-only. Each handler is one call to the repository service; the list shows only what the caller
 * may read, and a route naming a repository the caller may not read answers 403.
 */
export const repositoryRoutes: FastifyPluginAsyncTypebox<{ repositories: RepositoryService }> = async (app, { repositories }) => {
  const access = repositoryAccess(app, repositories);
  // Runs after the route's own permission check (the server's hooks come first).
  app.addHook('preHandler', async request => {
    const { owner, repo } = request.params as { owner?: string; repo?: string };
    if (owner !== undefined && repo !== undefined) await access.check(request.identity, repositories.nameOf(owner, repo));
  });

  app.get(
    '/repositories',
    {
      config: READ,
      schema: {
        tags: ['repositories'],
        summary: 'The git repositories Pave hosts that the caller may read, with default branch and latest commit',
        response: { 200: Type.Object({ items: Type.Array(RepositoryListItemSchema) }) },
      },
    },
    async request => ({ items: await repositories.list({ include: names => access.readable(request.identity, names), serverPaths: seesServerPaths(request.identity) }) }),
  );

  app.get(
    '/repositories/:owner/:repo',
    {
      config: READ,
      schema: {
        tags: ['repositories'],
        summary: 'A repository at a ref: branches, tags, latest commits, the root folder and its README, clone URLs',
        params: NameParams,
        querystring: AtRef,
        response: { 200: RepositorySummarySchema, ...errorResponses(400, 403, 404) },
      },
    },
    async request => repositories.summary(request.params.owner, request.params.repo, request.query.ref, { serverPaths: seesServerPaths(request.identity) }),
  );

  app.get(
    '/repositories/:owner/:repo/tree',
    {
      config: READ,
      schema: {
        tags: ['repositories'],
        summary: 'A folder at a ref: its entries and README',
        params: NameParams,
        querystring: Type.Object({ path: Type.Optional(Type.String(PATH)), ref: REF }),
        response: { 200: TreeViewSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async request => repositories.tree(request.params.owner, request.params.repo, request.query.path ?? '', request.query.ref),
  );

  app.get(
    '/repositories/:owner/:repo/blob',
    {
      config: READ,
      schema: {
        tags: ['repositories'],
        summary: 'A file at a ref: its text (up to 1 MiB), or its size when it is binary or larger',
        params: NameParams,
        querystring: Type.Object({ path: Type.String({ ...PATH, minLength: 1 }), ref: REF }),
        response: { 200: BlobViewSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async request => repositories.blob(request.params.owner, request.params.repo, request.query.path, request.query.ref),
  );

  app.get(
    '/repositories/:owner/:repo/commits/:commit',
    {
      config: READ,
      schema: {
        tags: ['repositories'],
        summary: 'A commit (or the commit a branch or tag names): author, message, parents and the files it changed',
        params: Type.Object({ ...NameParams.properties, commit: Type.String({ description: 'A commit id, branch or tag' }) }),
        response: { 200: CommitDetailSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async request => repositories.commit(request.params.owner, request.params.repo, request.params.commit),
  );
};

/**
 * Read-only git smart HTTP at /git/<owner>/<repo>.git (`git clone`, `git fetch`; never push). The
 * caller authenticates as on the API — a bearer token (`git -c http.extraHeader="Authorization: Bearer
 * <token>"`), an API token as the Basic password (what git's credential helpers send), or a portal
 * session cookie (with its CSRF header on the POST, as on the API) — and needs `repositories.repository.read` and to
 * be allowed the repository itself, as in the repository view. Without credentials the answer is 401 with a
 * Basic challenge, so git asks its credential helper.
 */
export const gitHttpRoutes: FastifyPluginAsyncTypebox<{ repositories: RepositoryService; auth: AuthService }> = async (app, { repositories, auth }) => {
  const access = repositoryAccess(app, repositories);
  // The fetch request body goes to git as it arrives (serveUploadPack bounds its size).
  app.addContentTypeParser('application/x-git-upload-pack-request', (_request, payload, done) => done(null, payload));
  app.addHook('onRequest', async (request, reply) => {
    if (!auth.enabled || isSignedIn(request.identity)) return;
    const token = basicPassword(request.headers.authorization);
    if (token) request.identity = (await auth.authenticate({ bearer: token }).catch(() => ({ identity: request.identity }))).identity;
    if (isSignedIn(request.identity)) return;
    void reply.header('www-authenticate', 'Basic realm="Pave git", charset="UTF-8"');
    throw unauthorized(`Sign in to ${READ.permission.action}: use an API token as the password (any user name), or send it as "Authorization: Bearer <token>"`, undefined, {
      action: READ.permission.action,
    });
  });

  app.get(
    '/git/:owner/:repo/info/refs',
    {
      config: READ,
      schema: {
        tags: ['git'],
        summary: 'Git smart HTTP: the refs of a repository, first step of git clone and git fetch (service=git-upload-pack only)',
        params: NameParams,
        querystring: Type.Object({ service: Type.Optional(Type.String()) }),
        response: { 200: gitResponse('application/x-git-upload-pack-advertisement'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      if (request.query.service !== 'git-upload-pack') {
        throw forbidden(
          request.query.service === 'git-receive-pack'
            ? "Pave's git server is read-only: it serves git clone and git fetch, never git push"
            : "Pave's git server speaks git's smart HTTP protocol only (git clone, git fetch)",
          [{ pointer: '/querystring/service', detail: 'must be git-upload-pack', rule: 'enum' }],
          { action: READ.permission.action },
        );
      }
      return uploadPack(request, reply, 'advertise');
    },
  );

  app.post(
    '/git/:owner/:repo/git-upload-pack',
    {
      config: READ,
      schema: {
        tags: ['git'],
        summary: 'Git smart HTTP: the objects git clone and git fetch ask for (a git-upload-pack request body)',
        params: NameParams,
        response: { 200: gitResponse('application/x-git-upload-pack-result'), ...errorResponses(400, 401, 403, 404, 413) },
      },
    },
    async (request, reply) => uploadPack(request, reply, 'upload-pack'),
  );

  async function uploadPack(request: FastifyRequest, reply: FastifyReply, operation: 'advertise' | 'upload-pack'): Promise<FastifyReply> {
    const { owner, repo } = request.params as { owner: string; repo: string };
    // Refused before git looks: a refusal is the same whether or not the repository exists.
    await access.check(request.identity, repositories.nameOf(owner, repo));
    const repository = await repositories.locate(owner, repo);
    const gone = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) gone.abort();
    });
    const response = await serveUploadPack({
      operation,
      repository,
      root: repositories.root,
      contentType: request.headers['content-type'],
      contentEncoding: request.headers['content-encoding'],
      gitProtocol: headerValue(request.headers['git-protocol']),
      remoteAddress: request.ip,
      ...(operation === 'upload-pack' ? { body: request.body as Readable } : {}),
      signal: gone.signal,
    });
    return reply.code(response.status).headers(response.headers).send(response.body);
  }
};

/** A response in git's own wire format, for the OpenAPI document. */
function gitResponse(mediaType: string) {
  return { description: "git's pkt-line stream", content: { [mediaType]: { schema: { type: 'string', format: 'binary' } } } } as unknown as TSchema;
}

/** The password of a Basic Authorization header (git sends the token there), or undefined. */
function basicPassword(header: string | undefined): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : decoded.slice(colon + 1) || undefined;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
