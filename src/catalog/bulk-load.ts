import { setImmediate as nextTurn } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Db } from '../store/store.js';
import type { DialectName } from '../store/dialect.js';
import { lockCatalogWrites } from './catalog-write-lock.js';
import { refreshPlannerStatistics } from './planner-statistics.js';
import { withStagedRows } from './staged-rows.js';

/** The derived tables whose secondary indexes a first load builds after its rows (20 search rows an entity). */
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
  /** Writes of at least this many entities run with a larger page cache (PostgreSQL: stage their search rows)… */
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
 * Runs a catalog write of many entities the way each database does it fastest, inside the caller's transaction.
 * PostgreSQL: a first load of 1,000 entities or more into an empty catalog drops the non-unique indexes of
 * `entity_search` and `relations` and builds them after its rows, as below (DROP INDEX locks the two tables, so
 * filters, facets and relation reads wait for the commit: in an empty catalog, where they would find nothing; by-name
 * reads neither; 2M search rows inserted sorted into the indexed table took 96 s, without the indexes and built
 * after 26 s; a 100k load's backends ~30% less CPU); any other write of 25,000 entities or more gathers its search rows and moves them in sorted
 * (staged-rows.ts); and a write that changed much of the catalog brings the planner's statistics up to date
 * (planner-statistics.ts). SQLite:
 * - A write of 1,000 entities or more gathers its search documents and moves them in once its entities are written,
 *   a few statements in all, so that the FTS5 index over them grows by a few segments, not one per chunk
 *   (staged-rows.ts).
 * - A first load of 1,000 entities or more (at least as many as the catalog holds, none replaced) drops the
 *   non-unique indexes of `entity_search` and `relations` (but the one the writer reads by, unless the catalog is empty) and builds them again once the rows are in: SQLite
 *   builds an index from sorted rows several times cheaper than it keeps one up row by row (index upkeep was the
 *   largest share of a 15.7k-entity ingest, and above 25,000 entities it grows faster than the rows: each insert
 *   lands on a page of B-trees that outgrew the page cache). DDL is transactional, so a rollback brings them back, and readers use
 *   their own connection (they see the committed indexes meanwhile). Not when entities are replaced: their
 *   derived rows are found through these very indexes. Each build is one synchronous statement (at 100k entities,
 *   2M search rows: seconds), so it holds the thread of the write connection while it runs.
 * - A write of 25,000 entities or more runs with a 64 MiB page cache (index upkeep, and the sorter of an index
 *   build, which keeps as many pages in memory before it spills), then gives the connection its own cache back.
 * @example await asBulkLoad(trx, 'sqlite', { writes: 15_701, locationStored: 0 }, () => writeEntities(…));
 */
export async function asBulkLoad<T>(db: Db, dialect: DialectName, load: BulkLoad, work: () => Promise<T>, limits = BULK_LOAD_LIMITS): Promise<T> {
  if (dialect !== 'sqlite') {
    const loaded = load.writes >= limits.minDeferred && (await withIndexesBuiltAfter(db, dialect, load, work));
    const result = loaded ? loaded.result : load.writes >= limits.largeWrite ? await withStagedRows(db, dialect, work) : await work();
    await refreshPlannerStatistics(db, load.writes);
    return result;
  }
  const indexedAfter = async () => {
    const loaded = await withIndexesBuiltAfter(db, dialect, load, work);
    return loaded ? loaded.result : work();
  };
  if (load.writes >= limits.largeWrite) return withStagedRows(db, dialect, () => withPageCache(db, limits.largeWriteCacheKib, indexedAfter));
  if (load.writes < limits.minDeferred) return work();
  return withStagedRows(db, dialect, indexedAfter);
}

/**
 * Runs a write of `minDeferred` entities or more, building the indexes after the rows if it is a first load (see
 * {@link asBulkLoad}); false, without running it, where it is not (PostgreSQL: only into an empty catalog).
 */
async function withIndexesBuiltAfter<T>(db: Db, dialect: DialectName, load: BulkLoad, work: () => Promise<T>): Promise<{ result: T } | false> {
  if (load.locationStored > 0) return false;
  // PostgreSQL: the writers' turn first (the writer takes it too), so that none holding it waits for the tables
  // DROP INDEX locks while this load waits for it (a deadlock); and a load counts what the one before committed.
  await lockCatalogWrites(db, dialect);
  const { rows: [catalog] } = await sql<{ n: number | string }>`SELECT count(*) AS n FROM entities`.execute(db);
  const stored = Number(catalog?.n ?? 0);
  if (stored > (dialect === 'sqlite' ? load.writes : 0)) return false;
  const indexes = await deferrable(db, dialect);
  const deferred = indexes.filter(index => stored === 0 || !KEPT_INDEXES.includes(index.name));
  for (const index of deferred) await sql`DROP INDEX ${sql.id(index.name)}`.execute(db);
  const kept = new Set(indexes.filter(index => !deferred.includes(index)).map(index => index.table));
  unindexed.set(db, new Set(DEFERRED_TABLES.filter(table => !kept.has(table))));
  let result: T;
  try {
    result = await work();
  } finally {
    unindexed.delete(db);
  }
  for (const index of deferred) {
    // Each build is one synchronous call on SQLite; between two, the event loop serves what waited (not six in one stall).
    await nextTurn();
    await sql.raw(index.create).execute(db);
  }
  return { result };
}

/** An index of the deferred tables that a first load drops, and the statement that makes it again. */
interface DeferrableIndex {
  table: string;
  name: string;
  create: string;
}

/**
 * The indexes of the deferred tables that may be dropped during a load: not unique ones, which enforce constraints
 * the writes rely on. (PostgreSQL's foreign keys to `entities` stay: dropping one locks `entities` itself, and so
 * every catalog read, until the commit.)
 */
async function deferrable(db: Db, dialect: DialectName): Promise<DeferrableIndex[]> {
  const { rows } = dialect === 'sqlite'
    ? await sql<DeferrableIndex>`
        SELECT tbl_name AS "table", name, sql AS "create" FROM sqlite_master
        WHERE type = 'index' AND tbl_name IN (${sql.join(DEFERRED_TABLES)}) AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'
        ORDER BY name`.execute(db)
    : await sql<DeferrableIndex>`
        SELECT tablename AS "table", indexname AS name, indexdef AS "create" FROM pg_indexes
        WHERE schemaname = current_schema() AND tablename IN (${sql.join(DEFERRED_TABLES)}) AND indexdef NOT LIKE 'CREATE UNIQUE%'
        ORDER BY indexname`.execute(db);
  return rows;
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
