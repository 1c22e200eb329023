/** The MCP server as a Pave module: tools, resources and prompts for AI agents over Pave's own routes. */
import { defineModule } from '../pave-module.js';
import { mcpCommand } from '../cli/mcp-command.js';
import type { McpService } from './mcp-service.js';

export const mcpModule = defineModule({
  name: 'mcp',
  description: 'The MCP server: catalog, golden-path, platform and permission tools for AI agents, each call made of Pave\'s routes as the caller',
  requires: ['auth'],
  permissions: [{ action: 'mcp.server.connect', description: 'Connect to the MCP server and list its tools (each tool call is judged by the actions of the routes it calls)' }],
  defaultRules: () => [
    {
      id: 'default.mcp-connect',
      description: 'Everyone signed in may connect an MCP client; what its tools do is judged as the same requests over HTTP',
      effect: 'allow',
      actions: ['mcp.server.connect'],
      subjects: ['role:signed-in'],
    },
  ],
  create: async ({ logger }): Promise<McpService> => new (await import('./mcp-service.js')).McpService({ logger, version: '0.1.0' }),
  async routes(api, mcp) {
    const { mcpRoutes } = await import('../api/routes/mcp-routes.js');
    await api.register(mcpRoutes, { mcp });
  },
  cli: ({ globals }) => [mcpCommand(globals)],
});
