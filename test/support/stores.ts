import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Store } from '../../src/store/store.js';
import { moduleMigrations } from '../../src/modules.js';
import { SqliteStoreDialect } from '../../src/store/sqlite-dialect.js';
import { PostgresStoreDialect } from '../../src/store/postgres-dialect.js';
import { POSTGRES_URL, requireAll } from './require-all.js';

/** A store for one test, and how to throw it away. */
export interface TestStore {
  store: Store;
  /** Opens the same database a second time (as a second replica or a restart would). */
  reopen(): Promise<Store>;
  dispose(): Promise<void>;
}

export interface StoreFactory {
  name: 'sqlite' | 'postgres';
  /** Why this store cannot run here, or undefined when it can. */
  unavailable?: string;
  open(): Promise<TestStore>;
}

/** A real SQLite file in a temporary folder. */
export const sqliteFactory: StoreFactory = {
  name: 'sqlite',
  async open() {
    const dir = await mkdtemp(join(tmpdir(), 'pave-store-'));
    const dialect = new SqliteStoreDialect({ file: join(dir, 'pave.db') });
    const store = await Store.open(dialect, { migrations: moduleMigrations() });
    return { store, reopen: () => Store.open(dialect, { migrations: moduleMigrations() }), dispose: async () => (await store.close(), await rm(dir, { recursive: true, force: true })) };
  },
};

/** A fresh schema in the real PostgreSQL server, dropped afterwards. */
export async function postgresFactory(): Promise<StoreFactory> {
  const reason = await postgresUnavailable();
  if (reason && requireAll) throw new Error(`PostgreSQL is required (PAVE_REQUIRE_ALL=1) but unreachable at ${POSTGRES_URL}: ${reason}`);
  return {
    name: 'postgres',
    unavailable: reason,
    async open() {
      const schema = `pave_test_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
      await adminQuery(`CREATE SCHEMA ${schema}`);
      const dialect = new PostgresStoreDialect({ url: POSTGRES_URL, schema });
      const store = await Store.open(dialect, { migrations: moduleMigrations() });
      return {
        store,
        reopen: () => Store.open(dialect, { migrations: moduleMigrations() }),
        dispose: async () => {
          await store.close();
          await adminQuery(`DROP SCHEMA ${schema} CASCADE`);
        },
      };
    },
  };
}

/** Where an app-level test runs Pave: its own SQLite file, or a PostgreSQL schema of its own (`drop` removes it). */
export interface AppBackend {
  name: 'sqlite' | 'postgres';
  /** Why this backend cannot run here (PostgreSQL unreachable and not required). */
  skip: string | undefined;
  /** The app config that puts a new Pave on this backend. */
  config(): Promise<{ config: { databaseUrl?: string; databaseSchema?: string }; drop: () => Promise<void> }>;
}

/** SQLite and PostgreSQL, for tests that start whole apps; `prefix` names each PostgreSQL schema (`pave_scope`). */
export async function appBackends(prefix: string): Promise<AppBackend[]> {
  const postgres = await postgresFactory();
  return [
    { name: 'sqlite', skip: undefined, config: async () => ({ config: {}, drop: async () => undefined }) },
    {
      name: 'postgres',
      skip: postgres.unavailable,
      config: async () => {
        const schema = `${prefix}_${Date.now()}_${Math.random().toString(36).slice(2, 7)}`;
        await adminQuery(`CREATE SCHEMA ${schema}`);
        return { config: { databaseUrl: POSTGRES_URL, databaseSchema: schema }, drop: () => adminQuery(`DROP SCHEMA ${schema} CASCADE`) };
      },
    },
  ];
}

export async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function postgresUnavailable(): Promise<string | undefined> {
  try {
    await adminQuery('SELECT 1');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
