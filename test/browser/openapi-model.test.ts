// How the portal reads OpenAPI 3 and Swagger 2 documents into operations, parameters, bodies and responses.
import { describe, expect, it } from 'vitest';
import { readOpenApi, type OpenApiModel } from '../../web/src/api-docs/openapi-model.js';

const OPENAPI = {
  openapi: '3.0.3',
  info: { title: 'Orders', version: '2.1.0', description: 'Places *orders*.' },
  servers: [{ url: 'https://orders.example.com/v2', description: 'production' }],
  tags: [{ name: 'orders', description: 'Order lifecycle' }, { name: 'health' }],
  paths: {
    '/orders/{id}': {
      parameters: [{ name: 'id', in: 'path', schema: { type: 'string' } }, { name: 'trace', in: 'header', schema: { type: 'string' } }],
      get: {
        operationId: 'getOrder',
        tags: ['orders'],
        summary: 'One order',
        parameters: [{ name: 'trace', in: 'header', required: true, description: 'the caller’s trace id', schema: { type: 'string', format: 'uuid' } }],
        responses: { '200': { $ref: '#/components/responses/Order' }, '404': { description: 'No such order' } },
      },
      delete: { tags: ['orders'], deprecated: true, responses: { '204': { description: 'Gone' } } },
    },
    '/orders': {
      post: {
        tags: ['orders'],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' }, examples: { small: { value: { id: 'o-1' } } } } } },
        responses: { '201': { $ref: '#/components/responses/Order' } },
      },
    },
    '/healthz': { get: { tags: ['health'], responses: { '200': { description: 'Up' } } } },
    '/untagged': { get: { responses: {} } },
  },
  components: {
    schemas: { Order: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, lines: { type: 'array', items: { $ref: '#/components/schemas/Order' } } } } },
    responses: { Order: { description: 'The order', content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } } } },
  },
};

const SWAGGER = {
  swagger: '2.0',
  info: { title: 'Pets', version: '1' },
  host: 'pets.example.com',
  basePath: '/api',
  schemes: ['https', 'http'],
  produces: ['application/json'],
  paths: {
    '/pets': {
      get: { parameters: [{ name: 'limit', in: 'query', type: 'integer', format: 'int32' }], responses: { '200': { description: 'Pets', schema: { type: 'array', items: { $ref: '#/definitions/Pet' } } } } },
      post: { consumes: ['application/xml'], parameters: [{ name: 'pet', in: 'body', required: true, schema: { $ref: '#/definitions/Pet' } }], responses: { '201': { description: 'Made' } } },
    },
    '/pets/{id}/photo': {
      put: { consumes: ['multipart/form-data'], parameters: [{ name: 'id', in: 'path', type: 'string' }, { name: 'file', in: 'formData', type: 'file', required: true }], responses: { '204': { description: 'Stored' } } },
    },
  },
  definitions: { Pet: { type: 'object', properties: { name: { type: 'string' } } } },
};

const model = (doc: Record<string, unknown>) => {
  const read = readOpenApi(doc);
  if ('error' in read) throw new Error(read.error);
  return read;
};
const op = (m: OpenApiModel, method: string, path: string) => m.groups.flatMap(g => g.operations).find(o => o.method === method && o.path === path)!;

describe('readOpenApi', () => {
  it('groups operations by their first tag, in the declared order, with the untagged last', () => {
    const m = model(OPENAPI);
    expect(m.groups.map(g => [g.tag, g.operations.map(o => `${o.method} ${o.path}`)])).toEqual([
      ['orders', ['get /orders/{id}', 'delete /orders/{id}', 'post /orders']],
      ['health', ['get /healthz']],
      ['Operations', ['get /untagged']],
    ]);
    expect(m.groups[0]!.description).toBe('Order lifecycle');
    expect(m.servers).toEqual([{ url: 'https://orders.example.com/v2', description: 'production' }]);
    expect(m.schemas.map(([name]) => name)).toEqual(['Order']);
  });

  it('merges path-level parameters under the operation’s own, follows $refs to responses and keeps examples', () => {
    const m = model(OPENAPI);
    const get = op(m, 'get', '/orders/{id}');
    expect(get.parameters.map(p => [p.name, p.in, p.required, p.description ?? null])).toEqual([
      ['id', 'path', true, null],
      ['trace', 'header', true, 'the caller’s trace id'],
    ]);
    expect(get.responses.map(r => [r.code, r.description, r.content.map(c => c.mediaType)])).toEqual([
      ['200', 'The order', ['application/json']],
      ['404', 'No such order', []],
    ]);
    expect(m.resolve(get.responses[0]!.content[0]!.schema)?.required).toEqual(['id']);
    const post = op(m, 'post', '/orders');
    expect(post.body).toMatchObject({ required: true, content: [{ mediaType: 'application/json', example: { id: 'o-1' } }] });
    expect(op(m, 'delete', '/orders/{id}').deprecated).toBe(true);
  });

  it('reads Swagger 2: servers from host and schemes, body and form parameters as request bodies, types on parameters', () => {
    const m = model(SWAGGER);
    expect(m.version).toBe('2.0');
    expect(m.servers.map(s => s.url)).toEqual(['https://pets.example.com/api', 'http://pets.example.com/api']);
    expect(op(m, 'get', '/pets').parameters).toEqual([expect.objectContaining({ name: 'limit', in: 'query', required: false, schema: expect.objectContaining({ type: 'integer', format: 'int32' }) })]);
    expect(op(m, 'get', '/pets').responses[0]!.content).toEqual([{ mediaType: 'application/json', schema: { type: 'array', items: { $ref: '#/definitions/Pet' } }, example: undefined }]);
    expect(op(m, 'post', '/pets').body).toMatchObject({ required: true, content: [{ mediaType: 'application/xml', schema: { $ref: '#/definitions/Pet' } }] });
    const upload = op(m, 'put', '/pets/{id}/photo');
    expect(upload.parameters.map(p => p.name)).toEqual(['id']);
    expect(upload.body).toMatchObject({ required: true, content: [{ mediaType: 'multipart/form-data', schema: { required: ['file'], properties: { file: { type: 'file' } } } }] });
    expect(m.schemas.map(([name]) => name)).toEqual(['Pet']);
  });

  it('says what is wrong with a document that is not OpenAPI, and survives a $ref cycle', () => {
    expect(readOpenApi({ asyncapi: '2.6.0' })).toEqual({ error: expect.stringMatching(/not an OpenAPI document/) });
    const cyclic = model({ openapi: '3.1.0', paths: { '/a': { $ref: '#/paths/~1a' } } });
    expect(cyclic.groups).toEqual([]);
  });
});
