/**
 * An OpenAPI 3.x or Swagger 2.0 document read into what the portal shows: operations grouped by tag with their
 * parameters, request body and responses, servers and named schemas. Pure: the document is only read, local
 * `$ref`s are followed lazily by `resolve`, nothing from it is evaluated.
 */
import { makeResolver, type Schema } from './schema-refs.js';

type Obj = Record<string, unknown>;

export interface Content {
  mediaType: string;
  schema?: unknown;
  example?: unknown;
}

export interface Parameter {
  name: string;
  in: string;
  required: boolean;
  deprecated: boolean;
  description?: string;
  schema?: unknown;
}

export interface Operation {
  id: string;
  method: string;
  path: string;
  summary?: string;
  description?: string;
  deprecated: boolean;
  parameters: Parameter[];
  body?: { required: boolean; description?: string; content: Content[] };
  responses: { code: string; description?: string; content: Content[] }[];
}

export interface OpenApiModel {
  /** `3.1.0`, `3.0.3`, `2.0`… */
  version: string;
  info: { title?: string; version?: string; description?: string };
  servers: { url: string; description?: string }[];
  groups: { tag: string; description?: string; operations: Operation[] }[];
  schemas: [string, unknown][];
  resolve: (node: unknown) => Schema | undefined;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Reads a parsed document; an error message when it is neither OpenAPI 3 nor Swagger 2. */
export function readOpenApi(doc: Obj): OpenApiModel | { error: string } {
  const swagger = str(doc.swagger);
  const version = str(doc.openapi) ?? swagger;
  if (!version) return { error: 'This is not an OpenAPI document: it has no openapi: (or swagger:) version field.' };
  const v2 = Boolean(swagger);
  const resolve = makeResolver(doc) as (n: unknown) => Obj | undefined;
  const info = obj(doc.info);
  const consumes = list(doc.consumes).map(String);
  const produces = list(doc.produces).map(String);

  const groups = new Map<string, Operation[]>();
  for (const [path, rawItem] of Object.entries(obj(doc.paths))) {
    const item = resolve(rawItem) ?? {};
    for (const method of METHODS) {
      const op = resolve(item[method]);
      if (!op) continue;
      const params = mergeParameters(list(item.parameters), list(op.parameters), resolve);
      const operation: Operation = {
        id: str(op.operationId) ?? `${method}-${path}`,
        method,
        path,
        summary: str(op.summary),
        description: str(op.description),
        deprecated: op.deprecated === true,
        parameters: params.filter((p) => p.in !== 'body' && p.in !== 'formData').map((p) => toParameter(p, v2)),
        body: v2 ? swaggerBody(params, list(op.consumes).map(String).concat(consumes)) : openApiBody(resolve(op.requestBody)),
        responses: Object.entries(obj(op.responses)).map(([code, raw]) => {
          const response = resolve(raw) ?? {};
          const types = list(op.produces).map(String).concat(produces);
          return {
            code,
            description: str(response.description),
            content: v2 ? (response.schema ? [{ mediaType: types[0] ?? 'application/json', schema: response.schema, example: firstExample(response.examples) }] : []) : contents(response.content),
          };
        }),
      };
      const tag = str(list(op.tags)[0]) ?? 'Operations';
      groups.set(tag, [...(groups.get(tag) ?? []), operation]);
    }
  }
  const tagInfo = new Map(list(doc.tags).map((t) => [str(obj(t).name) ?? '', str(obj(t).description)]));
  // Tags in the document's declared order first, then the rest as they appeared.
  const order = [...tagInfo.keys()].filter((t) => groups.has(t)).concat([...groups.keys()].filter((t) => !tagInfo.has(t)));
  return {
    version,
    info: { title: str(info.title), version: str(info.version), description: str(info.description) },
    servers: v2 ? swaggerServers(doc) : list(doc.servers).map((s) => ({ url: str(obj(s).url) ?? '/', description: str(obj(s).description) })),
    groups: order.map((tag) => ({ tag, description: tagInfo.get(tag), operations: groups.get(tag)! })),
    schemas: Object.entries(v2 ? obj(doc.definitions) : obj(obj(doc.components).schemas)),
    resolve: resolve as (n: unknown) => Schema | undefined,
  };
}

/** Path-level parameters apply unless the operation names the same one (name and place) itself. */
function mergeParameters(pathLevel: unknown[], own: unknown[], resolve: (n: unknown) => Obj | undefined): Obj[] {
  const mine = own.map((p) => resolve(p) ?? {});
  const key = (p: Obj) => `${String(p.in)}:${String(p.name)}`;
  const taken = new Set(mine.map(key));
  return [...pathLevel.map((p) => resolve(p) ?? {}).filter((p) => !taken.has(key(p))), ...mine];
}

function toParameter(p: Obj, v2: boolean): Parameter {
  // Swagger 2 puts the type on the parameter itself; OpenAPI 3 under `schema` (or `content`).
  const schema = v2 ? { type: p.type, format: p.format, items: p.items, enum: p.enum, default: p.default } : (p.schema ?? Object.values(obj(p.content)).map((c) => obj(c).schema)[0]);
  return { name: str(p.name) ?? '?', in: str(p.in) ?? '?', required: p.required === true || p.in === 'path', deprecated: p.deprecated === true, description: str(p.description), schema };
}

function openApiBody(body: Obj | undefined): Operation['body'] {
  if (!body) return undefined;
  return { required: body.required === true, description: str(body.description), content: contents(body.content) };
}

function swaggerBody(params: Obj[], consumes: string[]): Operation['body'] {
  const body = params.find((p) => p.in === 'body');
  if (body) return { required: body.required === true, description: str(body.description), content: [{ mediaType: consumes[0] ?? 'application/json', schema: body.schema }] };
  const form = params.filter((p) => p.in === 'formData');
  if (!form.length) return undefined;
  const schema = {
    type: 'object',
    required: form.filter((p) => p.required === true).map((p) => p.name),
    properties: Object.fromEntries(form.map((p) => [String(p.name), { type: p.type, format: p.format, description: p.description }])),
  };
  return { required: form.some((p) => p.required === true), content: [{ mediaType: consumes.find((c) => c.includes('form')) ?? 'application/x-www-form-urlencoded', schema }] };
}

function contents(content: unknown): Content[] {
  return Object.entries(obj(content)).map(([mediaType, raw]) => {
    const media = obj(raw);
    return { mediaType, schema: media.schema, example: media.example ?? firstExample(media.examples) };
  });
}

function firstExample(examples: unknown): unknown {
  const first = Object.values(obj(examples))[0];
  return first && typeof first === 'object' && 'value' in (first as Obj) ? (first as Obj).value : first;
}

function swaggerServers(doc: Obj): OpenApiModel['servers'] {
  const host = str(doc.host);
  if (!host) return str(doc.basePath) ? [{ url: str(doc.basePath)! }] : [];
  const schemes = list(doc.schemes).map(String);
  return (schemes.length ? schemes : ['https']).map((scheme) => ({ url: `${scheme}://${host}${str(doc.basePath) ?? ''}` }));
}
