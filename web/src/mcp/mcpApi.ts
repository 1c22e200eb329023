/** Typed calls to the MCP server's tool list (`/api/mcp/tools`); errors are `ApiError` problems. */
import { apiRequest } from '../lib/api';

export interface McpToolSummary {
  name: string;
  title: string;
  description: string;
  annotations: { readOnlyHint: boolean; destructiveHint: boolean; idempotentHint: boolean; openWorldHint: boolean };
  actions: { read: string[]; apply?: string[] };
}

export function listMcpTools(signal?: AbortSignal): Promise<{ items: McpToolSummary[] }> {
  return apiRequest('/api/mcp/tools', { signal });
}
