import { setImmediate as nextTurn } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Db } from '../store/store.js';
import type { DialectName } from '../store/dialect.js';

/** Per transaction: the tables whose rows go to a staging table while a write runs, and that table's name. */
const staging = new WeakMap<Db, Map<string, string>>();

/** A table whose rows a large write stages: the columns moved, and the order they move in, or none to move them as written. */
interface StagedTable {
  columns: string;
  /** Moved in one statement sorted by these; without, in slices of {@link ROWS_PER_MOVE} in the order written. */
  order?: string;
}

/** Rows a statement moves when a staging table is moved in slices: none holds the event loop long. */
const ROWS_PER_MOVE = 5_000;

/** What each database stages (see {@link withStagedRows}). */
const STAGED_TABLES: Record<DialectName, Record<string, StagedTable>> = {
  // The order of its (key, value, entity) index.
  postgres: { entity_search: { columns: 'entity_id, key, value, original_value', order: 'key, value, entity_id' } },
  sqlite: { search_documents: { columns: 'entity_id, section, title, name, description, owner, body' } },
};

/**
 * Runs a large write with the rows it inserts into some table gathered in a temporary table, then moved in by a
 * few statements once the write is done. Readers are not held up (nothing is locked but the write's own temporary
 * table) and see nothing of it before the commit, as before. A session where the temporary table cannot be made
 * writes straight into the table.
 * - PostgreSQL, `entity_search` (about 20 rows an entity), moved in one statement sorted by key and value, the order
 *   of its (key, value, entity) index. Inserted as they come (sorted only within each chunk of 200 entities),
 *   each chunk's rows land all over the index, and once they outgrow PostgreSQL's buffer cache every insert reads
 *   a page and writes another back: ~1.9M search rows (100k entities) inserted chunk by chunk cost the backend
 *   22.5–23.4 s CPU and read 1.6–3.2 GiB and wrote 3.8–4.9 GiB through the OS; staged and moved in sorted, 17.7–18.5 s,
 *   0.7 and 2.2–2.3 GiB. At 15.7k entities, whose indexes still fit, staging cost ~10% more, hence only for writes of
 *   25,000 entities or more (bulk-load.ts). The table is dropped with the move, and at the transaction's end at the
 *   latest (`ON COMMIT DROP`, and a rollback drops it too).
 * - SQLite, `search_documents` (one an entity), moved in statements of 5,000 in the order written: the FTS5 index
 *   `search_fts` (kept by the table's insert trigger) writes what it gathered in memory as a new segment at the end
 *   of every statement, so a write inserting its documents chunk by chunk (395 statements at 15.7k entities) made
 *   hundreds of small segments and merged them again; measured without JavaScript, 15.7k documents in 40-row
 *   statements 0.53–0.58 s of CPU, staged and moved in one 0.31–0.32 s. Dropped after the move; a rollback drops it too.
 * @example await withStagedRows(trx, 'postgres', () => writeEntities(trx, 'postgres', writes, stored, now))
 */
export async function withStagedRows<T>(db: Db, dialect: DialectName, work: () => Promise<T>): Promise<T> {
  const tables = new Map<string, string>();
  await sql`SAVEPOINT pave_staged_rows`.execute(db);
  try {
    for (const [table, { columns }] of Object.entries(STAGED_TABLES[dialect])) {
      const staged = `pave_staged_${table}`;
      if (dialect === 'postgres') await sql`CREATE TEMPORARY TABLE ${sql.id(staged)} (LIKE ${sql.id(table)}) ON COMMIT DROP`.execute(db);
      else await sql.raw(`CREATE TEMPORARY TABLE "${staged}" AS SELECT ${columns} FROM "${table}" WHERE 0`).execute(db);
      tables.set(table, staged);
    }
  } catch {
    // Released too, so the write runs in the transaction itself, not in a subtransaction of the savepoint.
    await sql`ROLLBACK TO SAVEPOINT pave_staged_rows`.execute(db);
    await sql`RELEASE SAVEPOINT pave_staged_rows`.execute(db);
    return work();
  }
  await sql`RELEASE SAVEPOINT pave_staged_rows`.execute(db);
  staging.set(db, tables);
  try {
    const result = await work();
    for (const [table, staged] of tables) {
      await moveRows(db, table, staged, STAGED_TABLES[dialect][table]!);
      await sql`DROP TABLE ${sql.id(staged)}`.execute(db);
    }
    return result;
  } finally {
    staging.delete(db);
  }
}

/** Moves a staging table's rows into their table: sorted in one statement, or a slice of rowids a statement (yielding between two). */
async function moveRows(db: Db, table: string, staged: string, { columns, order }: StagedTable): Promise<void> {
  const move = `INSERT INTO "${table}" (${columns}) SELECT ${columns} FROM "${staged}"`;
  if (order) {
    await sql.raw(`${move} ORDER BY ${order}`).execute(db);
    return;
  }
  const { rows: [last] } = await sql<{ rowid: number | null }>`SELECT max(rowid) AS rowid FROM ${sql.id(staged)}`.execute(db);
  for (let from = 0; from < Number(last?.rowid ?? 0); from += ROWS_PER_MOVE) {
    if (from > 0) await nextTurn();
    await sql.raw(`${move} WHERE rowid > ${from} AND rowid <= ${from + ROWS_PER_MOVE} ORDER BY rowid`).execute(db);
  }
}

/** Where rows for `table` go in this transaction: its staging table while {@link withStagedRows} runs, else the table. */
export function insertTarget(db: Db, table: string): string {
  return staging.get(db)?.get(table) ?? table;
}
