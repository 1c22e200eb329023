import { PostgresDialect as KyselyPostgresDialect, type DatabaseIntrospector, type Dialect, type Kysely } from 'kysely';
import type { Logger } from '../core/logger.js';
import type { StoreDialect } from './dialect.js';
import type { EventBus } from './event-bus.js';
import { PostgresEventBus } from './postgres-event-bus.js';
import { CurrentSchemaIntrospector } from './schema-introspector.js';

/**
 * PostgreSQL, for several replicas sharing one database.
 * @example new PostgresStoreDialect({ url: 'postgres://postgres@127.0.0.1:5432/test' })
 */
export class PostgresStoreDialect implements StoreDialect {
  readonly name = 'postgres' as const;
  readonly #url: string;
  readonly schema: string | undefined;

  /** `schema` isolates one Pave (or one test run) inside a shared database. */
  constructor(config: { url: string; schema?: string; poolSize?: number }) {
    this.#url = config.url;
    this.schema = config.schema;
  }

  get description(): string {
    const url = new URL(this.#url);
    return `postgres://${url.host}${url.pathname}${this.schema ? ` (schema ${this.schema})` : ''}`;
  }

  createKyselyDialect(): Dialect {
    const options = { connectionString: this.#url, max: 10, ...(this.schema ? { options: `-c search_path=${this.schema}` } : {}) };
    // The driver loads on first connection: a process on SQLite (every local CLI command) never reads it.
    return new SchemaScopedPostgresDialect({ pool: async () => new (await import('pg')).default.Pool(options) });
  }

  /** LISTEN/NOTIFY, so a watcher connected to one replica hears what the others do. */
  createEventBus(options: { logger?: Logger } = {}): EventBus {
    return new PostgresEventBus({ url: this.#url, schema: this.schema, ...options });
  }
}

/** Kysely's PostgreSQL dialect with introspection confined to the connection's own schema. */
class SchemaScopedPostgresDialect extends KyselyPostgresDialect {
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}
