import { lazy } from 'react';
import type { PortalArea } from '../portal-area';

const McpPage = lazy(() => import('./McpPage'));

/** AI agents: how to connect an MCP client and the tools it gets (linked from the API tokens page, not the main nav). */
export const mcpArea: PortalArea = {
  name: 'mcp',
  routes: [{ path: '/settings/agents', element: <McpPage /> }],
};
