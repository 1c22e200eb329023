import { sql } from 'kysely';
import type { Db } from '../store/store.js';
import type { DialectName } from '../store/dialect.js';

/** The derived tables whose secondary indexes a bulk load builds after its rows (2M search rows at 100k entities). */
const DEFERRED_TABLES = ['entity_search', 'relations'];
/** Fewer entities than this are written with the indexes kept up: dropping and rebuilding would cost more. */
const MIN_ENTITIES = 1_000;

/**
 * Runs a large first load with `entity_search`'s and `relations`' secondary indexes dropped and built again
 * once the rows are in, inside the caller's transaction: SQLite builds an index from sorted rows several times
 * cheaper than it keeps one up row by row (index upkeep was about half of a 15k- and 100k-entity ingest).
 * Only on SQLite, where DDL is transactional (a rollback brings the indexes back) and readers use their own
 * connection (they see the committed indexes meanwhile); PostgreSQL would lock the tables against every reader.
 * Only when `writes` adds at least as many entities as the catalog already holds and replaces none: the derived
 * rows of a replaced or deleted entity are found through the very indexes dropped here, and a rebuild costs in
 * proportion to the whole table.
 * @example await withIndexesBuiltAfter(trx, 'sqlite', { creates: 15_701, replaces: 0 }, () => writeEntities(…));
 */
export async function withIndexesBuiltAfter<T>(
  db: Db,
  dialect: DialectName,
  load: { creates: number; replaces: number },
  work: () => Promise<T>,
): Promise<T> {
  if (dialect !== 'sqlite' || load.replaces > 0 || load.creates < MIN_ENTITIES) return work();
  const { rows: [catalog] } = await sql<{ n: number }>`SELECT count(*) AS n FROM entities`.execute(db);
  if (Number(catalog?.n ?? 0) > load.creates) return work();
  // Unique indexes stay: they enforce constraints the writes rely on.
  const { rows: indexes } = await sql<{ name: string; sql: string }>`
    SELECT name, sql FROM sqlite_master
    WHERE type = 'index' AND tbl_name IN (${sql.join(DEFERRED_TABLES)}) AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'
    ORDER BY name`.execute(db);
  for (const index of indexes) await sql`DROP INDEX ${sql.id(index.name)}`.execute(db);
  const result = await work();
  for (const index of indexes) await sql.raw(index.sql).execute(db);
  return result;
}
