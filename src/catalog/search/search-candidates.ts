import { sql, type RawBuilder } from 'kysely';
import type { Store } from '../../store/store.js';
import type {} from '../catalog-tables.js'; // the tables it queries, for Kysely's types
import { entityScopeSql, type EntityScope } from '../query/entity-scope.js';

/** How the database finds candidates: by trigrams (SQLite FTS5, PostgreSQL pg_trgm), or by substrings. */
export type CandidateIndex = { type: 'fts5-trigram' } | { type: 'pg-trigram'; schema: string } | { type: 'pg-substring' };

/** Entities ranked further (in memory) for one search; the database orders them by its own measure first. */
export const MAX_CANDIDATES = 500;

/**
 * The ids of the entities the reader may see with any search document sharing enough with a typed word:
 * one of its trigrams (SQLite), a word similarity of 0.6 or a substring (pg_trgm), or the word or its
 * first four letters as a substring (PostgreSQL without pg_trgm). Best first by the database's measure.
 * Words are letters and digits only (search-query.ts), so they are safe inside a MATCH or LIKE pattern.
 */
export async function searchCandidates(store: Store, index: CandidateIndex, words: readonly string[], scope: EntityScope): Promise<string[]> {
  const scoped = entityScopeSql(scope);
  const long = words.filter(word => word.length >= 3);
  let rows: Array<{ entity_id: string }>;
  if (index.type === 'fts5-trigram' && long.length) {
    const match = [...new Set(long.flatMap(trigramsOf))].map(t => `"${t}"`).join(' OR ');
    rows = (
      await sql<{ entity_id: string }>`
        SELECT d.entity_id FROM search_fts f
        JOIN search_documents d ON d.id = f.rowid JOIN entities e ON e.id = d.entity_id
        WHERE search_fts MATCH ${match} AND ${scoped}
        GROUP BY d.entity_id ORDER BY min(f.rank), d.entity_id LIMIT ${MAX_CANDIDATES}`.execute(store.db)
    ).rows;
  } else if (index.type === 'pg-trigram' && long.length) {
    const op = (name: string) => sql.raw(`OPERATOR(${quoteId(index.schema)}.${name})`);
    const similarity = sql.raw(`${quoteId(index.schema)}.word_similarity`);
    const matches = sql.join(long.map(word => sql`(${word} ${op('<%')} d.search_text OR d.search_text LIKE ${`%${word}%`})`), sql` OR `);
    const measure = sql.join(long.map(word => sql`${similarity}(${word}, d.search_text)`), sql` + `);
    rows = (
      await sql<{ entity_id: string }>`
        SELECT d.entity_id FROM search_documents d JOIN entities e ON e.id = d.entity_id
        WHERE (${matches}) AND ${scoped}
        GROUP BY d.entity_id ORDER BY max(${measure}) DESC, d.entity_id LIMIT ${MAX_CANDIDATES}`.execute(store.db)
    ).rows;
  } else {
    rows = (await substringCandidates(store, index, words, scoped)).rows;
  }
  return rows.map(row => row.entity_id);
}

/** Short words (no trigram to look up), or PostgreSQL without pg_trgm: substrings, by how many words hold whole. */
function substringCandidates(store: Store, index: CandidateIndex, words: readonly string[], scoped: RawBuilder<boolean>) {
  const text = index.type === 'fts5-trigram' ? sql`lower(d.title || ' ' || d.name || ' ' || d.description || ' ' || d.owner || ' ' || d.body)` : sql`d.search_text`;
  const patterns = words.flatMap(word => (word.length > 4 ? [word, word.slice(0, 4)] : [word]));
  const matches = sql.join(patterns.map(pattern => sql`${text} LIKE ${`%${pattern}%`}`), sql` OR `);
  const whole = sql.join(words.map(word => sql`CASE WHEN ${text} LIKE ${`%${word}%`} THEN 1 ELSE 0 END`), sql` + `);
  return sql<{ entity_id: string }>`
    SELECT d.entity_id FROM search_documents d JOIN entities e ON e.id = d.entity_id
    WHERE (${matches}) AND ${scoped}
    GROUP BY d.entity_id ORDER BY max(${whole}) DESC, d.entity_id LIMIT ${MAX_CANDIDATES}`.execute(store.db);
}

/** A word's three-letter runs, as FTS5's trigram tokenizer cuts text. */
function trigramsOf(word: string): string[] {
  const letters = [...word];
  return letters.slice(0, -2).map((_, i) => letters.slice(i, i + 3).join(''));
}

const quoteId = (name: string) => `"${name.replace(/"/g, '""')}"`;
