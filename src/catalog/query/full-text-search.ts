import { sql } from 'kysely';
import type { Store } from '../../store/store.js';
import { badRequest } from '../../core/problem.js';
import { ALL_ENTITIES, entityScopeSql, type EntityScope } from './entity-scope.js';

/** The most words one search looks for. */
export const MAX_SEARCH_WORDS = 16;

export interface SearchHit {
  entityRef: string;
  kind: string;
  namespace: string;
  name: string;
  title?: string;
  description?: string;
  /** Higher is better; comparable within one response only. */
  score: number;
}

export interface SearchRequest {
  query: string;
  kinds?: string[];
  limit?: number;
  /** What the reader may see; every entity when absent. Applied before the limit, so pages stay full. */
  scope?: EntityScope;
}

/**
 * Ranked full-text search on the database's own index: SQLite FTS5 (bm25, names weighted highest)
 * or PostgreSQL tsvector (ts_rank over weighted fields). Every word must match; the last word
 * also matches as a prefix, so results appear while typing.
 */
export async function searchEntities(store: Store, request: SearchRequest): Promise<SearchHit[]> {
  const words = request.query.toLocaleLowerCase('en-US').match(/[\p{L}\p{N}]+/gu) ?? [];
  if (!words.length) return [];
  // Each word is one more index lookup to intersect: a query of hundreds of words costs the database
  // (and, on SQLite, the event loop) far more than any person types.
  if (words.length > MAX_SEARCH_WORDS) {
    throw badRequest(`The search has ${words.length} words; at most ${MAX_SEARCH_WORDS} are looked for`, [{ pointer: '/q', detail: `must have at most ${MAX_SEARCH_WORDS} words`, rule: 'maxWords' }]);
  }
  const limit = Math.min(Math.max(request.limit ?? 20, 1), 100);
  const kinds = request.kinds?.map(k => k.toLocaleLowerCase('en-US'));
  const andKindsAndScope = sql`${kinds?.length ? sql`AND lower(e.kind) IN (${sql.join(kinds)})` : sql``} AND ${entityScopeSql(request.scope ?? ALL_ENTITIES)}`;
  type Row = { ref: string; kind: string; namespace: string; name: string; title: string | null; description: string | null; score: number };
  let rows: Row[];
  if (store.dialect === 'sqlite') {
    const match = words.map((w, i) => (i === words.length - 1 ? `"${w}"*` : `"${w}"`)).join(' ');
    rows = (
      await sql<Row>`
        SELECT e.ref, e.kind, e.namespace, e.name, e.title, e.description,
               -bm25(entities_fts, 0, 10.0, 8.0, 3.0, 1.0) AS score
        FROM entities_fts JOIN entities e ON e.id = entities_fts.id
        WHERE entities_fts MATCH ${match} ${andKindsAndScope}
        ORDER BY score DESC, e.ref
        LIMIT ${limit}`.execute(store.db)
    ).rows;
  } else {
    const tsquery = words.map((w, i) => (i === words.length - 1 ? `${w}:*` : w)).join(' & ');
    rows = (
      await sql<Row>`
        SELECT e.ref, e.kind, e.namespace, e.name, e.title, e.description,
               ts_rank(e.search_vector, q.query) AS score
        FROM entities e, (SELECT to_tsquery('simple', ${tsquery}) || to_tsquery('english', ${tsquery}) AS query) q
        WHERE e.search_vector @@ q.query ${andKindsAndScope}
        ORDER BY score DESC, e.ref
        LIMIT ${limit}`.execute(store.db)
    ).rows;
  }
  return rows.map(row => ({
    entityRef: row.ref,
    kind: row.kind,
    namespace: row.namespace,
    name: row.name,
    ...(row.title ? { title: row.title } : {}),
    ...(row.description ? { description: row.description } : {}),
    score: Number(row.score),
  }));
}
