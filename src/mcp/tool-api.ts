/**
 * Calls Pave's own routes for a tool, in this process, as the caller: Fastify's `inject` carries the
 * caller's own credentials (their API token, or their session cookie with its CSRF token) and address, so
 * authentication, permissions, read scope, rate limits, validation and audit apply exactly as over HTTP.
 * Never a privileged shortcut: there is no identity here but the one the credentials prove.
 */
import { ApiConnection } from '../client/api-connection.js';
import { pathWithQuery, type ClientResponse, type Transport } from '../client/transport.js';
import { mcpCallHeaders, type McpCall } from './mcp-call.js';
import type { ToolApi } from './mcp-tool.js';

/** What `inject` needs (a Fastify server). */
export interface Injector {
  inject(options: {
    method: string;
    url: string;
    headers: Record<string, string>;
    payload?: string;
    remoteAddress?: string;
    signal?: AbortSignal;
  }): Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>;
}

/** The caller's credentials, as their request to `/api/mcp` (or `pave mcp`'s local operator) presented them. */
export interface CallerCredentials {
  /** `authorization`, `cookie` and `x-pave-csrf`, those present. */
  headers: Record<string, string>;
  /** The caller's address, for rate limits and the audit log. */
  remoteAddress?: string;
}

/** The credential headers of a request, to be presented again on its tool calls. */
export function credentialHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['authorization', 'cookie', 'x-pave-csrf']) {
    const value = headers[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

/**
 * The routes, for one tool call of one caller. `signal`: the call's own (the MCP client cancelled it, or went away),
 * which ends the route's request as a closed connection would: a search stops waiting or ranking.
 */
export function toolApi(server: Injector, credentials: CallerCredentials, call: McpCall, signal?: AbortSignal): ToolApi {
  const transport: Transport = {
    target: 'Pave',
    async send(request): Promise<ClientResponse> {
      const response = await server.inject({
        method: request.method,
        url: pathWithQuery(request.path, request.query),
        headers: {
          ...credentials.headers,
          ...mcpCallHeaders(call),
          accept: request.accept ?? 'application/json',
          'user-agent': `pave-mcp (${call.client})`.slice(0, 300),
          ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(request.body !== undefined ? { payload: JSON.stringify(request.body) } : {}),
        ...(credentials.remoteAddress ? { remoteAddress: credentials.remoteAddress } : {}),
        ...(signal ? { signal } : {}),
      });
      const body = response.body;
      return {
        status: response.statusCode,
        contentType: String(response.headers['content-type'] ?? ''),
        chunks: (async function* () {
          yield Buffer.from(body);
        })(),
        text: async () => body,
      };
    },
  };
  const connection = new ApiConnection(transport);
  return { json: request => connection.json(request) };
}
