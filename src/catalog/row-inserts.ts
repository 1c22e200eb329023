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
  /**
   * How SQLite is sent the rows. `json`: one JSON text a statement, taken apart by `json_each` in the write worker —
   * for many short rows (search rows, relations): one string to clone instead of every value, ~20% less CPU for a
   * 15.7k first load's 320k search rows. `values` (default): multi-row `VALUES` — for rows of long texts (bodies,
   * documents), which JSON would escape and SQLite parse again per column: ~60% more CPU for 15.7k entity rows.
   */
  sqliteRows?: 'json' | 'values';
}

/** Rows per statement on SQLite as one JSON text: a chunk's ~4,000 search rows in one statement. */
const SQLITE_JSON_ROWS_PER_STATEMENT = 8_192;
/**
 * Rows per `VALUES` statement on SQLite, largest first: a chunk's rows go in statements of the first size that fits,
 * so any number of rows takes a few statements of at most six texts, each prepared once (the store's statement
 * cache). 1,024 rows bind at most 14,336 parameters (the entities' 14 columns; SQLite allows 32,766).
 */
const SQLITE_VALUES_ROWS_PER_STATEMENT = [1024, 256, 64, 16, 4, 1];
/** Rows per statement on PostgreSQL (one array parameter per column, whatever the count). */
const POSTGRES_ROWS_PER_STATEMENT = 10_000;

/**
 * The statements that insert rows given as arrays of values, in SQL whose text is made once per table (and statement
 * size) instead of being built and compiled by the query builder for every batch (compiling 30,000-parameter inserts
 * was ~0.9 s of a 15.7k-entity first load). SQLite: `INSERT … SELECT value->>0, … FROM json_each(?)` over the rows as
 * one JSON text, or multi-row `VALUES` of a few fixed sizes (`RowInsert.sqliteRows`). PostgreSQL: `INSERT … SELECT
 * FROM unnest($1::text[], …)`, one array parameter per column. Into the table's staging table while a large write
 * gathers its rows there (staged-rows.ts). None for no rows.
 * @example await runInOrder(trx, 'sqlite', rowInserts(trx, 'sqlite', RELATIONS, [['e1', 'component:default/a', 'ownedBy', 'group:default/t']]));
 */
export function rowInserts(db: Db, dialect: DialectName, insert: RowInsert, rows: ReadonlyArray<readonly ColumnValue[]>): CompiledQuery[] {
  const table = insertTarget(db, insert.table);
  const statements: CompiledQuery[] = [];
  if (dialect === 'sqlite' && insert.sqliteRows !== 'json') {
    let i = 0;
    for (const size of SQLITE_VALUES_ROWS_PER_STATEMENT) {
      for (; rows.length - i >= size; i += size) {
        const parameters: ColumnValue[] = [];
        for (let r = i; r < i + size; r++) for (const value of rows[r]!) parameters.push(value);
        statements.push(CompiledQuery.raw(textOf(insert, 'values', size, table), parameters));
      }
    }
    return statements;
  }
  const form = dialect === 'postgres' ? 'unnest' : 'json';
  const perStatement = dialect === 'postgres' ? POSTGRES_ROWS_PER_STATEMENT : SQLITE_JSON_ROWS_PER_STATEMENT;
  for (let i = 0; i < rows.length; i += perStatement) {
    const batch = rows.slice(i, i + perStatement);
    const parameters = form === 'unnest' ? insert.columns.map((_, c) => batch.map(row => row[c]!)) : [JSON.stringify(batch)];
    statements.push(CompiledQuery.raw(textOf(insert, form, 0, table), parameters));
  }
  return statements;
}

/** Statement texts by insert, form, row count (0 for the forms that take any) and target table. */
const texts = new WeakMap<RowInsert, Map<string, string>>();

function textOf(insert: RowInsert, form: 'values' | 'json' | 'unnest', rows: number, table = insert.table): string {
  let byShape = texts.get(insert);
  if (!byShape) texts.set(insert, (byShape = new Map()));
  const shape = `${form}:${rows}:${table}`;
  let text = byShape.get(shape);
  if (text === undefined) {
    const names = insert.columns.map(([name]) => quoted(name)).join(', ');
    // SQLite: `WHERE true` lets an upsert clause follow a SELECT (its parser would take ON for a join's).
    const values = form === 'unnest'
      ? `select * from unnest(${insert.columns.map(([, type], c) => `$${c + 1}::${type}[]`).join(', ')})`
      : form === 'json'
        ? `select ${insert.columns.map((_, c) => `value ->> ${c}`).join(', ')} from json_each(?) where true`
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
