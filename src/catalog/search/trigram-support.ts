import { sql, type Kysely } from 'kysely';

const INDEX = 'search_documents_trgm_idx';

/**
 * Makes PostgreSQL index search documents by trigrams (migration 0036): installs `pg_trgm` when the server
 * has it and the role may (it is a trusted extension: the database's CREATE privilege is enough) — in
 * `public`, so that dropping one Pave's schema leaves it for the others — and creates the index in Pave's
 * schema. Run it in a transaction: databases shared by several Paves wait on one advisory lock. Answers why
 * not, when it cannot.
 * @example await ensureTrigramIndex(trx) // { indexed: true }
 */
export async function ensureTrigramIndex(db: Kysely<any>): Promise<{ indexed: true } | { missing: string }> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('pave.pg_trgm'))`.execute(db);
  let schema = await trigramSchema(db);
  const facts = schema ? undefined : await extensionFacts(db);
  const missing = facts && whyNoExtension(facts);
  if (missing) return { missing };
  // The checks above cannot see every refusal (a PostgreSQL before 13 wants a superuser, a schema may be
  // closed to the role): a failure is undone to here, so it costs the index and not the other migrations.
  await sql`SAVEPOINT pave_trgm`.execute(db);
  try {
    if (!schema) {
      await sql`CREATE EXTENSION pg_trgm SCHEMA ${sql.id(facts!.public ? 'public' : (await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db)).rows[0]!.schema)}`.execute(db);
      schema = (await trigramSchema(db))!;
    }
    // Pave's schema may be one of many in the database, so the operator class is named with its schema.
    await sql`CREATE INDEX IF NOT EXISTS ${sql.id(INDEX)} ON search_documents USING gin (search_text ${sql.id(schema, 'gin_trgm_ops')})`.execute(db);
  } catch (error) {
    await sql`ROLLBACK TO SAVEPOINT pave_trgm`.execute(db);
    return { missing: `the server refused it: ${(error as Error).message}` };
  }
  await sql`RELEASE SAVEPOINT pave_trgm`.execute(db);
  return { indexed: true };
}

/**
 * Whether search documents have their trigram index in the connection's schema, read without changing
 * anything (the index is the migration's to make; search no longer reads it, see document-words.ts). Answers
 * why not, when they do not.
 * @example await trigramIndexState(store.db) // { missing: 'the server has no pg_trgm extension (PostgreSQL contrib)' }
 */
export async function trigramIndexState(db: Kysely<any>): Promise<{ indexed: true } | { missing: string }> {
  const { rows } = await sql<{ found: boolean }>`SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ${INDEX}) AS found`.execute(db);
  if (rows[0]!.found) return { indexed: true };
  if (await trigramSchema(db)) return { missing: 'pg_trgm was installed after Pave migrated its database, so the index was not made' };
  return { missing: whyNoExtension(await extensionFacts(db)) ?? "pg_trgm was not installed when Pave migrated its database, or the server refused it to Pave's role" };
}

interface ExtensionFacts {
  available: boolean;
  allowed: boolean;
  public: boolean;
}

async function extensionFacts(db: Kysely<any>): Promise<ExtensionFacts> {
  const { rows } = await sql<ExtensionFacts>`
    SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') AS available,
           has_database_privilege(current_database(), 'CREATE') AS allowed,
           EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') AS public`.execute(db);
  return rows[0]!;
}

function whyNoExtension(facts: ExtensionFacts): string | undefined {
  if (!facts.available) return 'the server has no pg_trgm extension (PostgreSQL contrib)';
  if (!facts.allowed) return "Pave's database role may not create extensions in this database";
  return undefined;
}

async function trigramSchema(db: Kysely<any>): Promise<string | undefined> {
  const { rows } = await sql<{ schema: string }>`SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`.execute(db);
  return rows[0]?.schema;
}
