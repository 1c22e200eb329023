/** Tools over the catalog: search, query with paging, one entity with its relations. */
import { seg, type McpTool, READ_ONLY } from './mcp-tool.js';


export const catalogTools: McpTool[] = [
  {
    name: 'search_catalog',
    title: 'Search the catalog',
    description:
      'Search the software catalog (components, APIs, systems, groups, users, resources, templates) by name, description, owner, tags, API operations and channels, and docs; typos and partial words are fine, results matching more words come first, each with a snippet of where it matched. Ask "who owns X" to get the owning teams first. Filter by kind, type, owner or lifecycle; page with offset. Answers only what the caller may read.',
    annotations: READ_ONLY,
    actions: { read: ['catalog.entity.read'] },
    input: { route: { method: 'GET', path: '/api/search' } },
    run: (args, api) => {
      const list = (name: string) => args[name] as string[] | string | undefined;
      return api.json({ method: 'GET', path: '/api/search', query: { q: args.q as string, kind: list('kind'), type: list('type'), owner: list('owner'), lifecycle: list('lifecycle'), limit: args.limit as number | undefined, offset: args.offset as number | undefined } });
    },
  },
  {
    name: 'list_entities',
    title: 'List catalog entities',
    description:
      'Entities matching Backstage filters (e.g. filter "kind=component,spec.owner=group:default/checkout-team"; several filters are OR-ed), a page at a time: pass the answer\'s pageInfo.nextCursor as cursor for the next page. Use fields to keep answers small (e.g. "metadata.name,spec.owner").',
    annotations: READ_ONLY,
    actions: { read: ['catalog.entity.read'] },
    input: { route: { method: 'GET', path: '/api/catalog/entities/by-query' }, omit: ['offset', 'totalItems'] },
    run: (args, api) =>
      api.json({
        method: 'GET',
        path: '/api/catalog/entities/by-query',
        query: {
          filter: args.filter as string[] | string | undefined,
          fields: args.fields as string[] | string | undefined,
          orderField: args.orderField as string[] | string | undefined,
          cursor: args.cursor as string | undefined,
          limit: (args.limit as number | undefined) ?? 25,
          fullTextFilterTerm: args.fullTextFilterTerm as string | undefined,
          fullTextFilterFields: args.fullTextFilterFields as string[] | string | undefined,
        },
      }),
  },
  {
    name: 'get_entity',
    title: 'Get a catalog entity',
    description:
      "One entity by kind, namespace and name, with its relations (ownedBy, dependsOn, dependencyOf, providesApi, partOf, hasMember…) and status. Use it to find a service's owner, dependencies and dependents.",
    annotations: READ_ONLY,
    actions: { read: ['catalog.entity.read'] },
    input: { route: { method: 'GET', path: '/api/catalog/entities/by-name/:kind/:namespace/:name' } },
    run: (args, api) => api.json({ method: 'GET', path: `/api/catalog/entities/by-name/${seg(args.kind)}/${seg(args.namespace)}/${seg(args.name)}` }),
  },
  {
    name: 'get_docs',
    title: "Read an entity's docs",
    description:
      "An entity's documentation (TechDocs): without path, the site's name and navigation (the pages' paths); with path (e.g. index.md), that page's Markdown. Use it to learn how a service is run, called or deployed.",
    annotations: READ_ONLY,
    actions: { read: ['catalog.entity.read'] },
    input: {
      route: { method: 'GET', path: '/api/docs/by-name/:kind/:namespace/:name' },
      extra: { path: { type: 'string', minLength: 1, description: 'A page of the navigation, e.g. index.md' } },
    },
    run: (args, api) => {
      const site = `/api/docs/by-name/${seg(args.kind)}/${seg(args.namespace)}/${seg(args.name)}`;
      return args.path === undefined ? api.json({ method: 'GET', path: site }) : api.json({ method: 'GET', path: `${site}/page`, query: { path: args.path as string } });
    },
  },
];
