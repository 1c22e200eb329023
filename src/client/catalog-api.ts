import type { CompoundEntityRef, Entity } from '../core/entity.js';
import type { LocationRegistration, RegisterResult } from '../catalog/location-service.js';
import type { EntityAncestry } from '../catalog/entity-ancestry.js';
import type { FacetCount, QueryEntitiesResponse } from '../catalog/query/entity-reader.js';
import type { SearchRequest } from '../catalog/search/catalog-search.js';
import type { SearchResponse } from '../catalog/search/search-views.js';
import { unexpectedResponse, type ApiConnection } from './api-connection.js';

const segment = encodeURIComponent;

/** The catalog routes under /api/catalog and /api/search. */
export class CatalogApi {
  constructor(private readonly api: ApiConnection) {}

  /** One entity; a 404 problem when there is none. */
  entity(ref: CompoundEntityRef): Promise<Entity> {
    return this.api.json({ method: 'GET', path: `/api/catalog/entities/by-name/${segment(ref.kind)}/${segment(ref.namespace)}/${segment(ref.name)}` });
  }

  /** A page of entities matching Backstage filters (each filter an OR branch). */
  query(request: { filter?: string[]; limit?: number; cursor?: string }): Promise<QueryEntitiesResponse> {
    return this.api.json({ method: 'GET', path: '/api/catalog/entities/by-query', query: { filter: request.filter, limit: request.limit, cursor: request.cursor } });
  }

  /**
   * A page of entities matching a filter predicate (`{ kind: 'Component', 'spec.type': { $in: ['service'] } }`),
   * as Backstage's `queryEntities({ query })` asks: `POST /entities/by-query`. A page's cursor carries the
   * whole query: pass it alone for the next page.
   */
  queryByPredicate(request: { query?: unknown; cursor?: string; limit?: number; orderBy?: Array<{ field: string; order: 'asc' | 'desc' }>; fields?: string[] }): Promise<QueryEntitiesResponse> {
    const { query, cursor, limit, orderBy, fields } = request;
    return this.api.json({ method: 'POST', path: '/api/catalog/entities/by-query', body: cursor ? { cursor, limit, fields } : { query, limit, orderBy, fields } });
  }

  /**
   * How many entities have each value of each field, among those Backstage filters or a filter predicate
   * select (the predicate through `POST /entity-facets`, as Backstage's `getEntityFacets({ query })`).
   */
  async facets(request: { facets: string[]; filter?: string[]; query?: unknown }): Promise<Record<string, FacetCount[]>> {
    const { facets, filter, query } = request;
    const answer: { facets: Record<string, FacetCount[]> } =
      query === undefined
        ? await this.api.json({ method: 'GET', path: '/api/catalog/entity-facets', query: { facet: facets, filter } })
        : await this.api.json({ method: 'POST', path: '/api/catalog/entity-facets', body: { facets, query } });
    return answer.facets;
  }

  /** The entity, then each Location entity that produced it, up to its registered location (Backstage's `getEntityAncestors`). */
  ancestry(ref: CompoundEntityRef): Promise<EntityAncestry> {
    return this.api.json({ method: 'GET', path: `/api/catalog/entities/by-name/${segment(ref.kind)}/${segment(ref.namespace)}/${segment(ref.name)}/ancestry` });
  }

  /** Ranked catalog search with snippets, facets and pages (the reader's scope is the server's to apply). */
  search(request: Omit<SearchRequest, 'scope'>): Promise<SearchResponse> {
    const { query: q, kinds: kind, types: type, owners: owner, lifecycles: lifecycle, limit, offset } = request;
    return this.api.json({ method: 'GET', path: '/api/search', query: { q, kind, type, owner, lifecycle, limit, offset } });
  }

  /**
   * Registers a location (or previews it with `dryRun`) and reads it at once, reporting each file as
   * it is read. The answer carries the refresh summary.
   */
  async register(
    location: LocationRegistration,
    options: { dryRun?: boolean; onFile?: (source: string, counts: { entities: number; errors: number }) => void } = {},
  ): Promise<RegisterResult> {
    const events = this.api.events({ method: 'POST', path: '/api/catalog/locations', query: { dryRun: options.dryRun || undefined }, body: location });
    for await (const event of events) {
      const data = JSON.parse(event.data) as unknown;
      if (event.event === 'file') {
        const { source, ...counts } = data as { source: string; entities: number; errors: number };
        options.onFile?.(source, counts);
      } else if (event.event === 'result') return data as RegisterResult;
    }
    throw unexpectedResponse(`${this.api.transport.target} ended the import without a result`);
  }
}
