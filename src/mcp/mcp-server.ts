/**
 * Pave's MCP server (the official SDK's low-level `Server`, so input schemas are the JSON Schemas derived
 * from the routes, not a second definition): tools, resources and prompts, each call made of Pave's own
 * routes as the caller. One server per MCP session; the transport (Streamable HTTP at /api/mcp, or stdio
 * for `pave mcp`) is the caller's business.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { jsonSchemaValidator } from '../core/json-schema.js';
import { isPaveError } from '../core/problem.js';
import type { Logger } from '../core/logger.js';
import { MCP_TOOLS, mcpTool } from './mcp-tools.js';
import { routeInputSchema, type JsonObjectSchema, type OpenApiDocument } from './route-input-schema.js';
import { problemResult, toolError } from './mcp-errors.js';
import { scopeRefusal, scopesAllowTool } from './mcp-scopes.js';
import { toolApi, type CallerCredentials, type Injector } from './tool-api.js';
import { applies, type McpTool } from './mcp-tool.js';
import { RESOURCE_TEMPLATES, RESOURCE_TOOL, listResources, readResource } from './mcp-resources.js';
import { getPrompt, listPrompts } from './mcp-prompts.js';

/** Who makes a request: their credentials, and their token's scopes (absent: no token limits). */
export interface McpCaller {
  credentials: CallerCredentials;
  scopes?: readonly string[];
}

export interface McpServerOptions {
  /** Pave's HTTP server, whose routes the tools call (in process). */
  injector: Injector;
  /** Its OpenAPI document (the tools' input schemas are derived from it). */
  openapi: () => OpenApiDocument;
  /** The caller of a request: from the HTTP request (`/api/mcp`), or fixed (`pave mcp`). */
  caller: (extra: RequestHandlerExtra<ServerRequest, ServerNotification>) => McpCaller;
  logger?: Logger;
  version?: string;
}

/** The tools' input schemas, derived once per document. */
const schemas = new WeakMap<object, Map<string, JsonObjectSchema>>();

function inputSchemaOf(document: OpenApiDocument, tool: McpTool): JsonObjectSchema {
  let byTool = schemas.get(document);
  if (!byTool) schemas.set(document, (byTool = new Map()));
  let schema = byTool.get(tool.name);
  if (!schema) byTool.set(tool.name, (schema = routeInputSchema(document, tool.input)));
  return schema;
}

/** The instructions an MCP client shows its model. */
const INSTRUCTIONS =
  "Pave is the organisation's developer platform: its software catalog, golden paths (templates) and platform API (infrastructure requests). " +
  'Every call acts as the signed-in user, with their permissions. Change tools (run_golden_path, create_platform_request, delete_platform_request) are dry runs unless called with apply: true: dry-run first, then apply. ' +
  'A denied call names the permission action; explain_permission says which rule decides.';

/**
 * A new MCP server for one session.
 * @example const server = createMcpServer({ injector: fastify, openapi: () => fastify.swagger(), caller: () => ({ credentials }) });
 *          await server.connect(new StdioServerTransport());
 */
export function createMcpServer(options: McpServerOptions): Server {
  const server = new Server({ name: 'pave', title: 'Pave', version: options.version ?? '0.1.0' }, { capabilities: { tools: {}, resources: {}, prompts: {} }, instructions: INSTRUCTIONS });
  const clientName = (): string => {
    const client = server.getClientVersion();
    return client ? `${client.name}${client.version ? ` ${client.version}` : ''}` : 'unknown';
  };
  const apiFor = (extra: RequestHandlerExtra<ServerRequest, ServerNotification>, tool: string, apply = false) => toolApi(options.injector, options.caller(extra).credentials, { tool, apply, client: clientName() }, extra.signal);
  /** A resource's or prompt's failure as the JSON-RPC error MCP expects for them. */
  const rpcError = (error: unknown): McpError => {
    if (isPaveError(error)) return new McpError(error.status === 404 ? ErrorCode.InvalidParams : error.status < 500 ? ErrorCode.InvalidParams : ErrorCode.InternalError, `${error.problem.title}: ${error.problem.detail ?? ''}`, error.problem);
    options.logger?.error({ err: error }, 'MCP request failed');
    return new McpError(ErrorCode.InternalError, 'The request failed unexpectedly; the server logged it');
  };

  server.setRequestHandler(ListToolsRequestSchema, (_request, extra) => {
    const { scopes } = options.caller(extra);
    const document = options.openapi();
    return {
      tools: MCP_TOOLS.filter(tool => scopesAllowTool(scopes, tool, false)).map(tool => ({
        name: tool.name,
        title: tool.title,
        description: tool.description,
        inputSchema: inputSchemaOf(document, tool),
        annotations: { title: tool.title, ...tool.annotations },
      })),
    };
  });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const tool = mcpTool(request.params.name);
    if (!tool) {
      return problemResult({
        type: 'https://pave.dev/problems/unknown-tool',
        title: 'Unknown tool',
        status: 404,
        detail: `There is no tool ${request.params.name}; tools/list names them: ${MCP_TOOLS.map(t => t.name).join(', ')}`,
        errors: [{ pointer: '/name', detail: 'must name a tool' }],
      });
    }
    const args = structuredClone(request.params.arguments ?? {}) as Record<string, unknown>;
    const errors = jsonSchemaValidator({ strict: false, useDefaults: true }).validate(inputSchemaOf(options.openapi(), tool), args);
    if (errors.length) return problemResult({ type: 'https://pave.dev/problems/invalid-request', title: 'Invalid arguments', status: 400, detail: `${tool.name} was called with arguments its input schema refuses`, errors });
    const { scopes } = options.caller(extra);
    if (scopes && !scopesAllowTool(scopes, tool, applies(args))) {
      return problemResult({ type: 'https://pave.dev/problems/forbidden', title: 'Forbidden', status: 403, detail: scopeRefusal(scopes, tool, applies(args)), ...(applies(args) ? { errors: [{ pointer: '/apply', detail: 'is not allowed for this token' }] } : {}) });
    }
    try {
      const result = await tool.run(args, apiFor(extra, tool.name, applies(args)));
      return {
        content: [{ type: 'text', text: JSON.stringify(result, null, 2) }],
        ...(result !== null && typeof result === 'object' && !Array.isArray(result) ? { structuredContent: result as Record<string, unknown> } : {}),
      };
    } catch (error) {
      // A call its client cancelled ended its routes' requests (toolApi): nothing failed, and no answer is sent.
      if (!isPaveError(error) && !extra.signal.aborted) options.logger?.error({ err: error, tool: tool.name }, 'MCP tool failed');
      return toolError(error, tool);
    }
  });

  server.setRequestHandler(ListResourcesRequestSchema, async (_request, extra) => {
    try {
      return { resources: await listResources(apiFor(extra, 'list_templates')) };
    } catch (error) {
      throw rpcError(error);
    }
  });
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: RESOURCE_TEMPLATES }));
  server.setRequestHandler(ReadResourceRequestSchema, async (request, extra) => {
    try {
      return { contents: [await readResource(request.params.uri, apiFor(extra, RESOURCE_TOOL))] };
    } catch (error) {
      throw rpcError(error);
    }
  });

  server.setRequestHandler(ListPromptsRequestSchema, () => ({ prompts: listPrompts() }));
  server.setRequestHandler(GetPromptRequestSchema, request => {
    try {
      return getPrompt(request.params.name, request.params.arguments ?? {});
    } catch (error) {
      throw rpcError(error);
    }
  });
  return server;
}
