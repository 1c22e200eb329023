/** Every MCP tool Pave offers, in the order agents see them. */
import { catalogTools } from './catalog-tools.js';
import { goldenPathTools } from './golden-path-tools.js';
import { platformTools } from './platform-tools.js';
import { permissionTools } from './permission-tools.js';
import { insightTools } from './insight-tools.js';
import type { McpTool } from './mcp-tool.js';

export const MCP_TOOLS: readonly McpTool[] = [...catalogTools, ...goldenPathTools, ...platformTools, ...insightTools, ...permissionTools];

/** A tool by name. */
export function mcpTool(name: string): McpTool | undefined {
  return MCP_TOOLS.find(tool => tool.name === name);
}
