/**
 * Token scopes for agents. Besides action globs, a token's scopes may name MCP tools:
 *   `mcp.read-only`      read-only tools, and change tools as dry runs only (never `apply`)
 *   `mcp.tool.<name>`    that tool (dry run and apply)
 *   `mcp.*`              every tool
 * Such scopes grant nothing over plain HTTP (they match no action a route checks). Through `/api/mcp` each
 * tool call's requests are narrowed to the actions that tool declares (`McpTool.actions`), and only when the
 * token's MCP scopes allow that tool and mode; the rules then decide as for any request.
 */
import type { Identity } from '../auth/identity.js';
import { mcpTool } from './mcp-tools.js';
import type { McpCall } from './mcp-call.js';
import type { McpTool } from './mcp-tool.js';

export const READ_ONLY_SCOPE = 'mcp.read-only';
const TOOL_SCOPE = 'mcp.tool.';
/** The action `/api/mcp` checks: connecting, listing tools. */
export const CONNECT_ACTION = 'mcp.server.connect';

function mcpScopesOf(scopes: readonly string[]): string[] {
  return scopes.filter(scope => scope.startsWith('mcp.') && scope !== CONNECT_ACTION);
}

/**
 * Whether a token's scopes let it call a tool, applying or not. Scopes without MCP entries: yes (the
 * action scopes and rules decide on the routes).
 */
export function scopesAllowTool(scopes: readonly string[] | undefined, tool: McpTool, apply: boolean): boolean {
  if (!scopes) return true;
  const mcp = mcpScopesOf(scopes);
  if (!mcp.length) return true;
  if (mcp.includes('mcp.*') || mcp.includes(TOOL_SCOPE + '*') || mcp.includes(TOOL_SCOPE + tool.name)) return true;
  return mcp.includes(READ_ONLY_SCOPE) && (tool.annotations.readOnlyHint || !apply);
}

/** Why a token may not make a call, in words. */
export function scopeRefusal(scopes: readonly string[], tool: McpTool, apply: boolean): string {
  const mcp = mcpScopesOf(scopes).join(', ');
  return apply && mcp.includes(READ_ONLY_SCOPE)
    ? `This token is limited to ${mcp}: ${tool.name} may only dry-run (call it without apply)`
    : `This token is limited to ${mcp}, which does not include the tool ${tool.name}`;
}

/**
 * The identity a request acts as, seen by the API layer: `/api/mcp` itself is open to every token (each
 * tool call is judged on its own requests); a tool call's request of a token with MCP scopes gets the
 * tool's actions as scopes (beside the token's action scopes), if the token allows the tool; every other
 * request is left as it is.
 */
export function mcpScopedIdentity(identity: Identity, url: string, call: McpCall | undefined): Identity {
  if (!identity.scopes) return identity;
  if (url === '/api/mcp') return { ...identity, scopes: [...identity.scopes, CONNECT_ACTION] };
  const mcp = mcpScopesOf(identity.scopes);
  if (!call || !mcp.length) return identity;
  const tool = mcpTool(call.tool);
  const others = identity.scopes.filter(scope => !mcp.includes(scope));
  if (!tool || !scopesAllowTool(identity.scopes, tool, call.apply)) return { ...identity, scopes: others.length ? others : ['mcp.none'] };
  return { ...identity, scopes: [...others, ...tool.actions.read, ...(call.apply ? (tool.actions.apply ?? []) : [])] };
}
