import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Entity } from '../../core/entity.js';
import { stringifyEntityRef } from '../../core/entity-ref.js';
import { badRequest, notFound } from '../../core/problem.js';
import type { CatalogService } from '../../catalog/catalog-service.js';
import { parseOrderFields, parseOrderParams } from '../../catalog/query/order-fields.js';
import { parseFieldsParam, projectFields } from '../../catalog/query/project-fields.js';
import { decodeAfterCursor, MAX_CURSOR_LENGTH, MAX_OFFSET } from '../../catalog/query/cursor.js';
import { MAX_PREDICATE_NODES } from '../../catalog/query/filter-predicate.js';
import { locationRefErrors } from '../../catalog/location-ref.js';
import { EntitySchema, PartialEntitySchema, StringList, asList, errorResponses } from '../schemas.js';
import { authorizeEntityChange, changeAuthor, filterReadable, readableOrNull, refFromNameParams, storedOrSubmitted } from '../authorize.js';
import { jsonArrayStream } from '../json-array-stream.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SentEntity } from '../../catalog/sent-entity.js';
import type { QueryEntitiesResponse } from '../../catalog/query/entity-reader.js';

const NameParams = Type.Object({ kind: Type.String(), namespace: Type.String(), name: Type.String() });
const TotalItemsSchema = Type.Union([Type.Literal('include'), Type.Literal('exclude')], { description: 'exclude: totalItems is 0, not counted' });
const QueryResponseSchema = Type.Object({
  items: Type.Array(PartialEntitySchema),
  totalItems: Type.Integer(),
  pageInfo: Type.Object({ nextCursor: Type.Optional(Type.String()), prevCursor: Type.Optional(Type.String()) }),
});
const FacetsResponseSchema = Type.Object({ facets: Type.Record(Type.String(), Type.Array(Type.Object({ value: Type.String(), count: Type.Integer() }))) });

/** Backstage-compatible entity routes under /api/catalog. Handlers only translate HTTP to the catalog service. */
export const catalogEntityRoutes: FastifyPluginAsyncTypebox<{ catalog: CatalogService }> = async (app, { catalog }) => {
  app.get(
    '/entities',
    {
      config: { permission: { action: 'catalog.entity.read', scoped: true } },
      schema: {
        tags: ['catalog'],
        summary: 'List entities, filtered (Backstage filter syntax), with offset paging',
        querystring: Type.Object({
          filter: StringList,
          fields: StringList,
          order: StringList,
          limit: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OFFSET })),
          offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OFFSET })),
          after: Type.Optional(Type.String({ maxLength: MAX_CURSOR_LENGTH })),
        }),
        response: { 200: Type.Array(PartialEntitySchema), ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      // `after` is Backstage's legacy cursor for this route: an opaque offset.
      const offset = q.after !== undefined ? decodeAfterCursor(q.after) : q.offset;
      const query = { filter: asList(q.filter), order: parseOrderParams(q.order), offset, scope: request.readScope };
      const fields = parseFieldsParam(q.fields);
      if (q.limit !== undefined) return sendJson(reply, `[${(await readableJson(request, await catalog.entities.sentList({ ...query, limit: q.limit }), fields)).join(',')}]`);
      // Every entity: streamed from the database a page at a time instead of built in memory.
      const stream = await jsonArrayStream(catalog.entities.sentListPages(query), page => readableJson(request, page, fields));
      // The stream is the same JSON array the schema describes; Fastify sends streams as they are.
      return reply.type(JSON_TYPE).send(stream as unknown as Entity[]);
    },
  );

  app.get(
    '/entities/by-query',
    {
      config: { permission: { action: 'catalog.entity.read', scoped: true } },
      schema: {
        tags: ['catalog'],
        summary: 'Query entities with cursor pagination, ordering and a full-text filter',
        querystring: Type.Object({
          filter: StringList,
          fields: StringList,
          orderField: StringList,
          cursor: Type.Optional(Type.String({ maxLength: MAX_CURSOR_LENGTH })),
          limit: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OFFSET })),
          offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OFFSET })),
          fullTextFilterTerm: Type.Optional(Type.String()),
          fullTextFilterFields: StringList,
          totalItems: Type.Optional(TotalItemsSchema),
        }),
        response: { 200: QueryResponseSchema, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const term = q.fullTextFilterTerm?.trim();
      const page = await catalog.entities.sentQuery({
        filter: asList(q.filter),
        orderFields: parseOrderFields(q.orderField),
        cursor: q.cursor,
        limit: q.limit,
        offset: q.offset,
        fullText: term ? { term, fields: parseFieldsParam(q.fullTextFilterFields) } : undefined,
        totalItems: q.totalItems,
        scope: request.readScope,
      });
      return sendJson(reply, pageJson(await readableJson(request, page.items, parseFieldsParam(q.fields)), page));
    },
  );

  app.post(
    '/entities/by-query',
    {
      config: { permission: { action: 'catalog.entity.read', scoped: true } },
      schema: {
        tags: ['catalog'],
        summary: 'Query entities with a filter predicate (Backstage’s queryEntities({ query })), cursor pages, ordering and a full-text filter',
        description: `query: { "kind": "Component", "spec.type": { "$in": ["service"] } }, with $all, $any, $not, $exists, $in, $hasPrefix and $contains (at most ${MAX_PREDICATE_NODES} nodes). A cursor carries the whole query: send it alone (with limit and fields).`,
        body: Type.Object(
          {
            query: Type.Optional(Type.Unknown()),
            cursor: Type.Optional(Type.String({ maxLength: MAX_CURSOR_LENGTH })),
            limit: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OFFSET })),
            offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OFFSET })),
            orderBy: Type.Optional(Type.Array(Type.Object({ field: Type.String({ minLength: 1 }), order: Type.Union([Type.Literal('asc'), Type.Literal('desc')]) }, { additionalProperties: false }), { maxItems: 10 })),
            fullTextFilter: Type.Optional(Type.Object({ term: Type.String(), fields: Type.Optional(Type.Array(Type.String())) }, { additionalProperties: false })),
            fields: Type.Optional(Type.Array(Type.String())),
            totalItems: Type.Optional(TotalItemsSchema),
          },
          { additionalProperties: false },
        ),
        response: { 200: QueryResponseSchema, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const term = b.fullTextFilter?.term.trim();
      const page = await catalog.entities.sentQuery({
        query: b.query ?? null,
        orderFields: b.orderBy?.map(o => ({ field: o.field.toLocaleLowerCase('en-US'), order: o.order })),
        cursor: b.cursor,
        limit: b.limit,
        offset: b.offset,
        fullText: term ? { term, fields: b.fullTextFilter?.fields } : undefined,
        totalItems: b.totalItems,
        scope: request.readScope,
      });
      return sendJson(reply, pageJson(await readableJson(request, page.items, b.fields), page));
    },
  );

  app.post(
    '/entities/by-refs',
    {
      config: { permission: { action: 'catalog.entity.read', scoped: true } },
      schema: {
        tags: ['catalog'],
        summary: 'Get entities by their refs, in the order asked (null for missing, filtered out or not readable)',
        description: 'Narrow with the filter parameter, or with a filter predicate in the body’s query (as POST /entities/by-query takes it).',
        querystring: Type.Object({ fields: StringList, filter: StringList }),
        body: Type.Object(
          { entityRefs: Type.Array(Type.String(), { maxItems: 10_000 }), fields: Type.Optional(Type.Array(Type.String())), query: Type.Optional(Type.Unknown()) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Type.Union([PartialEntitySchema, Type.Null()])) }), ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const found = await catalog.entities.sentByRefs(request.body.entityRefs, asList(request.query.filter), request.readScope, request.body.query);
      const fields = request.body.fields ?? parseFieldsParam(request.query.fields);
      const readable = await readableOrNull(request, found, { toResource: sent => sent.entity });
      return sendJson(reply, `{"items":[${readable.map(sent => (sent ? entityJson(sent, fields) : 'null')).join(',')}]}`);
    },
  );

  app.get(
    '/entities/by-name/:kind/:namespace/:name',
    {
      config: { permission: { action: 'catalog.entity.read', resource: refFromNameParams } },
      schema: { tags: ['catalog'], summary: 'Get one entity by kind, namespace and name', params: NameParams, response: { 200: EntitySchema, ...errorResponses(404) } },
    },
    async (request, reply) => {
      const ref = stringifyEntityRef(request.params);
      const sent = await catalog.entities.sentByRef(ref);
      if (!sent) throw notFound(`No entity ${ref}`);
      return sendEntity(reply, sent);
    },
  );

  app.get(
    '/entities/by-name/:kind/:namespace/:name/ancestry',
    {
      config: { permission: { action: 'catalog.entity.read', resource: refFromNameParams } },
      schema: {
        tags: ['catalog'],
        summary: 'The entity and what produced it: its registered location, as the Location entity Backstage keeps for it',
        params: NameParams,
        response: {
          200: Type.Object({ rootEntityRef: Type.String(), items: Type.Array(Type.Object({ entity: EntitySchema, parentEntityRefs: Type.Array(Type.String()) })) }),
          ...errorResponses(404),
        },
      },
    },
    async request => catalog.ancestry(stringifyEntityRef(request.params)),
  );

  app.get(
    '/entities/by-uid/:uid',
    {
      config: { permission: { action: 'catalog.entity.read', resource: request => entityByUid(catalog, request) } }, schema: { tags: ['catalog'], summary: 'Get one entity by uid', params: Type.Object({ uid: Type.String() }), response: { 200: EntitySchema, ...errorResponses(404) } } },
    async (request, reply) => {
      const sent = await catalog.entities.sentByUid(request.params.uid);
      if (!sent) throw notFound(`No entity with uid ${request.params.uid}`);
      return sendEntity(reply, sent);
    },
  );

  app.delete(
    '/entities/by-uid/:uid',
    {
      config: { permission: { action: 'catalog.entity.delete', resource: request => entityByUid(catalog, request) }, limit: 'edits' },
      schema: {
        tags: ['catalog'],
        summary: 'Delete one entity (its location brings it back on refresh)',
        params: Type.Object({ uid: Type.String() }),
        response: { 204: Type.Null({ description: 'Deleted' }), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const before = await entityByUid(catalog, request);
      await authorizeEntityChange(request, { before });
      await catalog.deleteByUid(request.params.uid, changeAuthor(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/entity-facets',
    {
      config: { permission: { action: 'catalog.entity.read', scoped: true } },
      schema: {
        tags: ['catalog'],
        summary: 'Counts of each value of the given fields over the filtered entities the caller may read',
        querystring: Type.Object({ facet: Type.Union([Type.Array(Type.String()), Type.String()]), filter: StringList }),
        response: { 200: FacetsResponseSchema, ...errorResponses(400) },
      },
    },
    async request => ({ facets: await catalog.entities.facets(asList(request.query.facet) ?? [], asList(request.query.filter), request.readScope) }),
  );

  app.post(
    '/entity-facets',
    {
      config: { permission: { action: 'catalog.entity.read', scoped: true } },
      schema: {
        tags: ['catalog'],
        summary: 'Facet counts over the entities a filter predicate selects (Backstage’s getEntityFacets({ query }))',
        body: Type.Object({ facets: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 50 }), query: Type.Optional(Type.Unknown()) }, { additionalProperties: false }),
        response: { 200: FacetsResponseSchema, ...errorResponses(400) },
      },
    },
    async request => ({ facets: await catalog.entities.facets(request.body.facets, undefined, request.readScope, request.body.query) }),
  );

  app.post(
    '/refresh',
    {
      config: { permission: { action: 'catalog.entity.refresh', resource: request => (request.body as { entityRef?: string }).entityRef }, limit: 'locations' },
      schema: {
        tags: ['catalog'],
        summary: "Refresh the location that produced an entity, now",
        body: Type.Object({ entityRef: Type.String() }),
        response: { 200: Type.Object({}, { additionalProperties: true }), ...errorResponses(400, 404) },
      },
    },
    async request => {
      const summary = await catalog.refreshEntity(request.body.entityRef, changeAuthor(request));
      return { ...summary, errors: summary.errors.length };
    },
  );

  app.post(
    '/validate-entity',
    {
      config: { permission: { action: 'catalog.entity.validate' } },
      schema: {
        tags: ['catalog'],
        summary: 'Validate an entity without storing it, and the location ref it would come from (`<type>:<target>`)',
        body: Type.Object({ entity: Type.Unknown(), location: Type.Optional(Type.String()) }),
        response: { 200: Type.Object({}), ...errorResponses(400) },
      },
    },
    async request => {
      const location = request.body.location;
      const errors = [...(location === undefined ? [] : locationRefErrors(location)), ...catalog.validate(request.body.entity).errors];
      if (errors.length) {
        // `name` and `message` make the body readable by Backstage's catalog client as well.
        throw badRequest(`The entity has ${errors.length} error(s)`, errors.map(e => ({ ...e, name: 'InputError', message: `${e.pointer}: ${e.detail}` })));
      }
      return {};
    },
  );

  app.get(
    '/problems',
    {
      config: { permission: { action: 'catalog.location.read' } },
      schema: {
        tags: ['catalog'],
        summary: 'Ingestion problems, for one entity or location or all',
        querystring: Type.Object({ entityRef: Type.Optional(Type.String()), locationId: Type.Optional(Type.String()) }),
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ pointer: Type.String(), detail: Type.String() }, { additionalProperties: true })) }) },
      },
    },
    async request => ({ items: await catalog.locations.problems(request.query) }),
  );

  app.put(
    '/entities/by-name/:kind/:namespace/:name',
    {
      config: { limit: 'edits', permission: { action: 'catalog.entity.write', resource: async request => storedOrSubmitted(await catalog.entities.byRef(refFromNameParams(request)), request.body as Entity) } },
      schema: {
        tags: ['catalog'],
        summary: 'Save an edited entity: into its file or repository (committed), or the store for API-saved entities',
        description:
          'Answers the saved entity. For a git location that asks for review (editMode: branch) the edit is pushed to a new branch and the answer is 202 with the unchanged entity. Headers Pave-Saved-To, Pave-Commit and Pave-Branch say where the edit went.',
        params: NameParams,
        body: EntitySchema,
        response: { 200: EntitySchema, 202: EntitySchema, ...errorResponses(400, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body as Entity;
      const ref = stringifyEntityRef(request.params);
      const bodyRef = stringifyEntityRef({ kind: body.kind, namespace: body.metadata.namespace ?? 'default', name: body.metadata.name });
      if (bodyRef !== ref) throw badRequest(`The body describes ${bodyRef}, not ${ref}`, [{ pointer: '/metadata/name', detail: `must match the ${ref} in the URL` }]);
      const before = await catalog.entities.byRef(ref);
      await authorizeEntityChange(request, { ...(before ? { before } : {}), after: body });
      const { entity, outcome } = await catalog.saveEntity(body, changeAuthor(request), {
        // An owner or system the editor cannot read is not one they may name (nor be told of).
        checkReferences: await request.server.authorization.app.auth.permissions.readScope(request.identity, 'catalog.entity.read'),
      });
      void reply.header('pave-saved-to', outcome.savedTo);
      if (outcome.commit) void reply.header('pave-commit', outcome.commit);
      if (outcome.branch) void reply.header('pave-branch', outcome.branch);
      return reply.status(outcome.branch ? 202 : 200).send(entity);
    },
  );
};

/** The entity a `:uid` route is about; 404 when there is none (so permission checks see a real resource). */
async function entityByUid(catalog: CatalogService, request: FastifyRequest): Promise<Entity> {
  const { uid } = request.params as { uid: string };
  const entity = await catalog.entities.byUid(uid);
  if (!entity) throw notFound(`No entity with uid ${uid}`);
  return entity;
}

/**
 * The content type Fastify gives the answers it serialises. A string sent with it goes out as it is: the
 * read routes send entities as stored ready to send (catalog/sent-entity.ts), in the JSON their response
 * schemas would have written (which still describe them, in the OpenAPI document too).
 */
const JSON_TYPE = 'application/json; charset=utf-8';

/** Sends JSON text as the answer, unserialised (the cast: the route's schema describes what the text holds). */
function sendJson(reply: FastifyReply, json: string): FastifyReply {
  return reply.type(JSON_TYPE).send(json as unknown as Entity);
}

/**
 * One entity under `EntitySchema`: its stored text when that is in the schema's key order, else the entity,
 * which Fastify serialises by the schema (fields it puts first, such as `status` before other keys).
 */
function sendEntity(reply: FastifyReply, sent: SentEntity): FastifyReply {
  return sent.schemaOrdered ? sendJson(reply, sent.json) : reply.type(JSON_TYPE).send(sent.entity);
}

/**
 * The JSON of the entities the caller may read (the final permission guard needs whole entities: kind,
 * namespace, owners; parsed only when the read scope is not everything). Projection comes after it.
 */
async function readableJson(request: FastifyRequest, entities: SentEntity[], fields: string[] | undefined): Promise<string[]> {
  return (await filterReadable(request, entities, { toResource: sent => sent.entity })).map(sent => entityJson(sent, fields));
}

/** An entity's JSON: as stored, or the fields asked for (as Backstage projects them). */
function entityJson(sent: SentEntity, fields: string[] | undefined): string {
  return fields?.length ? JSON.stringify(projectFields(sent.entity, fields)) : sent.json;
}

/** A by-query answer in `QueryResponseSchema`'s key order. */
function pageJson(items: string[], page: QueryEntitiesResponse<unknown>): string {
  const { nextCursor, prevCursor } = page.pageInfo;
  const pageInfo = { ...(nextCursor === undefined ? {} : { nextCursor }), ...(prevCursor === undefined ? {} : { prevCursor }) };
  return `{"items":[${items.join(',')}],"totalItems":${page.totalItems},"pageInfo":${JSON.stringify(pageInfo)}}`;
}
