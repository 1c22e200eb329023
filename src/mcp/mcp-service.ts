/** The MCP module's service: its tools, and a new MCP server for a session (over any transport). */
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Logger } from '../core/logger.js';
import type { McpServerOptions } from './mcp-server.js';
import { MCP_TOOLS } from './mcp-tools.js';
import type { McpTool } from './mcp-tool.js';

export class McpService {
  constructor(private readonly options: { logger: Logger; version: string }) {}

  tools(): readonly McpTool[] {
    return MCP_TOOLS;
  }

  /** A server for one MCP session, whose tools call `injector`'s routes as the session's caller. The SDK loads with the first one. */
  async createServer(options: Omit<McpServerOptions, 'logger' | 'version'>): Promise<Server> {
    const { createMcpServer } = await import('./mcp-server.js');
    return createMcpServer({ ...options, logger: this.options.logger, version: this.options.version });
  }
}
