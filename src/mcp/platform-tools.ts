/** Tools over the platform API: capabilities, and platform requests rendered, applied, read and deleted. */
import { APPLY_PROPERTY, PAGE_PROPERTIES, applies, page, seg, type McpTool, READ_ONLY } from './mcp-tool.js';


export const platformTools: McpTool[] = [
  {
    name: 'list_capabilities',
    title: 'List platform capabilities',
    description: 'What can be requested from the platform (databases, queues, namespaces…): each capability with its newest version and request kind; paged. Read one with get_capability for its request schema.',
    annotations: READ_ONLY,
    actions: { read: ['platform.capability.read'] },
    input: { route: { method: 'GET', path: '/api/platform/capabilities' }, extra: PAGE_PROPERTIES },
    run: async (args, api) => page((await api.json<{ items: unknown[] }>({ method: 'GET', path: '/api/platform/capabilities' })).items, args),
  },
  {
    name: 'get_capability',
    title: 'Get a platform capability',
    description: "One capability's newest revision: the request's apiVersion and kind, the JSON Schema of a request's spec, its outputs and every published version. Read it before create_platform_request.",
    annotations: READ_ONLY,
    actions: { read: ['platform.capability.read'] },
    input: { route: { method: 'GET', path: '/api/platform/capabilities/:name' } },
    run: (args, api) => api.json({ method: 'GET', path: `/api/platform/capabilities/${seg(args.name)}` }),
  },
  {
    name: 'list_platform_requests',
    title: 'List platform requests',
    description: 'Platform requests the caller may read, optionally of one namespace (team), kind or capability, with their phase and conditions; paged.',
    annotations: READ_ONLY,
    actions: { read: ['platform.request.read'] },
    input: { route: { method: 'GET', path: '/api/platform/requests' }, extra: PAGE_PROPERTIES },
    run: async (args, api) => {
      const query = { namespace: args.namespace as string | undefined, kind: args.kind as string | undefined, capability: args.capability as string | undefined };
      return page((await api.json<{ items: unknown[] }>({ method: 'GET', path: '/api/platform/requests', query })).items, args);
    },
  },
  {
    name: 'get_platform_request',
    title: 'Get a platform request',
    description: "One request with its status: phase, conditions (Accepted, DependenciesReady, Configured, Written, Ready; Synced and Healthy once Argo CD or Flux reports on its folder), outputs once ready (host, port, secretRef…) and where its files were delivered. Poll it until Ready after applying.",
    annotations: READ_ONLY,
    actions: { read: ['platform.request.read'] },
    input: { route: { method: 'GET', path: '/api/platform/requests/:namespace/:name' } },
    run: (args, api) => api.json({ method: 'GET', path: `/api/platform/requests/${seg(args.namespace)}/${seg(args.name)}` }),
  },
  {
    name: 'create_platform_request',
    title: 'Create or update a platform request',
    description:
      "Requests infrastructure: `request` is a request document (apiVersion and kind from the capability, metadata.name, metadata.namespace = the owning team's namespace, spec per the capability's schema). Without apply it is a dry run (render): the files that would be committed, outputs and placement, nothing written. With apply: true it is created (or updated) and reconciled; poll get_platform_request until Ready.",
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    actions: { read: ['platform.request.render'], apply: ['platform.request.create'] },
    input: { route: { method: 'POST', path: '/api/platform/requests' }, body: { property: 'request', description: 'The request document (apiVersion, kind, metadata, spec)' }, extra: APPLY_PROPERTY },
    run: async (args, api) => {
      if (applies(args)) return { applied: true, ...(await api.json<Record<string, unknown>>({ method: 'POST', path: '/api/platform/requests', body: args.request })) };
      return { applied: false, rendered: await api.json({ method: 'POST', path: '/api/platform/render', body: { request: args.request } }) };
    },
  },
  {
    name: 'delete_platform_request',
    title: 'Delete a platform request',
    description:
      "Deletes a request: its delete steps run, then its files are removed from the destinations in a commit, then the request. Without apply it is a dry run that shows the request that would be deleted. With apply: true the deletion starts (poll get_platform_request until it is gone).",
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    actions: { read: ['platform.request.read'], apply: ['platform.request.delete'] },
    input: { route: { method: 'DELETE', path: '/api/platform/requests/:namespace/:name' }, extra: APPLY_PROPERTY },
    run: async (args, api) => {
      const path = `/api/platform/requests/${seg(args.namespace)}/${seg(args.name)}`;
      if (applies(args)) return { applied: true, request: await api.json({ method: 'DELETE', path }) };
      return { applied: false, wouldDelete: await api.json({ method: 'GET', path }) };
    },
  },
];
