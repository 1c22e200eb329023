import { badRequest } from '../../core/problem.js';
import type { OrderField } from './order-fields.js';

/** What a cursor remembers: the whole query, plus where the page boundary is. Opaque to clients. */
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
}

export function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

export function decodeCursor(cursor: string): CursorState {
  try {
    const state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorState;
    const valid =
      Array.isArray(state.filter) &&
      Array.isArray(state.orderFields) &&
      Array.isArray(state.boundary) &&
      state.boundary.length === 2 &&
      (typeof state.boundary[0] === 'string' || state.boundary[0] === null) &&
      typeof state.boundary[1] === 'string' &&
      (state.direction === 'next' || state.direction === 'prev') &&
      typeof state.totalItems === 'number' &&
      (state.scope === undefined || typeof state.scope === 'string');
    if (!valid) throw new Error('shape');
    return state;
  } catch {
    throw badRequest('Invalid cursor: it is not one this server issued', [{ pointer: '/cursor', detail: 'must be a cursor from a previous response' }]);
  }
}
