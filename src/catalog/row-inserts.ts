import { CompiledQuery } from 'kysely';
import type { Db } from '../store/store.js';
import type { DialectName } from '../store/dialect.js';
import { insertTarget } from './staged-rows.js';

/** A value bound to one column of a row. */
export type ColumnValue = string | number | null;

/** One table's insert: its columns in the order rows give their values, with their PostgreSQL types. */
export interface RowInsert {
  table: string;
  columns: ReadonlyArray<readonly [name: string, type: 'text' | 'integer']>;
  /** Columns a conflict on `conflictKey` overwrites with the new row's values (the others keep theirs). */
  updateOnConflict?: { conflictKey: string; columns: readonly string[] };
}

/**
 * Rows per statement on SQLite, largest first: a chunk's rows go in statements of the first size that fits, so any
 * number of rows takes a few statements of at most six texts, each prepared once (the store's statement cache).
 * Each statement is a round trip to the write connection's worker thread (store/sqlite-write-dialect.ts): 1,024
 * rows (at most 14,336 parameters, the entities' 14 columns; SQLite allows 32,766) send a chunk's ~4,000 search rows
 * in 4 hops instead of 16.
 */
const SQLITE_ROWS_PER_STATEMENT = [1024, 256, 64, 16, 4, 1];
/** Rows per statement on PostgreSQL (one array parameter per column, whatever the count). */
const POSTGRES_ROWS_PER_STATEMENT = 10_000;

/**
 * Inserts rows given as arrays of values, in SQL whose text is made once per table and statement size instead of
 * being built and compiled by the query builder for every batch (compiling 30,000-parameter inserts was ~0.9 s of
 * a 15.7k-entity first load). SQLite: multi-row `VALUES` of a few fixed sizes. PostgreSQL: `INSERT … SELECT FROM
 * unnest($1::text[], …)`, one array parameter per column, so a statement's text is the same for any number of rows.
 * Into the table's staging table while a large write gathers its rows there (staged-rows.ts).
 * @example await insertRows(trx, 'sqlite', RELATIONS, [['e1', 'component:default/a', 'ownedBy', 'group:default/t']]);
 */
export async function insertRows(db: Db, dialect: DialectName, insert: RowInsert, rows: ReadonlyArray<readonly ColumnValue[]>): Promise<void> {
  const table = insertTarget(db, insert.table);
  if (dialect === 'postgres') {
    for (let i = 0; i < rows.length; i += POSTGRES_ROWS_PER_STATEMENT) {
      const batch = rows.slice(i, i + POSTGRES_ROWS_PER_STATEMENT);
      await db.executeQuery(CompiledQuery.raw(textOf(insert, 'postgres', 0, table), insert.columns.map((_, c) => batch.map(row => row[c]!))));
    }
    return;
  }
  let i = 0;
  for (const size of SQLITE_ROWS_PER_STATEMENT) {
    for (; rows.length - i >= size; i += size) {
      const parameters: ColumnValue[] = [];
      for (let r = i; r < i + size; r++) for (const value of rows[r]!) parameters.push(value);
      await db.executeQuery(CompiledQuery.raw(textOf(insert, 'sqlite', size, table), parameters));
    }
  }
}

/** Statement texts by insert, dialect, row count (0 for PostgreSQL's, which takes any) and target table. */
const texts = new WeakMap<RowInsert, Map<string, string>>();

function textOf(insert: RowInsert, dialect: DialectName, rows: number, table = insert.table): string {
  let byShape = texts.get(insert);
  if (!byShape) texts.set(insert, (byShape = new Map()));
  const shape = `${dialect}:${rows}:${table}`;
  let text = byShape.get(shape);
  if (text === undefined) {
    const names = insert.columns.map(([name]) => quoted(name)).join(', ');
    const values = dialect === 'postgres'
      ? `select * from unnest(${insert.columns.map(([, type], c) => `$${c + 1}::${type}[]`).join(', ')})`
      : `values ${Array.from({ length: rows }, () => `(${insert.columns.map(() => '?').join(', ')})`).join(', ')}`;
    const conflict = insert.updateOnConflict
      ? ` on conflict (${quoted(insert.updateOnConflict.conflictKey)}) do update set ${insert.updateOnConflict.columns.map(name => `${quoted(name)} = excluded.${quoted(name)}`).join(', ')}`
      : '';
    text = `insert into ${quoted(table)} (${names}) ${values}${conflict}`;
    byShape.set(shape, text);
  }
  return text;
}

const quoted = (name: string): string => `"${name}"`;
