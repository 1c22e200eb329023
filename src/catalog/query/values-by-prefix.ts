import { sql } from 'kysely';
import type { Store } from '../../store/store.js';
import { entityScopeSql, type EntityScope } from './entity-scope.js';

/** One value found, and whether the reader may see at least one entity that holds it. */
export interface ValueMatch {
  /** As written in the entity (not lower-cased). */
  value: string;
  readable: boolean;
}

/**
 * The distinct values of some fields (search keys such as `metadata.annotations.backstage.io/source-location`)
 * that start with one of some prefixes, matched case-insensitively, each with whether an entity the
 * scope lets the reader see holds it. One query, whatever the number of prefixes; values longer than
 * the search rows index (200 characters) are not found.
 * @example await valuesByPrefix(store, { keys: ['metadata.annotations.backstage.io/source-location'], prefixes: ['url:http://pave/repositories/'], scope })
 */
export async function valuesByPrefix(store: Store, query: { keys: readonly string[]; prefixes: readonly string[]; scope: EntityScope }): Promise<ValueMatch[]> {
  if (!query.keys.length || !query.prefixes.length) return [];
  const keys = sql.join(query.keys.map(key => key.toLowerCase()));
  const prefixes = sql.join(
    query.prefixes.map(prefix => sql`s.value LIKE ${prefix.toLowerCase().replace(/[\\%_]/g, m => '\\' + m) + '%'} ESCAPE '\\'`),
    sql` OR `,
  );
  const { rows } = await sql<{ value: string; readable: number | string }>`
    SELECT s.original_value AS value, MAX(CASE WHEN ${entityScopeSql(query.scope)} THEN 1 ELSE 0 END) AS readable
    FROM entity_search s JOIN entities e ON e.id = s.entity_id
    WHERE s.key IN (${keys}) AND s.original_value IS NOT NULL AND (${prefixes})
    GROUP BY s.original_value`.execute(store.db);
  return rows.map(row => ({ value: row.value, readable: Number(row.readable) === 1 }));
}
