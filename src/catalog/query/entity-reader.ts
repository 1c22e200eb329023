import { sql, type RawBuilder } from 'kysely';
import type { Entity } from '../../core/entity.js';
import { parseEntityRef, stringifyEntityRef } from '../../core/entity-ref.js';
import { badRequest } from '../../core/problem.js';
import type { Store } from '../../store/store.js';
import type {} from '../catalog-tables.js'; // the tables it queries, for Kysely's types
import { formatFilterParams, parseFilterParams } from './entity-filter.js';
import { filterSql, fullTextFilterSql, predicateSql, sortValueSql } from './filter-sql.js';
import { formatPredicate, MATCH_ALL, parsePredicate, type Predicate } from './filter-predicate.js';
import { decodeCursor, encodeCursor, type CursorState } from './cursor.js';
import { ALL_ENTITIES, entityScopeKey, entityScopeSql, type EntityScope } from './entity-scope.js';
import type { OrderField } from './order-fields.js';
import { projectFields } from './project-fields.js';
import { NarrowestFirst } from './narrowest-first.js';
import type { EntityFilter } from './entity-filter.js';
import { StateAnswers, type AnswersAt } from '../state-answers.js';
import { SENT_COLUMNS, SentEntity, type SentColumns } from '../sent-entity.js';

export interface ListEntitiesRequest {
  filter?: string[];
  fields?: string[];
  order?: OrderField[];
  limit?: number;
  offset?: number;
  /** What the reader may see; every entity when absent. */
  scope?: EntityScope;
}

export interface QueryEntitiesRequest {
  filter?: string[];
  orderFields?: OrderField[];
  fullText?: { term: string; fields?: string[] };
  fields?: string[];
  limit?: number;
  /** Skips items on the first page (Backstage allows offset with by-query). */
  offset?: number;
  cursor?: string;
  /**
   * A filter predicate (filter-predicate.ts) in place of `filter`: what `POST /entities/by-query` sends; null
   * selects everything. Its cursors say so (they carry `query`), as Backstage's client expects.
   */
  query?: unknown;
  /** `exclude` skips counting: totalItems is then 0 (Backstage's client asks so when it streams). */
  totalItems?: 'include' | 'exclude';
  /** What the reader may see; every entity when absent. */
  scope?: EntityScope;
}

export interface QueryEntitiesResponse<Item = Entity> {
  items: Item[];
  totalItems: number;
  pageInfo: { nextCursor?: string; prevCursor?: string };
}

export interface FacetCount {
  value: string;
  count: number;
}

/** What reads take of an entity's row: the entity as stored ready to send (sent-entity.ts). */
export interface EntityRow extends SentColumns {
  id: string;
  ref: string;
}

/** The columns of an {@link EntityRow}, of `entities e` joined with `sent_entities sent` ({@link SENT_JOIN}). */
const ROW_COLUMNS = ['e.id', 'e.ref', ...SENT_COLUMNS] as const;
const ROW_SQL = sql.raw(ROW_COLUMNS.join(', '));
const SENT_JOIN = sql`JOIN sent_entities sent ON sent.entity_id = e.id`;

const DEFAULT_PAGE = 20;
const MAX_PAGE = 1000;
/** Entities per database read when a list is streamed. */
const STREAM_PAGE = 500;

/**
 * Read side of the catalog: lookups, filtered lists, cursor pages and facets. Entities come as stored ready
 * to send (sent-entity.ts), relations included: the `sent…` methods answer that text for routes to send as it
 * is, the others parse it. Filter semantics are Backstage's (see entity-filter.ts).
 */
export class EntityReader {
  readonly #narrowest: NarrowestFirst;
  /** Totals and facet counts kept per catalog state and reader scope (state-answers.ts). */
  readonly #answers: StateAnswers;

  constructor(
    private readonly store: Store,
    answers?: StateAnswers,
  ) {
    this.#narrowest = new NarrowestFirst(store);
    this.#answers = answers ?? new StateAnswers(store);
  }

  /** The entity, parsed for this caller alone (what `sentByRef` answers is kept and shared: see there). */
  async byRef(ref: string): Promise<Entity | undefined> {
    return ownCopy(await this.sentByRef(ref));
  }

  /**
   * Kept per catalog state (state-answers.ts), found or not: every reader gets the same stored text, and what
   * a caller may read is decided on each request after (the route's permission, the final guard). The answer
   * is shared with other requests: read it, never change it.
   */
  async sentByRef(ref: string): Promise<SentEntity | undefined> {
    const wanted = ref.toLocaleLowerCase('en-US');
    const answers = await this.#answers.current();
    return answers.answer(
      'entity',
      ALL_ENTITIES,
      wanted,
      async () => {
        const row = await this.#rows().where('e.ref', '=', wanted).executeTakeFirst();
        return row && SentEntity.of(row);
      },
      weighEntity,
    );
  }

  /** Every entity a location produced. */
  async byLocation(locationId: string): Promise<Entity[]> {
    return this.hydrate(await this.#rows().where('e.location_id', '=', locationId).execute());
  }

  async byUid(uid: string): Promise<Entity | undefined> {
    return (await this.sentByUid(uid))?.entity;
  }

  async sentByUid(uid: string): Promise<SentEntity | undefined> {
    const row = await this.#rows().where('e.id', '=', uid).executeTakeFirst();
    return row && SentEntity.of(row);
  }

  /**
   * Entities in the order asked, null where a ref matches nothing or the filter (Backstage syntax)
   * or the reader's scope excludes it. Unparseable refs answer null too.
   */
  async byRefs(refs: string[], fields?: string[], filterParams?: string[], scope: EntityScope = ALL_ENTITIES, query?: unknown): Promise<Array<Entity | null>> {
    return (await this.sentByRefs(refs, filterParams, scope, query)).map(sent => sent && projectFields(sent.entity, fields));
  }

  /** {@link byRefs} as stored ready to send. */
  async sentByRefs(refs: string[], filterParams?: string[], scope: EntityScope = ALL_ENTITIES, query?: unknown): Promise<Array<SentEntity | null>> {
    const selected = query === undefined ? await this.#filterSql(parseFilterParams(filterParams)) : await this.#predicateSql(parsePredicate(query));
    const filter = sql<boolean>`${selected} AND ${entityScopeSql(scope)}`;
    const canonical = refs.map(ref => {
      try {
        return stringifyEntityRef(parseEntityRef(ref));
      } catch {
        return undefined;
      }
    });
    const wanted = [...new Set(canonical.filter((r): r is string => r !== undefined))];
    const found = new Map<string, SentEntity>();
    for (let i = 0; i < wanted.length; i += 500) {
      const rows = await this.#rows()
        .where('e.ref', 'in', wanted.slice(i, i + 500))
        .where(filter)
        .execute();
      for (const row of rows) found.set(row.ref, SentEntity.of(row));
    }
    return canonical.map(ref => (ref === undefined ? null : (found.get(ref) ?? null)));
  }

  /** `GET /entities`: a filtered list with offset paging; by ref unless ordered, entities without an order field last. */
  async list(request: ListEntitiesRequest): Promise<Entity[]> {
    return (await this.sentList(request)).map(sent => projectFields(sent.entity, request.fields));
  }

  /** {@link list} as stored ready to send (`fields` is not applied). */
  async sentList(request: Omit<ListEntitiesRequest, 'fields'>): Promise<SentEntity[]> {
    const filter = parseFilterParams(request.filter);
    const orderBy = request.order?.length
      ? sql.join([...request.order.map(o => sql`${sortValueSql(o.field)} ${sql.raw(o.order)} NULLS LAST`), sql`e.id asc`])
      : sql`e.ref asc`;
    const limit = request.limit !== undefined ? clampLimit(request.limit) : undefined;
    // The matches are sorted by id and order values alone, and only the page's rows read whole (as by-query does).
    const rows = await sql<EntityRow>`
      SELECT ${ROW_SQL} FROM (
        SELECT e.id FROM entities e
        WHERE ${await this.#filterSql(filter)} AND ${entityScopeSql(request.scope ?? ALL_ENTITIES)}
        ORDER BY ${orderBy}
        LIMIT ${limit ?? 2_147_483_647} OFFSET ${request.offset ?? 0}
      ) p JOIN entities e ON e.id = p.id ${SENT_JOIN}
      ORDER BY ${orderBy}
    `.execute(this.store.reads);
    return rows.rows.map(row => SentEntity.of(row));
  }

  /**
   * `GET /entities` without a limit: the same entities in the same order as `list`, as stored ready to send
   * and handed out a page at a time, so a big catalog is never held in memory at once. In the default order
   * (by ref) each page is a keyset read on the ref index; with `order` fields, whose sort values are computed
   * per row, the ordered ids are read once (a small fraction of the entities' size) and read page by page.
   * An entity removed meanwhile is left out. The filter is checked before the first page is read; an
   * empty list still yields one empty page.
   * @example for await (const page of reader.listPages({ filter: ['kind=component'] })) write(page);
   */
  async *listPages(request: Omit<ListEntitiesRequest, 'limit'>, pageSize = STREAM_PAGE): AsyncGenerator<Entity[]> {
    for await (const page of this.sentListPages(request, pageSize)) yield page.map(sent => projectFields(sent.entity, request.fields));
  }

  /**
   * {@link listPages} as stored ready to send (`fields` is not applied).
   * @example for await (const page of reader.sentListPages({ filter: ['kind=component'] })) write(page.map(sent => sent.json));
   */
  async *sentListPages(request: Omit<ListEntitiesRequest, 'limit' | 'fields'>, pageSize = STREAM_PAGE): AsyncGenerator<SentEntity[]> {
    const filter = parseFilterParams(request.filter);
    const where = sql<boolean>`${await this.#filterSql(filter)} AND ${entityScopeSql(request.scope ?? ALL_ENTITIES)}`;
    const offset = request.offset ? sql`OFFSET ${request.offset}` : sql``;
    const project = (rows: EntityRow[]) => rows.map(row => SentEntity.of(row));
    if (!request.order?.length) {
      for (let last: string | undefined, first = true; ; first = false) {
        const rows = await sql<EntityRow>`
          SELECT ${ROW_SQL} FROM entities e ${SENT_JOIN}
          WHERE ${where} ${last === undefined ? sql`` : sql`AND e.ref > ${last}`}
          ORDER BY e.ref asc
          LIMIT ${pageSize} ${first ? offset : sql``}
        `.execute(this.store.reads);
        if (rows.rows.length || first) yield project(rows.rows);
        if (rows.rows.length < pageSize) return;
        last = rows.rows[rows.rows.length - 1]!.ref;
      }
    }
    const orderBy = sql.join([...request.order.map(o => sql`${sortValueSql(o.field)} ${sql.raw(o.order)} NULLS LAST`), sql`e.id asc`]);
    const ids = (await sql<{ id: string }>`SELECT e.id FROM entities e WHERE ${where} ORDER BY ${orderBy} LIMIT ${2_147_483_647} ${offset}`.execute(this.store.reads)).rows.map(r => r.id);
    for (let i = 0; i === 0 || i < ids.length; i += pageSize) {
      const wanted = ids.slice(i, i + pageSize);
      const rows = wanted.length ? await this.#rows().where('e.id', 'in', wanted).execute() : [];
      const byId = new Map(rows.map(row => [row.id, row]));
      yield project(wanted.flatMap(id => byId.get(id) ?? []));
    }
  }

  /** `GET /entities/by-query`: keyset pages (stable under concurrent writes) with a total count. */
  async query(request: QueryEntitiesRequest): Promise<QueryEntitiesResponse> {
    const page = await this.sentQuery(request);
    return { ...page, items: page.items.map(sent => projectFields(ownCopy(sent)!, request.fields)) };
  }

  /**
   * {@link query} as stored ready to send (`fields` is not applied). Pages are kept per catalog state and
   * reader scope (state-answers.ts): the first page of a list many ask for is read once per state. The answer
   * is shared with other requests: read it, never change it.
   */
  async sentQuery(request: Omit<QueryEntitiesRequest, 'fields'>): Promise<QueryEntitiesResponse<SentEntity>> {
    const answers = await this.#answers.current();
    const { scope = ALL_ENTITIES, ...question } = request;
    return answers.answer('page', scope, question, () => this.#sentQuery(request, answers), weighPage);
  }

  async #sentQuery(request: Omit<QueryEntitiesRequest, 'fields'>, stateAnswers: AnswersAt): Promise<QueryEntitiesResponse<SentEntity>> {
    const state = request.cursor ? decodeCursor(request.cursor) : undefined;
    const filterParams = state?.filter ?? request.filter ?? [];
    const query = state ? state.query : request.query;
    const excludeTotal = state ? state.excludeTotal === true : request.totalItems === 'exclude';
    const orderFields = state?.orderFields ?? request.orderFields ?? [];
    const fullText = state ? state.fullText : request.fullText?.term ? request.fullText : undefined;
    const limit = clampLimit(request.limit ?? DEFAULT_PAGE);
    let filter = query === undefined ? parseFilterParams(filterParams) : undefined;
    let predicate = query === undefined || query === null ? undefined : parsePredicate(query);
    // What the total counts, the same however the request spelled it; a cursor's page carries its own total.
    const counted = { filter: filter && formatFilterParams(filter), query: predicate ? formatPredicate(predicate) : query === null ? null : undefined, fullText };
    const answers = state || excludeTotal ? undefined : stateAnswers;
    // A cursor carries the conditions in the order its first page chose: the probes run once per query.
    if (!state) {
      if (filter) filter = await this.#narrowest.filter(filter);
      if (predicate) predicate = await this.#narrowest.predicate(predicate);
    }
    const selected = filter ? filterSql(filter) : predicateSql(predicate ?? MATCH_ALL);
    const primary = orderFields[0] ?? { field: 'metadata.name', order: 'asc' as const };
    const sortValue = sortValueSql(primary.field);
    const scope = request.scope ?? ALL_ENTITIES;
    const scopeKey = entityScopeKey(scope);
    const textual = fullText ? fullTextFilterSql(fullText.term, fullText.fields) : sql<boolean>`1 = 1`;
    const where = sql<boolean>`${selected} AND ${textual} AND ${entityScopeSql(scope)}`;

    // A cursor's total is reused only by the reader it was made for (another may see other entities).
    const knownTotal = excludeTotal ? 0 : state && state.scope === scopeKey ? state.totalItems : answers?.get<number>('totalItems', scope, counted);
    const countWhere = () => sql<{ n: number | string }>`SELECT count(*) AS n FROM entities e WHERE ${where}`.execute(this.store.reads).then(r => Number(r.rows[0]?.n ?? 0));
    // A first page counts in its own statement: the page has to read every match to sort them anyway, so
    // counting them there (a window over the matches, before LIMIT) saves walking them a second time.
    const countInPage = knownTotal === undefined && !state;

    const backwards = state?.direction === 'prev';
    // Reading backwards flips the sort (entities without a sort value, last going forward, come first),
    // then the page is flipped back.
    const ascending = (primary.order === 'asc') !== backwards;
    const boundary = state ? sql`AND ${afterBoundarySql(sortValue, state.boundary, ascending, !backwards)}` : sql``;
    const direction = sql.raw(ascending ? 'asc' : 'desc');
    const nulls = sql.raw(backwards ? 'NULLS FIRST' : 'NULLS LAST');
    const offset = !state && request.offset ? sql`OFFSET ${request.offset}` : sql``;
    // The matches are sorted by id and sort value alone, and only the page's rows read whole: sorting
    // whole rows carried every match's body through the sort.
    const result = await sql<EntityRow & { sort_value: string | null; total_items?: number | string }>`
      SELECT ${ROW_SQL}, p.sort_value ${countInPage ? sql`, p.total_items` : sql``} FROM (
        SELECT e.id, ${sortValue} AS sort_value ${countInPage ? sql`, count(*) OVER () AS total_items` : sql``} FROM entities e
        WHERE ${where} ${boundary}
        ORDER BY sort_value ${direction} ${nulls}, e.id ${direction}
        LIMIT ${limit + 1} ${offset}
      ) p JOIN entities e ON e.id = p.id ${SENT_JOIN}
      ORDER BY p.sort_value ${direction} ${nulls}, p.id ${direction}
    `.execute(this.store.reads);
    // An empty first page counted nothing: no matches at all, unless the offset went past them.
    const totalItems =
      knownTotal ??
      (countInPage ? (result.rows.length ? Number(result.rows[0]!.total_items) : request.offset ? await countWhere() : 0) : await countWhere());
    if (knownTotal === undefined) answers?.set('totalItems', scope, counted, totalItems, 64);
    const more = result.rows.length > limit;
    const page = result.rows.slice(0, limit);
    if (backwards) page.reverse();

    const base: Omit<CursorState, 'boundary' | 'direction'> = {
      filter: filter ? formatFilterParams(filter) : filterParams,
      orderFields,
      fullText,
      totalItems,
      ...(query === undefined ? {} : { query: predicate ? formatPredicate(predicate) : null }),
      ...(excludeTotal ? { excludeTotal } : {}),
      ...(scopeKey ? { scope: scopeKey } : {}),
    };
    const first = page[0];
    const last = page[page.length - 1];
    const hasNext = backwards ? true : more;
    const hasPrev = backwards ? more : Boolean(state) || Boolean(request.offset);
    const pageInfo: QueryEntitiesResponse['pageInfo'] = {};
    if (hasNext && last) pageInfo.nextCursor = encodeCursor({ ...base, boundary: [boundaryValue(last.sort_value), last.id], direction: 'next' });
    if (hasPrev && first) pageInfo.prevCursor = encodeCursor({ ...base, boundary: [boundaryValue(first.sort_value), first.id], direction: 'prev' });
    return { items: page.map(row => SentEntity.of(row)), totalItems, pageInfo };
  }

  /** Counts per distinct value of each facet, over the entities the filter selects and the reader may see. */
  async facets(facets: string[], filterParams: string[] | undefined, scope: EntityScope = ALL_ENTITIES, query?: unknown): Promise<Record<string, FacetCount[]>> {
    const filter = parseFilterParams(filterParams);
    const predicate = query === undefined ? undefined : parsePredicate(query);
    const question = { facets, filter: formatFilterParams(filter), query: predicate && formatPredicate(predicate) };
    const answers = await this.#answers.current();
    return answers.answer('facets', scope, question, () => this.#countFacets(facets, filter, predicate, scope), weighFacets);
  }

  async #countFacets(facets: string[], filter: EntityFilter, predicate: Predicate | undefined, scope: EntityScope): Promise<Record<string, FacetCount[]>> {
    const narrowed = filter.anyOf.length > 0 || predicate !== undefined || scope.type !== 'all';
    const selected = sql`SELECT e.id FROM entities e WHERE ${predicate ? await this.#predicateSql(predicate) : await this.#filterSql(filter)} AND ${entityScopeSql(scope)}`;
    const out: Record<string, FacetCount[]> = {};
    for (const facet of facets) {
      const key = facet.toLocaleLowerCase('en-US');
      // `relations.<type>` counts each target over the relations table, as Backstage indexes relations.
      const rows = key.startsWith('relations.')
        ? await sql<{ value: string; count: number | string }>`
        SELECT r.target_ref AS value, count(DISTINCT e.id) AS count
        FROM relations r JOIN entities e ON e.ref = r.source_ref
        WHERE lower(r.type) = ${key.slice('relations.'.length)}
        ${narrowed ? sql`AND e.id IN (${selected})` : sql``}
        GROUP BY r.target_ref
        ORDER BY count DESC, r.target_ref ASC
      `.execute(this.store.reads)
        : // count(*), not count(DISTINCT s.entity_id): an entity's search rows are unique by key and value
          // (search-rows.ts), so it has at most one row per value here, and counting distinct ids cost a
          // sort per value (~25% of a facet over 280 owners).
          await sql<{ value: string; count: number | string }>`
        SELECT s.original_value AS value, count(*) AS count
        FROM entity_search s
        WHERE s.key = ${key} AND s.original_value IS NOT NULL
        ${narrowed ? sql`AND s.entity_id IN (${selected})` : sql``}
        GROUP BY s.original_value
        ORDER BY count DESC, s.original_value ASC
      `.execute(this.store.reads);
      out[facet] = rows.rows.map(r => ({ value: r.value, count: Number(r.count) }));
    }
    return out;
  }

  /** Entities as stored ready to send, to narrow with `where` on `e`. */
  #rows() {
    return this.store.reads.selectFrom('entities as e').innerJoin('sent_entities as sent', 'sent.entity_id', 'e.id').select(ROW_COLUMNS);
  }

  /** A filter as SQL, its conditions in the order the database reads them best (narrowest-first.ts). */
  async #filterSql(filter: EntityFilter): Promise<RawBuilder<boolean>> {
    return filterSql(await this.#narrowest.filter(filter));
  }

  async #predicateSql(predicate: Predicate): Promise<RawBuilder<boolean>> {
    return predicateSql(await this.#narrowest.predicate(predicate));
  }

  /** Turns stored rows into entities (uid, etag and relations included). */
  hydrate(rows: readonly SentColumns[]): Entity[] {
    return rows.map(row => SentEntity.of(row).entity);
  }

}

/** A kept entity parsed anew, so that a caller changing it changes nothing another request reads. */
function ownCopy(sent: SentEntity | undefined): Entity | undefined {
  return sent && (JSON.parse(sent.json) as Entity);
}

/**
 * About the memory an entity kept by ref takes (state-answers.ts): its text (two bytes a character at most) and
 * the parse a caller's permission guard or `fields` may leave on it (`SentEntity.entity`; ~1.4 bytes a character
 * measured on catalog entities, two counted).
 */
function weighEntity(sent: SentEntity | undefined): number {
  return 64 + (sent ? sent.json.length * 4 : 0);
}

/** About the memory a by-query page takes: its entities' text and its cursors. */
function weighPage(page: QueryEntitiesResponse<SentEntity>): number {
  const cursors = (page.pageInfo.nextCursor?.length ?? 0) + (page.pageInfo.prevCursor?.length ?? 0);
  return 128 + cursors * 2 + page.items.reduce((sum, sent) => sum + weighEntity(sent), 0);
}

/** About the memory a facet answer takes (state-answers.ts). */
function weighFacets(facets: Record<string, FacetCount[]>): number {
  let weight = 64;
  for (const [facet, counts] of Object.entries(facets)) weight += facet.length * 2 + counts.reduce((sum, c) => sum + 48 + c.value.length * 2, 0);
  return weight;
}

/**
 * Rows after a page boundary in reading order: by sort value in the given direction, then id, with
 * rows that have no sort value after the others (`nullsAfter`) or before them.
 */
function afterBoundarySql(sortValue: RawBuilder<string | null>, [value, id]: CursorState['boundary'], ascending: boolean, nullsAfter: boolean) {
  const cmp = sql.raw(ascending ? '>' : '<');
  if (value === null) {
    const sameGroup = sql`(${sortValue} IS NULL AND e.id ${cmp} ${id})`;
    return nullsAfter ? sameGroup : sql`(${sameGroup} OR ${sortValue} IS NOT NULL)`;
  }
  const sameGroup = sql`(${sortValue} ${cmp} ${value} OR (${sortValue} = ${value} AND e.id ${cmp} ${id}))`;
  return nullsAfter ? sql`(${sameGroup} OR ${sortValue} IS NULL)` : sameGroup;
}

function boundaryValue(value: string | number | null): string | null {
  return value === null ? null : String(value);
}

function clampLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`Invalid limit ${limit}: must be a whole number from 0`, [{ pointer: '/limit', detail: 'must be a whole number from 0' }]);
  return Math.min(limit, MAX_PAGE);
}
