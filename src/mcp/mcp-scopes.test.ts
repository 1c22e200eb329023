import { describe, expect, it } from 'vitest';
import type { Identity } from '../auth/identity.js';
import { mcpTool } from './mcp-tools.js';
import { mcpScopedIdentity, scopesAllowTool } from './mcp-scopes.js';

const token = (scopes: string[]): Identity => ({ principal: 'user:default/ana', groups: [], roles: [], via: 'token', scopes });
const search = mcpTool('search_catalog')!;
const create = mcpTool('create_platform_request')!;

describe('MCP token scopes', () => {
  it('lets mcp.read-only call read-only tools, and change tools only as dry runs', () => {
    expect(scopesAllowTool(['mcp.read-only'], search, false)).toBe(true);
    expect(scopesAllowTool(['mcp.read-only'], create, false)).toBe(true);
    expect(scopesAllowTool(['mcp.read-only'], create, true)).toBe(false);
  });

  it('lets mcp.tool.<name> call that tool only, and leaves tokens without MCP scopes to their action scopes', () => {
    expect(scopesAllowTool(['mcp.tool.create_platform_request'], create, true)).toBe(true);
    expect(scopesAllowTool(['mcp.tool.create_platform_request'], search, false)).toBe(false);
    expect(scopesAllowTool(['catalog.*'], create, true)).toBe(true);
    expect(scopesAllowTool(undefined, create, true)).toBe(true);
  });

  it("narrows a tool call's requests to the tool's actions, applying ones only when applying", () => {
    const call = { tool: 'create_platform_request', client: 'x', apply: false };
    expect(mcpScopedIdentity(token(['mcp.tool.create_platform_request']), '/api/platform/render', call).scopes).toEqual(['platform.request.render']);
    expect(mcpScopedIdentity(token(['mcp.tool.create_platform_request']), '/api/platform/requests', { ...call, apply: true }).scopes).toEqual(['platform.request.render', 'platform.request.create']);
    expect(mcpScopedIdentity(token(['mcp.read-only']), '/api/platform/requests', { ...call, apply: true }).scopes).toEqual(['mcp.none']);
  });

  it('leaves plain HTTP requests of an MCP-scoped token as they are (matching no action), and opens only /api/mcp', () => {
    expect(mcpScopedIdentity(token(['mcp.read-only']), '/api/search', undefined).scopes).toEqual(['mcp.read-only']);
    expect(mcpScopedIdentity(token(['mcp.read-only']), '/api/mcp', undefined).scopes).toEqual(['mcp.read-only', 'mcp.server.connect']);
    expect(mcpScopedIdentity(token(['catalog.*']), '/api/search', { tool: 'search_catalog', client: 'x', apply: false }).scopes).toEqual(['catalog.*']);
  });
});
