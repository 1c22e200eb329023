import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { McpService } from '../../mcp/mcp-service.js';
import type { McpCaller } from '../../mcp/mcp-server.js';
import type { OpenApiDocument } from '../../mcp/route-input-schema.js';
import { credentialHeaders } from '../../mcp/tool-api.js';
import type { McpSessions } from '../../mcp/mcp-sessions.js';
import { errorResponses } from '../schemas.js';

const ToolSchema = Type.Object({
  name: Type.String(),
  title: Type.String(),
  description: Type.String(),
  annotations: Type.Object({ readOnlyHint: Type.Boolean(), destructiveHint: Type.Boolean(), idempotentHint: Type.Boolean(), openWorldHint: Type.Boolean() }),
  actions: Type.Object({ read: Type.Array(Type.String()), apply: Type.Optional(Type.Array(Type.String())) }),
});

/**
 * The MCP server over Streamable HTTP at /api/mcp (POST messages, GET the server's stream, DELETE the
 * session), authenticated like every route (an API token, or the session cookie with its CSRF token); each
 * tool call is made of Pave's routes with the same credentials. And the tool list, for the portal.
 */
export const mcpRoutes: FastifyPluginAsyncTypebox<{ mcp: McpService }> = async (api, { mcp }) => {
  // The MCP SDK (and the zod schemas it builds when imported) loads with the first MCP request, not in every server.
  let sessions: Promise<McpSessions> | undefined;
  const openSessions = () =>
    (sessions ??= import('../../mcp/mcp-sessions.js').then(
      ({ McpSessions }) =>
        new McpSessions({
          createServer: () =>
            mcp.createServer({
              injector: api,
              openapi: () => api.swagger() as unknown as OpenApiDocument,
              caller: extra => extra.authInfo?.extra?.caller as McpCaller,
            }),
        }),
      // A failed import is not kept: the next MCP request tries again rather than answering 500 until a restart.
      error => {
        sessions = undefined;
        throw error;
      },
    ));
  api.addHook('onClose', async () => {
    await sessions?.then(
      opened => opened.close(),
      () => undefined,
    );
  });

  const summary = {
    POST: 'MCP (Streamable HTTP): send JSON-RPC messages; start with initialize, then send the mcp-session-id header it answers',
    GET: "MCP (Streamable HTTP): the session's stream of server messages",
    DELETE: 'MCP (Streamable HTTP): end the session',
  } as const;
  for (const method of ['POST', 'GET', 'DELETE'] as const) {
    api.route({
      method,
      url: '/mcp',
      config: { permission: { action: 'mcp.server.connect' } },
      schema: { tags: ['mcp'], summary: summary[method], ...(method === 'POST' ? { body: Type.Unknown() } : {}), response: { 200: Type.String({ description: 'JSON-RPC messages, as application/json or text/event-stream (see the MCP specification)' }), ...errorResponses(400, 401, 403, 404) } },
      handler: async (request, reply) => {
        const sessionId = request.headers['mcp-session-id'];
        const caller: McpCaller = { credentials: { headers: credentialHeaders(request.headers), remoteAddress: request.ip }, ...(request.identity.scopes ? { scopes: request.identity.scopes } : {}) };
        reply.hijack();
        try {
          await (await openSessions()).handle({ raw: request.raw, reply: reply.raw, body: request.body, principal: request.identity.principal, caller, sessionId: typeof sessionId === 'string' ? sessionId : undefined });
        } catch (error) {
          request.log.error({ err: error }, 'MCP request failed');
          if (!reply.raw.headersSent) reply.raw.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: null }));
        }
      },
    });
  }

  api.get(
    '/mcp/tools',
    {
      config: { permission: { action: 'mcp.server.connect' } },
      schema: { tags: ['mcp'], summary: "The MCP server's tools: what each does, its annotations and the permission actions its calls check", response: { 200: Type.Object({ items: Type.Array(ToolSchema) }) } },
    },
    async () => ({ items: mcp.tools().map(({ name, title, description, annotations, actions }) => ({ name, title, description, annotations, actions: { read: [...actions.read], ...(actions.apply ? { apply: [...actions.apply] } : {}) } })) }),
  );
};
