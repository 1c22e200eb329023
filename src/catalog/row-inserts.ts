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
 * Rows per statement on SQLite, sent as one JSON text: a chunk's ~4,000 search rows in one statement to the write
 * connection's worker thread (store/sqlite-write-dialect.ts), one string to copy there instead of ~16,000 values.
 */
const SQLITE_ROWS_PER_STATEMENT = 8_192;
/** Rows per statement on PostgreSQL (one array parameter per column, whatever the count). */
const POSTGRES_ROWS_PER_STATEMENT = 10_000;

/**
 * The statements that insert rows given as arrays of values, in SQL whose text is made once per table instead of being
 * built and compiled by the query builder for every batch (compiling 30,000-parameter inserts was ~0.9 s of a
 * 15.7k-entity first load). SQLite: `INSERT … SELECT value->>0, … FROM json_each(?)` over the rows as one JSON text,
 * taken apart by SQLite in the write worker. PostgreSQL: `INSERT … SELECT FROM unnest($1::text[], …)`, one array
 * parameter per column. Either way a statement's text is the same for any number of rows. Into the table's staging
 * table while a large write gathers its rows there (staged-rows.ts). None for no rows.
 * @example await runInOrder(trx, 'sqlite', rowInserts(trx, 'sqlite', RELATIONS, [['e1', 'component:default/a', 'ownedBy', 'group:default/t']]));
 */
export function rowInserts(db: Db, dialect: DialectName, insert: RowInsert, rows: ReadonlyArray<readonly ColumnValue[]>): CompiledQuery[] {
  const table = insertTarget(db, insert.table);
  const text = textOf(insert, dialect, table);
  const perStatement = dialect === 'postgres' ? POSTGRES_ROWS_PER_STATEMENT : SQLITE_ROWS_PER_STATEMENT;
  const statements: CompiledQuery[] = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const batch = rows.slice(i, i + perStatement);
    const parameters = dialect === 'postgres' ? insert.columns.map((_, c) => batch.map(row => row[c]!)) : [JSON.stringify(batch)];
    statements.push(CompiledQuery.raw(text, parameters));
  }
  return statements;
}

/** Statement texts by insert, dialect and target table. */
const texts = new WeakMap<RowInsert, Map<string, string>>();

function textOf(insert: RowInsert, dialect: DialectName, table = insert.table): string {
  let byShape = texts.get(insert);
  if (!byShape) texts.set(insert, (byShape = new Map()));
  const shape = `${dialect}:${table}`;
  let text = byShape.get(shape);
  if (text === undefined) {
    const names = insert.columns.map(([name]) => quoted(name)).join(', ');
    // SQLite: `WHERE true` lets an upsert clause follow a SELECT (its parser would take ON for a join's).
    const values = dialect === 'postgres'
      ? `select * from unnest(${insert.columns.map(([, type], c) => `$${c + 1}::${type}[]`).join(', ')})`
      : `select ${insert.columns.map((_, c) => `value ->> ${c}`).join(', ')} from json_each(?) where true`;
    const conflict = insert.updateOnConflict
      ? ` on conflict (${quoted(insert.updateOnConflict.conflictKey)}) do update set ${insert.updateOnConflict.columns.map(name => `${quoted(name)} = excluded.${quoted(name)}`).join(', ')}`
      : '';
    text = `insert into ${quoted(table)} (${names}) ${values}${conflict}`;
    byShape.set(shape, text);
  }
  return text;
}

const quoted = (name: string): string => `"${name}"`;
