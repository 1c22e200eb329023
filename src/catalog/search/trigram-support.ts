import { sql, type Kysely } from 'kysely';

/**
 * The schema PostgreSQL's `pg_trgm` extension is installed in, or undefined when it is not installed.
 * Pave's own schema may be one of many in a database, so the extension's functions and operator class are
 * always named with this schema.
 */
export async function pgTrigramSchema(db: Kysely<any>): Promise<string | undefined> {
  const { rows } = await sql<{ schema: string }>`SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`.execute(db);
  return rows[0]?.schema;
}

/**
 * Installs `pg_trgm` when the server has it and the role may (it is a trusted extension: the database's
 * CREATE privilege is enough), in `public` so that dropping one Pave's schema leaves it for the others.
 * Concurrent installers wait on one advisory lock. Answers the schema it is in, or why it is not there.
 */
export async function ensurePgTrigram(db: Kysely<any>): Promise<{ schema: string } | { missing: string }> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('pave.pg_trgm'))`.execute(db);
  const installed = await pgTrigramSchema(db);
  if (installed) return { schema: installed };
  const { rows } = await sql<{ available: boolean; allowed: boolean; public: boolean }>`
    SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') AS available,
           has_database_privilege(current_database(), 'CREATE') AS allowed,
           EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') AS public`.execute(db);
  const facts = rows[0]!;
  if (!facts.available) return { missing: 'the server has no pg_trgm extension (install the PostgreSQL contrib package)' };
  if (!facts.allowed) return { missing: "Pave's role may not create extensions in this database (run CREATE EXTENSION pg_trgm as its owner)" };
  await sql`CREATE EXTENSION pg_trgm SCHEMA ${sql.id(facts.public ? 'public' : await currentSchema(db))}`.execute(db);
  return { schema: (await pgTrigramSchema(db))! };
}

async function currentSchema(db: Kysely<any>): Promise<string> {
  const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db);
  return rows[0]!.schema;
}
