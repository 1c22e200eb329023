import { setImmediate as nextTurn } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Db } from '../store/store.js';
import type { DialectName } from '../store/dialect.js';
import { refreshPlannerStatistics } from './planner-statistics.js';
import { withStagedRows } from './staged-rows.js';

/** The derived tables whose secondary indexes a mid-size first load builds after its rows (20 search rows an entity). */
const DEFERRED_TABLES = ['entity_search', 'relations'];
/**
 * Kept up during a load into a catalog that holds entities: the writer reads relations by source while it writes
 * (the stored form of each entity holds its relations, sent-entity.ts), and without this index every chunk would
 * scan the table. Into an empty catalog it reads none (there are no relations before its rows, and after them no
 * entity outside the write to re-stitch), so the index is built after the rows as well (~0.3 s less at 15.7k).
 */
const KEPT_INDEXES = ['relations_source_type_target_idx'];
/** Where a write's size changes how it is run (entities), and the page cache of a large one. */
export const BULK_LOAD_LIMITS = {
  /** Fewer entities than this are written with the indexes kept up: dropping and rebuilding would cost more. */
  minDeferred: 1_000,
  /**
   * More entities than this in the catalog after the load and the indexes are kept up row by row: SQLite builds
   * an index in one synchronous call, which holds the event loop (2M search rows at 100k entities: 7–9 s per index
   * on the shared machine, and a 100k load's worst stall grew from ~3 s to 42 s), while row-by-row upkeep yields
   * between statements.
   */
  maxDeferred: 25_000,
  /** Writes of at least this many entities keep their indexes up with a larger page cache (PostgreSQL: stage their search rows)… */
  largeWrite: 25_000,
  /** …of this many KiB (SQLite's negative `cache_size`) while they run; the connection's own is smaller. */
  largeWriteCacheKib: 65_536,
};

/** Per transaction: the tables a first load writes with none of their secondary indexes, built after its rows. */
const unindexed = new WeakMap<Db, ReadonlySet<string>>();

/**
 * Whether rows inserted into `table` in this transaction meet secondary indexes: the writer sorts a chunk's rows
 * in their order only then (a table without them takes rows in any order alike).
 */
export function indexedWhileWriting(db: Db, table: string): boolean {
  return !unindexed.get(db)?.has(table);
}

/** The size of a write, as the choice of how to run it needs it. */
export interface BulkLoad {
  /** Entities about to be written (unchanged ones included). */
  writes: number;
  /** Entities the location already has stored: writes may replace them, and a refresh may remove them. */
  locationStored: number;
}

/**
 * Runs a catalog write of many entities the way SQLite does it fastest, inside the caller's transaction
 * (PostgreSQL: without dropping indexes, which would lock every reader out of the tables; instead a write of 25,000
 * entities or more gathers its search rows and moves them in sorted, see staged-rows.ts, and a write that changed
 * much of the catalog brings the planner's statistics up to date, see planner-statistics.ts).
 * - A write of 1,000 entities or more gathers its search documents and moves them in once its entities are written,
 *   a few statements in all, so that the FTS5 index over them grows by a few segments, not one per chunk
 *   (staged-rows.ts).
 * - A first load of 1,000 to 25,000 entities (at least as many as the catalog holds, none replaced) drops the
 *   non-unique indexes of `entity_search` and `relations` (but the one the writer reads by, unless the catalog is empty) and builds them again once the rows are in: SQLite
 *   builds an index from sorted rows several times cheaper than it keeps one up row by row (index upkeep was the
 *   largest share of a 15.7k-entity ingest). DDL is transactional, so a rollback brings them back, and readers use
 *   their own connection (they see the committed indexes meanwhile). Not when entities are replaced: their
 *   derived rows are found through these very indexes.
 * - A write of 25,000 entities or more keeps the indexes up with a 64 MiB page cache for its duration (index upkeep
 *   was about half of a 100k-entity ingest with a small cache), then gives the connection its own cache back.
 * @example await asBulkLoad(trx, 'sqlite', { writes: 15_701, locationStored: 0 }, () => writeEntities(…));
 */
export async function asBulkLoad<T>(db: Db, dialect: DialectName, load: BulkLoad, work: () => Promise<T>, limits = BULK_LOAD_LIMITS): Promise<T> {
  if (dialect !== 'sqlite') {
    const result = load.writes >= limits.largeWrite ? await withStagedRows(db, dialect, work) : await work();
    await refreshPlannerStatistics(db, load.writes);
    return result;
  }
  if (load.writes >= limits.largeWrite) return withStagedRows(db, dialect, () => withPageCache(db, limits.largeWriteCacheKib, work));
  if (load.writes < limits.minDeferred) return work();
  return withStagedRows(db, dialect, () => withIndexesBuiltAfter(db, load, work, limits));
}

/** Runs a SQLite write of `minDeferred` to `largeWrite` entities, building the indexes after the rows if it is a first load (see {@link asBulkLoad}). */
async function withIndexesBuiltAfter<T>(db: Db, load: BulkLoad, work: () => Promise<T>, limits: typeof BULK_LOAD_LIMITS): Promise<T> {
  if (load.locationStored > 0) return work();
  const { rows: [catalog] } = await sql<{ n: number }>`SELECT count(*) AS n FROM entities`.execute(db);
  const stored = Number(catalog?.n ?? 0);
  if (stored > load.writes || stored + load.writes > limits.maxDeferred) return work();
  // Unique indexes stay: they enforce constraints the writes rely on.
  const { rows: deferrable } = await sql<{ name: string; tbl_name: string; sql: string }>`
    SELECT name, tbl_name, sql FROM sqlite_master
    WHERE type = 'index' AND tbl_name IN (${sql.join(DEFERRED_TABLES)}) AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'
    ORDER BY name`.execute(db);
  const indexes = deferrable.filter(index => stored === 0 || !KEPT_INDEXES.includes(index.name));
  for (const index of indexes) await sql`DROP INDEX ${sql.id(index.name)}`.execute(db);
  const kept = new Set(deferrable.filter(index => !indexes.includes(index)).map(index => index.tbl_name));
  unindexed.set(db, new Set(DEFERRED_TABLES.filter(table => !kept.has(table))));
  let result: T;
  try {
    result = await work();
  } finally {
    unindexed.delete(db);
  }
  for (const index of indexes) {
    // Each build is one synchronous call; between two, the event loop serves what waited (not six in one stall).
    await nextTurn();
    await sql.raw(index.sql).execute(db);
  }
  return result;
}

/** Runs `work` with the connection's page cache at `kib`, and its own size again afterwards (even if `work` fails). */
async function withPageCache<T>(db: Db, kib: number, work: () => Promise<T>): Promise<T> {
  const { rows: [own] } = await sql<{ cache_size: number }>`PRAGMA cache_size`.execute(db);
  await sql.raw(`PRAGMA cache_size = -${kib}`).execute(db);
  try {
    return await work();
  } finally {
    await sql.raw(`PRAGMA cache_size = ${Number(own?.cache_size ?? -2000)}`).execute(db);
  }
}
