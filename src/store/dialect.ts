import type { Dialect } from 'kysely';
import type { Logger } from '../core/logger.js';
import type { EventBus } from './event-bus.js';
import type { WalCheckpointer } from './wal-checkpoint.js';

/** The two databases Pave runs on. Code that must differ by database switches on this name. */
export type DialectName = 'sqlite' | 'postgres';

/**
 * A database Pave can store into: hands out a Kysely dialect and knows its own quirks.
 * One small class per database (sqlite-dialect.ts, postgres-dialect.ts).
 */
export interface StoreDialect {
  readonly name: DialectName;
  /** A short description for logs, without credentials. */
  readonly description: string;
  /** The schema Pave's tables live in, when not the database's default. */
  readonly schema?: string;
  createKyselyDialect(): Dialect;
  /**
   * A second, read-only connection for reads that need not wait for a write transaction (`Store.reads`),
   * when the database would otherwise make them wait; undefined to read through the first.
   */
  createReadDialect?(): Dialect | undefined;
  /** Checkpoints the database's write-ahead log off the main thread after large writes (see wal-checkpoint.ts); none elsewhere. */
  createWalCheckpointer?(): WalCheckpointer | undefined;
  /** The bus that carries events between the processes sharing this database (see event-bus.ts). */
  createEventBus(options?: { logger?: Logger }): EventBus;
}
