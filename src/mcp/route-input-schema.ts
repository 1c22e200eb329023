/**
 * A tool's input schema, derived from the OpenAPI document the server builds from its routes' TypeBox
 * schemas: the route's path and query parameters and its body become the tool's properties, `$ref`s
 * inlined (a tool's schema stands alone), plus what the tool adds. One definition per shape: a tool accepts
 * what its route accepts.
 */
import type { ToolInput } from './mcp-tool.js';

export interface JsonObjectSchema {
  type: 'object';
  properties: Record<string, unknown>;
  required?: string[];
  additionalProperties?: boolean;
}

interface OpenApiParameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Record<string, unknown>;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Record<string, unknown> }> };
}

/** The parts of an OpenAPI 3.1 document this reads. */
export interface OpenApiDocument {
  paths?: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, unknown> };
}

/** Fastify's `/a/:b` as OpenAPI's `/a/{b}`. */
function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** The schema with every local `$ref` replaced by what it names (cycles stop at a loose object). */
function inline(schema: unknown, components: Record<string, unknown>, seen: readonly string[] = []): unknown {
  if (Array.isArray(schema)) return schema.map(item => inline(item, components, seen));
  if (schema === null || typeof schema !== 'object') return schema;
  const object = schema as Record<string, unknown>;
  if (typeof object.$ref === 'string') {
    const name = object.$ref.replace(/^#\/components\/schemas\//, '');
    if (seen.includes(name) || !(name in components)) return { type: 'object' };
    return inline(components[name], components, [...seen, name]);
  }
  return Object.fromEntries(Object.entries(object).filter(([key]) => key !== '$id').map(([key, value]) => [key, inline(value, components, seen)]));
}

/**
 * The input schema of a tool over a route.
 * @example routeInputSchema(openapi, { route: { method: 'GET', path: '/api/search' } }) // { type: 'object', properties: { q, kind, limit }, required: ['q'] }
 */
export function routeInputSchema(document: OpenApiDocument, input: ToolInput): JsonObjectSchema {
  const operation = document.paths?.[openApiPath(input.route.path)]?.[input.route.method.toLowerCase()];
  if (!operation) throw new Error(`The OpenAPI document has no ${input.route.method} ${input.route.path}`);
  const components = document.components?.schemas ?? {};
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const parameter of operation.parameters ?? []) {
    if ((parameter.in !== 'path' && parameter.in !== 'query') || input.omit?.includes(parameter.name)) continue;
    properties[parameter.name] = inline({ ...(parameter.schema ?? {}), ...(parameter.description ? { description: parameter.description } : {}) }, components);
    if (parameter.required || parameter.in === 'path') required.push(parameter.name);
  }
  const body = inline(operation.requestBody?.content?.['application/json']?.schema, components) as Record<string, unknown> | undefined;
  if (input.body === 'spread' && body) {
    for (const [name, schema] of Object.entries((body.properties ?? {}) as Record<string, unknown>)) if (!input.omit?.includes(name)) properties[name] = schema;
    for (const name of (body.required ?? []) as string[]) if (!input.omit?.includes(name)) required.push(name);
  } else if (input.body && input.body !== 'spread' && body) {
    properties[input.body.property] = { ...body, description: input.body.description };
    required.push(input.body.property);
  }
  Object.assign(properties, input.extra ?? {});
  required.push(...(input.required ?? []));
  return { type: 'object', properties, ...(required.length ? { required: [...new Set(required)] } : {}), additionalProperties: false };
}
