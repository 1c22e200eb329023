import { sql, type DatabaseIntrospector, type DatabaseMetadata, type Kysely, type SchemaMetadata, type TableMetadata } from 'kysely';

/**
 * Kysely's PostgreSQL introspector reads every table of every schema and resolves each by name, so a
 * schema another process drops meanwhile fails it ("schema … does not exist") — and the migrator asks
 * it on every start. Pave only ever needs its own schema (the connection's search_path), so this one
 * lists the tables there, by catalog ids, and nothing else.
 */
export class CurrentSchemaIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<any>;

  constructor(db: Kysely<any>) {
    this.#db = db;
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`SELECT nspname AS name FROM pg_catalog.pg_namespace`.execute(this.#db);
    return rows;
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; schema: string; kind: string }>`
      SELECT c.relname AS name, n.nspname AS schema, c.relkind AS kind
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.oid = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())
        AND c.relkind IN ('r', 'v', 'p')`.execute(this.#db);
    // Columns are left out: the migrator asks only whether its tables exist.
    return rows.map(row => ({ name: row.name, schema: row.schema, isView: row.kind === 'v', columns: [] }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}
