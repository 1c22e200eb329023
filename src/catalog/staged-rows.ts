import { sql } from 'kysely';
import type { Db } from '../store/store.js';

/** Per transaction: the tables whose rows go to a staging table while a write runs, and that table's name. */
const staging = new WeakMap<Db, Map<string, string>>();

/** The columns of `entity_search`, and the order its two key indexes want its rows in. */
const STAGED_TABLES: Record<string, { columns: string; order: string }> = {
  entity_search: { columns: 'entity_id, key, value, original_value', order: 'key, value, entity_id' },
};

/**
 * PostgreSQL: runs a large write with the `entity_search` rows it inserts (about 20 an entity) gathered in a
 * temporary table, then moved into `entity_search` in one statement sorted by key and value, the order of its two
 * (key, value, entity) indexes. Inserted as they come (sorted only within each chunk of 200 entities), each chunk's
 * rows land all over those indexes, and once they outgrow PostgreSQL's buffer cache every insert reads a page and
 * writes another back: ~1.9M search rows (100k entities) inserted chunk by chunk cost the backend 22.5–23.4 s CPU
 * and read 1.6–3.2 GiB and wrote 3.8–4.9 GiB through the OS; staged and moved in sorted, 17.7–18.5 s, 0.7 and
 * 2.2–2.3 GiB. At 15.7k entities, whose indexes still fit, staging cost ~10% more, hence only for large writes
 * (bulk-load.ts). Readers are not held up (nothing is locked but the write's own temporary table) and see nothing
 * of it before the commit, as before. A role without the TEMPORARY privilege writes straight into the table. The
 * temporary table is dropped with the move, and at the transaction's end at the latest (`ON COMMIT DROP`, and a
 * rollback drops it too).
 * @example await withStagedRows(trx, () => writeEntities(trx, 'postgres', writes, stored, now))
 */
export async function withStagedRows<T>(db: Db, work: () => Promise<T>): Promise<T> {
  const tables = new Map<string, string>();
  await sql`SAVEPOINT pave_staged_rows`.execute(db);
  try {
    for (const table of Object.keys(STAGED_TABLES)) {
      const staged = `pave_staged_${table}`;
      await sql`CREATE TEMPORARY TABLE ${sql.id(staged)} (LIKE ${sql.id(table)}) ON COMMIT DROP`.execute(db);
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
      const { columns, order } = STAGED_TABLES[table]!;
      await sql.raw(`INSERT INTO "${table}" (${columns}) SELECT ${columns} FROM "${staged}" ORDER BY ${order}`).execute(db);
      await sql`DROP TABLE ${sql.id(staged)}`.execute(db);
    }
    return result;
  } finally {
    staging.delete(db);
  }
}

/** Where rows for `table` go in this transaction: its staging table while {@link withStagedRows} runs, else the table. */
export function insertTarget(db: Db, table: string): string {
  return staging.get(db)?.get(table) ?? table;
}
