import { badRequest } from '../../core/problem.js';
import { parseFilterParams } from './entity-filter.js';
import { parsePredicate } from './filter-predicate.js';
import type { OrderField } from './order-fields.js';

/**
 * What a cursor remembers: the whole query, plus where the page boundary is. Opaque to clients. Its
 * filter and predicate hold their conditions narrowest first, as the first page ordered them.
 */
export interface CursorState {
  filter: string[];
  orderFields: OrderField[];
  fullText?: { term: string; fields?: string[] };
  /** Sort value (null when the item has none) and id of the boundary item. */
  boundary: [string | null, string];
  direction: 'next' | 'prev';
  totalItems: number;
  /** Fingerprint of the reader's scope the total was counted in (absent: every entity). */
  scope?: string;
  /** The filter predicate of a `POST /entities/by-query` (null: none); present only for those. */
  query?: unknown;
  /** The total was not counted (totalItems: exclude). */
  excludeTotal?: boolean;
}

/**
 * Longest cursor accepted, in characters. The cursors Pave issues carry the query's filters, so they
 * grow with them; nothing a person types comes near this, and anything longer is refused unread.
 */
export const MAX_CURSOR_LENGTH = 8192;
/** Largest offset (and `after`) accepted: beyond it a database could not even bind the number. */
export const MAX_OFFSET = Number.MAX_SAFE_INTEGER;

/**
 * A cursor of a predicate query is plain base64: Backstage's client reads it with `atob` to see that it
 * carries `query`, and then sends it back to `POST /entities/by-query`. Others are base64url (URL-safe).
 * @example const cursor = encodeCursor(state); // base64url JSON
 */
export function encodeCursor(state: CursorState): string {
  return encodeOpaqueCursor(state, 'query' in state);
}

/** JSON state as an opaque cursor: base64url (URL-safe), or plain base64 where a client must read it (`plain`). */
export function encodeOpaqueCursor(state: object, plain = false): string {
  return Buffer.from(JSON.stringify(state)).toString(plain ? 'base64' : 'base64url');
}

/**
 * Reads an opaque cursor back as the state `isValid` accepts (a validator may also throw), refusing with a 400
 * naming `/cursor` anything this server could not have issued: too long, not base64 JSON, or of another shape.
 * @example const state = decodeOpaqueCursor(request.cursor, isLocationCursor);
 */
export function decodeOpaqueCursor<T>(cursor: string, isValid: (value: unknown) => value is T): T {
  const invalid = (detail = 'must be a cursor from a previous response') =>
    badRequest(`Invalid cursor: ${detail.replace(/^must be /, 'it is not ')}`, [{ pointer: '/cursor', detail }]);
  if (cursor.length > MAX_CURSOR_LENGTH) throw invalid(`must be at most ${MAX_CURSOR_LENGTH} characters (a cursor from a previous response)`);
  let state: unknown;
  try {
    state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (isValid(state)) return state;
  } catch {
    throw invalid();
  }
  throw invalid();
}

/**
 * Reads a by-query cursor back, refusing (400 naming `/cursor`) anything that is not one this server
 * could have issued: too long, not base64url JSON, or of another shape, filters or predicate.
 * @example const state = decodeCursor(request.query.cursor);
 */
export function decodeCursor(cursor: string): CursorState {
  return decodeOpaqueCursor(cursor, (value): value is CursorState => {
    if (!isCursorState(value)) return false;
    parseFilterParams(value.filter);
    if (value.query !== undefined && value.query !== null) parsePredicate(value.query);
    return true;
  });
}

/**
 * Reads Backstage's legacy `after` cursor of `GET /entities`: an offset, as base64url digits. Refuses
 * (400 naming `/after`) anything else, including an offset too large for the database.
 * @example decodeAfterCursor(Buffer.from('40').toString('base64url')) // 40
 */
export function decodeAfterCursor(after: string): number {
  const text = after.length <= 24 ? Buffer.from(after, 'base64url').toString('utf8') : '';
  const offset = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(offset) || offset > MAX_OFFSET) {
    throw badRequest('Invalid after cursor: it is not one this server issued', [{ pointer: '/after', detail: 'must be a cursor from a previous response' }]);
  }
  return offset;
}

function isCursorState(value: unknown): value is CursorState {
  const state = value as Partial<CursorState> | null;
  const isString = (v: unknown): v is string => typeof v === 'string';
  return (
    !!state &&
    typeof state === 'object' &&
    Array.isArray(state.filter) &&
    state.filter.every(isString) &&
    Array.isArray(state.orderFields) &&
    state.orderFields.every(o => !!o && typeof o === 'object' && isString(o.field) && (o.order === 'asc' || o.order === 'desc')) &&
    (state.fullText === undefined ||
      (!!state.fullText && isString(state.fullText.term) && (state.fullText.fields === undefined || (Array.isArray(state.fullText.fields) && state.fullText.fields.every(isString))))) &&
    Array.isArray(state.boundary) &&
    state.boundary.length === 2 &&
    (isString(state.boundary[0]) || state.boundary[0] === null) &&
    isString(state.boundary[1]) &&
    (state.direction === 'next' || state.direction === 'prev') &&
    Number.isSafeInteger(state.totalItems) &&
    state.totalItems! >= 0 &&
    (state.scope === undefined || isString(state.scope)) &&
    (state.excludeTotal === undefined || typeof state.excludeTotal === 'boolean')
  );
}
