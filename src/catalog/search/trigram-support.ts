import { sql, type Kysely } from 'kysely';

/**
 * Makes sure PostgreSQL indexes search documents by trigrams: installs `pg_trgm` when the server has it
 * and the role may (it is a trusted extension: the database's CREATE privilege is enough) — in `public`,
 * so that dropping one Pave's schema leaves it for the others — and creates the index in Pave's schema.
 * Run it in a transaction: concurrent replicas wait on one advisory lock. Answers why not, when it cannot.
 * @example const trigram = await store.transaction(trx => ensureTrigramIndex(trx));
 */
export async function ensureTrigramIndex(db: Kysely<any>): Promise<{ indexed: true } | { missing: string }> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('pave.pg_trgm'))`.execute(db);
  let schema = await trigramSchema(db);
  if (!schema) {
    const { rows } = await sql<{ available: boolean; allowed: boolean; public: boolean }>`
      SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') AS available,
             has_database_privilege(current_database(), 'CREATE') AS allowed,
             EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') AS public`.execute(db);
    const facts = rows[0]!;
    if (!facts.available) return { missing: 'the server has no pg_trgm extension (PostgreSQL contrib)' };
    if (!facts.allowed) return { missing: "Pave's database role may not create extensions in this database" };
    await sql`CREATE EXTENSION pg_trgm SCHEMA ${sql.id(facts.public ? 'public' : (await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db)).rows[0]!.schema)}`.execute(db);
    schema = (await trigramSchema(db))!;
  }
  // Pave's schema may be one of many in the database, so the operator class is named with its schema.
  await sql`CREATE INDEX IF NOT EXISTS search_documents_trgm_idx ON search_documents USING gin (search_text ${sql.id(schema, 'gin_trgm_ops')})`.execute(db);
  return { indexed: true };
}

async function trigramSchema(db: Kysely<any>): Promise<string | undefined> {
  const { rows } = await sql<{ schema: string }>`SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`.execute(db);
  return rows[0]?.schema;
}
