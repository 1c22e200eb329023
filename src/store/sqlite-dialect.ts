import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { SqliteDialect as KyselySqliteDialect, type Dialect } from 'kysely';
import type { Logger } from '../core/logger.js';
import type { StoreDialect } from './dialect.js';
import { InProcessEventBus, type EventBus } from './event-bus.js';
import { withStatementCache } from './statement-cache.js';
import { SqliteWriteDialect } from './sqlite-write-dialect.js';
import { WalCheckpointer } from './wal-checkpoint.js';

/**
 * The embedded default: one SQLite file (WAL mode, so readers never wait for the writer).
 * @example new SqliteStoreDialect({ file: '.pave/pave.db' })
 */
export class SqliteStoreDialect implements StoreDialect {
  readonly name = 'sqlite' as const;
  readonly #file: string;

  constructor(config: { file: string }) {
    this.#file = config.file;
  }

  get description(): string {
    return `sqlite:${this.#file}`;
  }

  /** The write connection, in a worker thread (sqlite-write-dialect.ts), where its pragmas are set. */
  createKyselyDialect(): Dialect {
    if (this.#file !== ':memory:') mkdirSync(dirname(this.#file), { recursive: true });
    return new SqliteWriteDialect(this.#file);
  }

  /**
   * Kysely's SQLite driver has one connection, which a transaction holds until it commits: a 100k-entity
   * refresh kept by-name and even the health check waiting for it. A read-only connection of its own (WAL:
   * it reads the last committed state while the writer works) answers reads meanwhile. None for `:memory:`
   * (a second connection would open another, empty database).
   */
  createReadDialect(): Dialect | undefined {
    if (this.#file === ':memory:') return undefined;
    const database = new SqliteDatabase(this.#file, { readonly: true });
    database.pragma('busy_timeout = 5000');
    database.pragma('cache_size = -16384');
    return new KyselySqliteDialect({ database: withStatementCache(database) });
  }

  /** None for `:memory:`, which has no WAL. */
  createWalCheckpointer(): WalCheckpointer | undefined {
    return this.#file === ':memory:' ? undefined : new WalCheckpointer(this.#file);
  }

  /** One process owns the file's events: other processes on the same file read what they need from it. */
  createEventBus(options: { logger?: Logger } = {}): EventBus {
    return new InProcessEventBus(options);
  }
}
