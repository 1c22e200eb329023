/**
 * How a tool's request to Pave's own routes says it comes from the MCP server in this process: headers
 * that carry the tool, whether it applies a change and the MCP client's name, made trustworthy by a secret
 * that exists only in this process's memory (a caller over the network cannot forge them; without the
 * secret they are ignored). The API layer reads them to narrow an MCP-scoped token to the tool's actions
 * and to stamp audit entries with `via: mcp` and the client's name.
 */
import { randomBytes } from 'node:crypto';
import { safeEqual } from '../auth/secrets.js';

/** One tool call, as the route that serves it sees it. */
export interface McpCall {
  tool: string;
  /** The call applies a change (`apply: true`); otherwise it reads or dry-runs. */
  apply: boolean;
  /** The MCP client's name and version, as it introduced itself (`initialize`). */
  client: string;
}

const SECRET = randomBytes(32).toString('base64url');
const KEY = 'x-pave-mcp-key';
const TOOL = 'x-pave-mcp-tool';
const APPLY = 'x-pave-mcp-apply';
const CLIENT = 'x-pave-mcp-client';

/** The headers a tool's in-process request carries. */
export function mcpCallHeaders(call: McpCall): Record<string, string> {
  return { [KEY]: SECRET, [TOOL]: call.tool, [APPLY]: String(call.apply), [CLIENT]: encodeURIComponent(call.client.slice(0, 200)) };
}

/** The MCP call a request was made for, when it carries this process's secret; otherwise undefined. */
export function mcpCallOf(headers: Record<string, string | string[] | undefined>): McpCall | undefined {
  const key = headers[KEY];
  if (typeof key !== 'string' || !safeEqual(key, SECRET)) return undefined;
  const tool = headers[TOOL];
  const client = headers[CLIENT];
  if (typeof tool !== 'string') return undefined;
  let name = 'unknown';
  try {
    name = typeof client === 'string' ? decodeURIComponent(client) : 'unknown';
  } catch {
    // a malformed name is recorded as unknown
  }
  return { tool, apply: headers[APPLY] === 'true', client: name };
}
