/** Tools over permissions: why the caller (or another user) may or may not do something. */
import { READ_ONLY, type McpTool } from './mcp-tool.js';

export const permissionTools: McpTool[] = [
  {
    name: 'explain_permission',
    title: 'Explain a permission',
    description:
      'Whether a user (default: the caller) may do an action (e.g. platform.request.create, templates.task.create, catalog.entity.write) on an entity (resourceRef, e.g. component:default/payments), and which rule decides. Use it before a change to know whether it will be allowed, or after a denial to learn why.',
    annotations: READ_ONLY,
    actions: { read: ['auth.permission.explain'] },
    input: { route: { method: 'GET', path: '/api/permissions/explain' } },
    run: (args, api) =>
      api.json({ method: 'GET', path: '/api/permissions/explain', query: { user: args.user as string | undefined, action: args.action as string, resourceRef: args.resourceRef as string | undefined } }),
  },
];
