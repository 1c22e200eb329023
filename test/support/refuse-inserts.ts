import { sql } from 'kysely';
import type { Store } from '../../src/store/store.js';

/**
 * Makes the database itself refuse inserts into `table` of rows whose `column` equals `value` (a trigger that
 * raises "injected failure"), on SQLite or PostgreSQL: how a test makes a store error happen in the middle of
 * a change, after the rows written before it. Returns what removes the trigger.
 * @example const restore = await refuseInserts(app.store, 'events', 'type', 'platform.request.applied'); … await restore();
 */
export async function refuseInserts(store: Store, table: string, column: string, value: string): Promise<() => Promise<void>> {
  const name = `pave_test_refuse_${table}_${Math.random().toString(36).slice(2, 8)}`;
  const literal = `'${value.replace(/'/g, "''")}'`;
  if (store.dialect === 'sqlite') {
    await sql.raw(`CREATE TRIGGER ${name} BEFORE INSERT ON ${table} WHEN NEW.${column} = ${literal} BEGIN SELECT RAISE(ABORT, 'injected failure'); END`).execute(store.db);
    return async () => void (await sql.raw(`DROP TRIGGER ${name}`).execute(store.db));
  }
  await sql.raw(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`).execute(store.db);
  await sql.raw(`CREATE TRIGGER ${name} BEFORE INSERT ON ${table} FOR EACH ROW WHEN (NEW.${column} = ${literal}) EXECUTE FUNCTION ${name}()`).execute(store.db);
  return async () => {
    await sql.raw(`DROP TRIGGER ${name} ON ${table}`).execute(store.db);
    await sql.raw(`DROP FUNCTION ${name}()`).execute(store.db);
  };
}
