import { sql } from 'kysely';
import type { Store } from '../../store/store.js';
import type {} from '../catalog-tables.js'; // the tables it queries, for Kysely's types
import { entityScopeSql, type EntityScope } from '../query/entity-scope.js';
import type { DocumentWords } from './document-words.js';

/**
 * How candidates are found: by SQLite's FTS5 trigram index, or on PostgreSQL from the search documents'
 * words held in memory per catalog state (document-words.ts), in the order its trigram query gave them.
 */
export type CandidateIndex = { type: 'fts5-trigram' } | { type: 'pg-words'; words: DocumentWords };

/** Entities ranked further (in memory) for one search; the database orders them by its own measure first. */
export const MAX_CANDIDATES = 500;

/**
 * The ids of the entities the reader may see with a search document sharing a trigram (three-letter run)
 * with a typed word — so a word with a typo still shares most of its trigrams — or, for words shorter
 * than three letters, holding the word. Those sharing the most trigrams come first. Words are letters and
 * digits only (search-query.ts), so they are safe inside a MATCH or LIKE pattern.
 */
export async function searchCandidates(store: Store, index: CandidateIndex, version: number, words: readonly string[], scope: EntityScope): Promise<string[]> {
  const scoped = entityScopeSql(scope);
  const trigrams = [...new Set(words.flatMap(trigramsOf))];
  // Too short for a trigram: the words themselves, as substrings.
  const patterns = trigrams.length ? trigrams : [...words];
  if (index.type === 'pg-words') {
    if (scope.type === 'none') return [];
    const inScope = scope.type === 'all' ? undefined : (ids: string[]) => idsInScope(store, ids, scoped);
    return index.words.candidates(version, patterns, MAX_CANDIDATES, inScope);
  }
  if (trigrams.length) {
    const match = trigrams.map(t => `"${t}"`).join(' OR ');
    const { rows } = await sql<{ entity_id: string }>`
      SELECT d.entity_id FROM search_fts f
      JOIN search_documents d ON d.id = f.rowid JOIN entities e ON e.id = d.entity_id
      WHERE search_fts MATCH ${match} AND ${scoped}
      GROUP BY d.entity_id ORDER BY min(f.rank), d.entity_id LIMIT ${MAX_CANDIDATES}`.execute(store.reads);
    return rows.map(row => row.entity_id);
  }
  const text = sql`lower(d.title || ' ' || d.name || ' ' || d.description || ' ' || d.owner || ' ' || d.body)`;
  const matches = sql.join(patterns.map(pattern => sql`${text} LIKE ${`%${pattern}%`}`), sql` OR `);
  const shared = sql.join(patterns.map(pattern => sql`CASE WHEN ${text} LIKE ${`%${pattern}%`} THEN 1 ELSE 0 END`), sql` + `);
  const { rows } = await sql<{ entity_id: string }>`
    SELECT d.entity_id FROM search_documents d JOIN entities e ON e.id = d.entity_id
    WHERE (${matches}) AND ${scoped}
    GROUP BY d.entity_id ORDER BY max(${shared}) DESC, d.entity_id LIMIT ${MAX_CANDIDATES}`.execute(store.reads);
  return rows.map(row => row.entity_id);
}

/** Those of `ids` the reader may see, in their order. */
async function idsInScope(store: Store, ids: string[], scoped: ReturnType<typeof entityScopeSql>): Promise<string[]> {
  // One array parameter, not one per id: PostgreSQL takes at most 65,535 parameters a statement.
  const { rows } = await sql<{ id: string }>`SELECT e.id FROM entities e WHERE e.id = ANY(${ids}::text[]) AND ${scoped}`.execute(store.reads);
  const seen = new Set(rows.map(row => row.id));
  return ids.filter(id => seen.has(id));
}

/** A word's three-letter runs, as FTS5's trigram tokenizer and pg_trgm's LIKE support cut text. */
function trigramsOf(word: string): string[] {
  const letters = [...word];
  return letters.slice(0, -2).map((_, i) => letters.slice(i, i + 3).join(''));
}
