/**
 * /api/openapi.json is a valid OpenAPI 3.1 document and describes exactly the routes the server
 * registers (compared with Fastify's own route table).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAuthConfig } from '../../src/auth/auth-config.js';
import { defaultConfig } from '../../src/pave-config.js';
import { createLogger } from '../../src/core/logger.js';
import { createApp, type PaveApp } from '../../src/app.js';
import { createServer } from '../../src/api/server.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
/** Registered but deliberately left out of the document: the document itself. */
const UNDOCUMENTED = new Set(['GET /api/openapi.json', 'GET /metrics']); // /metrics is Prometheus text, described in docs/operating.md

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: unknown; $ref?: string }>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}
type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
  components?: { schemas?: Record<string, unknown> };
  [key: string]: unknown;
};

let app: PaveApp;
let server: FastifyInstance;
let dataDir: string;
let url: string;
let doc: OpenApiDocument;

// Built here rather than with startPave, because the test needs the Fastify instance's route table.
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pave-openapi-'));
  app = await createApp({ ...defaultConfig(), dataDir, port: 0, logLevel: 'silent', auth: { ...defaultAuthConfig(), enabled: false } }, { logger: createLogger('silent') });
  server = await createServer(app, { portalDir: join(dataDir, 'no-portal') });
  url = await server.listen({ host: '127.0.0.1', port: 0 });
  const response = await fetch(`${url}/api/openapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  doc = (await response.json()) as OpenApiDocument;
});

afterAll(async () => {
  await server?.close();
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** `METHOD /path` for every route in Fastify's table (HEAD routes Fastify adds for GET left out). */
function registeredRoutes(): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of server.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (.+?) \(([^)]*)\)$/.exec(line);
    if (!match) continue;
    const [, indent, segment, methods] = match as unknown as [string, string, string, string];
    const depth = indent.length / 4;
    stack.length = depth;
    stack.push(segment);
    for (const method of methods.split(',').map(m => m.trim())) {
      if (method && method !== '-' && method !== 'HEAD') routes.push(`${method} ${stack.join('')}`);
    }
  }
  return routes.sort();
}

function documentedRoutes(): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, item]) => METHODS.filter(m => item[m]).map(m => `${m.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`))
    .sort();
}

function operations(): Array<{ path: string; method: string; op: Operation }> {
  return Object.entries(doc.paths).flatMap(([path, item]) => METHODS.filter(m => item[m]).map(m => ({ path, method: m, op: item[m]! })));
}

/** Every value under `node`, with its JSON pointer. */
function* walk(node: unknown, pointer = ''): Generator<[string, unknown]> {
  yield [pointer, node];
  if (node && typeof node === 'object') {
    for (const [key, child] of Object.entries(node)) yield* walk(child, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  }
}

function resolvePointer(pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), doc);
}

/** Every schema object the document holds (components, parameters, bodies, responses). */
function schemas(): Array<[string, unknown]> {
  const found: Array<[string, unknown]> = Object.entries(doc.components?.schemas ?? {}).map(([name, schema]) => [`#/components/schemas/${name}`, schema]);
  for (const { path, method, op } of operations()) {
    const where = `${method.toUpperCase()} ${path}`;
    for (const p of op.parameters ?? []) if (p.schema) found.push([`${where} parameter ${p.name}`, p.schema]);
    for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) if (media.schema) found.push([`${where} body ${type}`, media.schema]);
    for (const [status, response] of Object.entries(op.responses ?? {})) {
      for (const [type, media] of Object.entries(response.content ?? {})) if (media.schema) found.push([`${where} ${status} ${type}`, media.schema]);
    }
  }
  return found;
}

describe('the document', () => {
  it('is OpenAPI 3.1 with info and paths', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toEqual(expect.any(String));
    expect(doc.info.version).toEqual(expect.any(String));
    expect(Object.keys(doc.paths).length).toBeGreaterThan(0);
    for (const key of Object.keys(doc)) expect(['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags', 'externalDocs'].includes(key) || key.startsWith('x-'), key).toBe(true);
  });

  it('has well-formed paths, parameters and responses', () => {
    const operationIds = new Set<string>();
    for (const { path, method, op } of operations()) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(path, where).toMatch(/^\//);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map(m => m[1]);
      const params = op.parameters ?? [];
      for (const p of params) {
        expect(['query', 'header', 'path', 'cookie'], `${where} ${p.name}`).toContain(p.in);
        expect(p.name, where).toEqual(expect.any(String));
        if (p.in === 'path') {
          expect(p.required, `${where} path parameter ${p.name} is required`).toBe(true);
          expect(templated, `${where} has {${p.name}}`).toContain(p.name);
        }
      }
      expect(params.filter(p => p.in === 'path').map(p => p.name).sort(), `${where} declares every path parameter`).toEqual([...templated].sort());
      expect(new Set(params.map(p => `${p.in}:${p.name}`)).size, `${where} has no duplicate parameters`).toBe(params.length);
      if (op.operationId) {
        expect(operationIds.has(op.operationId), `operationId ${op.operationId} is unique`).toBe(false);
        operationIds.add(op.operationId);
      }
      if (op.requestBody) expect(Object.keys(op.requestBody.content ?? {}).length, `${where} body has content`).toBeGreaterThan(0);
      expect(op.summary, `${where} has a summary`).toEqual(expect.any(String));
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        expect(status, where).toMatch(/^([1-5](\d\d|XX)|default)$/);
        expect(response.description, `${where} ${status} has a description`).toEqual(expect.any(String));
      }
    }
  });

  it('documents a success (or redirect) response for every operation', () => {
    for (const { path, method, op } of operations()) {
      expect(Object.keys(op.responses ?? {}).some(status => /^[23]/.test(status)), `${method.toUpperCase()} ${path}`).toBe(true);
    }
  });

  it('holds only valid JSON Schema 2020-12 schemas (the dialect of OpenAPI 3.1), without OpenAPI 3.0 keywords', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    for (const [where, schema] of schemas()) {
      expect(ajv.validateSchema(schema as object), `${where}: ${ajv.errorsText(ajv.errors)}`).toBe(true);
      for (const [pointer, node] of walk(schema)) {
        if (!node || typeof node !== 'object' || Array.isArray(node)) continue;
        const keys = node as Record<string, unknown>;
        expect('nullable' in keys && typeof keys.nullable === 'boolean', `${where}${pointer} uses 3.0's nullable`).toBe(false);
        for (const k of ['exclusiveMinimum', 'exclusiveMaximum']) expect(typeof keys[k] === 'boolean', `${where}${pointer} uses 3.0's boolean ${k}`).toBe(false);
      }
    }
  });

  // KNOWN BUG (src/api/schemas.ts, errorResponses): problems are served as application/problem+json but
  // documented as application/json. Remove `.fails` once errorResponses names the real media type.
  it('documents problem responses with the media type they are served with', () => {
    for (const { path, method, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (!/^[45]/.test(status)) continue;
        expect(Object.keys(response.content ?? {}), `${method.toUpperCase()} ${path} ${status}`).toEqual(['application/problem+json']);
      }
    }
  });

  it('has no dangling $ref', () => {
    for (const [pointer, node] of walk(doc)) {
      if (!pointer.endsWith('/$ref') || typeof node !== 'string') continue;
      expect(node, pointer).toMatch(/^#\//);
      expect(resolvePointer(node.slice(1)), `${pointer} → ${node}`).toBeDefined();
    }
  });
});

describe('routes', () => {
  it('lists every route the server registers, and nothing else', () => {
    const registered = registeredRoutes();
    expect(registered.length).toBeGreaterThan(5);
    expect(registered).toContain('GET /api/catalog/entities');
    expect(registered).toContain('DELETE /api/catalog/locations/:id');
    expect(documentedRoutes()).toEqual(registered.filter(route => !UNDOCUMENTED.has(route)));
  });

  it('the catalog routes Backstage\'s client calls are documented', () => {
    const documented = documentedRoutes();
    for (const route of [
      'GET /api/catalog/entities',
      'GET /api/catalog/entities/by-query',
      'POST /api/catalog/entities/by-refs',
      'GET /api/catalog/entities/by-name/:kind/:namespace/:name',
      'GET /api/catalog/entities/by-uid/:uid',
      'DELETE /api/catalog/entities/by-uid/:uid',
      'GET /api/catalog/entity-facets',
      'POST /api/catalog/refresh',
      'POST /api/catalog/validate-entity',
      'POST /api/catalog/locations',
      'GET /api/catalog/locations',
      'GET /api/catalog/locations/:id',
      'DELETE /api/catalog/locations/:id',
      'GET /api/catalog/locations/by-entity/:kind/:namespace/:name',
      'GET /api/search',
    ]) {
      expect(documented).toContain(route);
    }
  });

  it('documents the status codes routes really answer with', async () => {
    const check = async (method: string, path: string, templated: string, init?: RequestInit) => {
      const response = await fetch(url + path, { method, ...init });
      const statuses = Object.keys(doc.paths[templated]?.[method.toLowerCase() as 'get'] ?? {}).length ? Object.keys(doc.paths[templated]![method.toLowerCase() as 'get']!.responses ?? {}) : [];
      expect(statuses, `${method} ${path} answered ${response.status}`).toContain(String(response.status));
    };
    await check('GET', '/api/catalog/entities', '/api/catalog/entities');
    await check('GET', '/api/catalog/entities?limit=-1', '/api/catalog/entities');
    await check('GET', '/api/catalog/entities/by-name/component/default/nope', '/api/catalog/entities/by-name/{kind}/{namespace}/{name}');
    await check('GET', '/api/catalog/locations/nope', '/api/catalog/locations/{id}');
    await check('DELETE', '/api/catalog/locations/nope', '/api/catalog/locations/{id}');
    await check('POST', '/api/catalog/locations', '/api/catalog/locations', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'nope', target: 'x' }) });
    await check('GET', '/api/search?q=x', '/api/search');
    await check('GET', '/api/health', '/api/health');
  });
});
