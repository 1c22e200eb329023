import { sql } from 'kysely';
import type { Store } from '../../store/store.js';
import type {} from '../catalog-tables.js'; // the tables it queries, for Kysely's types
import { entityScopeSql, type EntityScope } from '../query/entity-scope.js';

/**
 * How the database finds candidates: by trigram index (SQLite's FTS5 trigram tokenizer, PostgreSQL's
 * pg_trgm), or, on PostgreSQL without pg_trgm, by the same test scanning every search document.
 */
export type CandidateIndex = { type: 'fts5-trigram' } | { type: 'pg-trigram' } | { type: 'pg-scan' };

/** Entities ranked further (in memory) for one search; the database orders them by its own measure first. */
export const MAX_CANDIDATES = 500;

/**
 * The ids of the entities the reader may see with a search document sharing a trigram (three-letter run)
 * with a typed word — so a word with a typo still shares most of its trigrams — or, for words shorter
 * than three letters, holding the word. Those sharing the most trigrams come first. Words are letters and
 * digits only (search-query.ts), so they are safe inside a MATCH or LIKE pattern.
 */
export async function searchCandidates(store: Store, index: CandidateIndex, words: readonly string[], scope: EntityScope): Promise<string[]> {
  const scoped = entityScopeSql(scope);
  const trigrams = [...new Set(words.flatMap(trigramsOf))];
  // Too short for a trigram: the words themselves, as substrings.
  const patterns = trigrams.length ? trigrams : [...words];
  if (index.type === 'fts5-trigram' && trigrams.length) {
    const match = trigrams.map(t => `"${t}"`).join(' OR ');
    const { rows } = await sql<{ entity_id: string }>`
      SELECT d.entity_id FROM search_fts f
      JOIN search_documents d ON d.id = f.rowid JOIN entities e ON e.id = d.entity_id
      WHERE search_fts MATCH ${match} AND ${scoped}
      GROUP BY d.entity_id ORDER BY min(f.rank), d.entity_id LIMIT ${MAX_CANDIDATES}`.execute(store.reads);
    return rows.map(row => row.entity_id);
  }
  // pg_trgm's GIN index answers each LIKE '%abc%' (one trigram); without it PostgreSQL scans.
  const text = index.type === 'fts5-trigram' ? sql`lower(d.title || ' ' || d.name || ' ' || d.description || ' ' || d.owner || ' ' || d.body)` : sql`d.search_text`;
  const matches = sql.join(patterns.map(pattern => sql`${text} LIKE ${`%${pattern}%`}`), sql` OR `);
  const shared = sql.join(patterns.map(pattern => sql`CASE WHEN ${text} LIKE ${`%${pattern}%`} THEN 1 ELSE 0 END`), sql` + `);
  const { rows } = await sql<{ entity_id: string }>`
    SELECT d.entity_id FROM search_documents d JOIN entities e ON e.id = d.entity_id
    WHERE (${matches}) AND ${scoped}
    GROUP BY d.entity_id ORDER BY max(${shared}) DESC, d.entity_id LIMIT ${MAX_CANDIDATES}`.execute(store.reads);
  return rows.map(row => row.entity_id);
}

/** A word's three-letter runs, as FTS5's trigram tokenizer and pg_trgm's LIKE support cut text. */
function trigramsOf(word: string): string[] {
  const letters = [...word];
  return letters.slice(0, -2).map((_, i) => letters.slice(i, i + 3).join(''));
}
