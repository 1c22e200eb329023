import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresFactory, type TestStore } from '../support/stores.js';
import { requireAll } from '../support/require-all.js';

const postgres = await postgresFactory();

/**
 * Migration 0050 drops the pg_trgm index over search documents that 0036 used to make (search reads the documents'
 * words held per state instead): a database migrated by an older Pave, index and all, loses it on upgrade, keeps
 * its documents, and a fresh one never has it.
 */
describe.skipIf(Boolean(postgres.unavailable) && !requireAll)('Migration 0050: no trigram index over search documents (PostgreSQL)', () => {
  let opened: TestStore;
  beforeAll(async () => (opened = await postgres.open()));
  afterAll(() => opened.dispose());

  const hasIndex = async (store: TestStore['store']) =>
    (await sql<{ found: boolean }>`SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'search_documents_trgm_idx') AS found`.execute(store.db)).rows[0]!.found;

  it('a fresh database has no such index', async () => {
    expect(await hasIndex(opened.store)).toBe(false);
  });

  it('an older database with the index loses it on upgrade and keeps its search documents', async () => {
    const { store } = opened;
    // The database as 0036 left it, before 0050 ran: pg_trgm in public, the index in Pave's schema, a document.
    await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public`.execute(store.db);
    await sql`CREATE INDEX search_documents_trgm_idx ON search_documents USING gin (search_text public.gin_trgm_ops)`.execute(store.db);
    const before = (await sql<{ n: string }>`SELECT count(*) AS n FROM search_documents`.execute(store.db)).rows[0]!.n;
    // Migrations after it are forgotten too (Kysely runs only migrations after the last one run), and run again.
    await sql`DELETE FROM kysely_migration WHERE name >= '0050-no-trigram-index'`.execute(store.db);
    expect(await hasIndex(store)).toBe(true);

    const upgraded = await opened.reopen();
    try {
      expect(await hasIndex(upgraded)).toBe(false);
      expect((await sql<{ name: string }>`SELECT name FROM kysely_migration WHERE name = '0050-no-trigram-index'`.execute(upgraded.db)).rows).toHaveLength(1);
      expect((await sql<{ n: string }>`SELECT count(*) AS n FROM search_documents`.execute(upgraded.db)).rows[0]!.n).toBe(before);
    } finally {
      await upgraded.close();
    }
  });
});
