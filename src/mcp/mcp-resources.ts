/**
 * MCP resources: catalog entities as YAML (`pave://catalog/{kind}/{namespace}/{name}`), their docs pages
 * as Markdown (`pave://docs/{kind}/{namespace}/{name}/{path}`), and the golden paths listed. Read through
 * the same routes (and so the same read rules) as the tools `get_entity` and `list_templates`.
 */
import { stringify } from 'yaml';
import { badRequest } from '../core/problem.js';
import { seg, type ToolApi } from './mcp-tool.js';

export const ENTITY_URI_TEMPLATE = 'pave://catalog/{kind}/{namespace}/{name}';
export const DOCS_URI_TEMPLATE = 'pave://docs/{kind}/{namespace}/{name}/{path}';

export const RESOURCE_TEMPLATES = [
  { uriTemplate: ENTITY_URI_TEMPLATE, name: 'Catalog entity', description: 'A catalog entity (component, API, system, group, template…) as YAML, with its relations', mimeType: 'application/yaml' },
  { uriTemplate: DOCS_URI_TEMPLATE, name: 'Docs page', description: "A Markdown page of an entity's docs (path e.g. index.md)", mimeType: 'text/markdown' },
];

/** The tool whose actions a resource read uses (for tokens limited to MCP tools). */
export const RESOURCE_TOOL = 'get_entity';

interface TemplateSummary {
  ref: string;
  title?: string;
  description?: string;
}

/** The golden paths, as resources (entities are too many to list: read them by URI). */
export async function listResources(api: ToolApi): Promise<Array<{ uri: string; name: string; description?: string; mimeType: string }>> {
  const { items } = await api.json<{ items: TemplateSummary[] }>({ method: 'GET', path: '/api/scaffolder/v2/templates' });
  return items.map(template => {
    const [kind, rest] = template.ref.split(':') as [string, string];
    const [namespace, name] = rest.split('/') as [string, string];
    return { uri: `pave://catalog/${kind}/${namespace}/${name}`, name: template.title ?? template.ref, ...(template.description ? { description: template.description } : {}), mimeType: 'application/yaml' };
  });
}

/** One resource's contents. */
export async function readResource(uri: string, api: ToolApi): Promise<{ uri: string; mimeType: string; text: string }> {
  const entity = /^pave:\/\/catalog\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(uri);
  if (entity) {
    const [, kind, namespace, name] = entity.map(part => decodeURIComponent(part)) as [string, string, string, string];
    const body = await api.json({ method: 'GET', path: `/api/catalog/entities/by-name/${seg(kind)}/${seg(namespace)}/${seg(name)}` });
    return { uri, mimeType: 'application/yaml', text: stringify(body) };
  }
  const docs = /^pave:\/\/docs\/([^/]+)\/([^/]+)\/([^/]+)\/(.+)$/.exec(uri);
  if (docs) {
    const [, kind, namespace, name, path] = docs.map(part => decodeURIComponent(part)) as [string, string, string, string, string];
    const page = await api.json<{ markdown: string }>({ method: 'GET', path: `/api/docs/by-name/${seg(kind)}/${seg(namespace)}/${seg(name)}/page`, query: { path } });
    return { uri, mimeType: 'text/markdown', text: page.markdown };
  }
  throw badRequest(`${uri} is not a Pave resource: use ${ENTITY_URI_TEMPLATE} or ${DOCS_URI_TEMPLATE}`, [{ pointer: '/uri', detail: `must match ${ENTITY_URI_TEMPLATE} or ${DOCS_URI_TEMPLATE}` }]);
}
