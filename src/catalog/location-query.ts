import type { Location } from './location-service.js';
import { matchesPredicate, MATCH_ALL, parsePredicate } from './query/filter-predicate.js';
import { decodeOpaqueCursor, encodeOpaqueCursor } from './query/cursor.js';

/** Backstage's `queryLocations` request: a first page (`query`, `limit`) or a cursor from an answer. */
export type LocationQuery = { query?: unknown; limit?: number } | { cursor: string; limit?: number };

export interface LocationPage {
  items: Location[];
  totalItems: number;
  pageInfo: { nextCursor?: string };
}

/** What a location cursor carries: the query and where the next page starts. */
interface LocationCursor {
  query: unknown;
  offset: number;
  limit: number;
}

const DEFAULT_LIMIT = 500;

/**
 * One page of locations a filter predicate selects (over `id`, `type` and `target`), in registration order.
 * Locations are few (one per repository or file), so they are matched in memory.
 * @example queryLocations(await locations.list(), { query: { type: 'url' }, limit: 20 })
 */
export function queryLocations(all: Location[], request: LocationQuery): LocationPage {
  const state: LocationCursor = 'cursor' in request ? decodeOpaqueCursor(request.cursor, isLocationCursor) : { query: request.query ?? null, offset: 0, limit: request.limit ?? DEFAULT_LIMIT };
  const limit = request.limit ?? state.limit;
  const predicate = state.query === null ? MATCH_ALL : parsePredicate(state.query);
  const selected = all.filter(location => matchesPredicate(predicate, { ...location }));
  const items = selected.slice(state.offset, state.offset + limit);
  const next = state.offset + items.length;
  return { items, totalItems: selected.length, pageInfo: next < selected.length && items.length ? { nextCursor: encodeOpaqueCursor({ ...state, offset: next, limit }) } : {} };
}

function isLocationCursor(value: unknown): value is LocationCursor {
  const state = value as Partial<LocationCursor> | null;
  if (!state || typeof state !== 'object' || !Number.isSafeInteger(state.offset) || state.offset! < 0 || !Number.isSafeInteger(state.limit) || state.limit! < 0) return false;
  if (state.query !== null) parsePredicate(state.query);
  return true;
}
