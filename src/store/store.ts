import { Kysely, Migrator, sql, type Dialect, type MigrationProvider, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { DialectName, StoreDialect } from './dialect.js';
import type { EventBus } from './event-bus.js';
import type { Logger } from '../core/logger.js';
import { storeMigrations } from './migrations/index.js';
import type { Migration } from './migrations/migration.js';
import { SqliteStoreDialect } from './sqlite-dialect.js';
import { PostgresStoreDialect } from './postgres-dialect.js';
import { unavailable } from '../core/problem.js';
import type { WalCheckpointer } from './wal-checkpoint.js';

export type Db = Kysely<Database> | Transaction<Database>;

/**
 * The store: a migrated database and the dialect it runs on. Every module queries
 * through `store.db`; `transaction` makes a group of writes all-or-nothing.
 */
export class Store {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  readonly description: string;
  /** Events between the processes sharing this store (in-process on SQLite, LISTEN/NOTIFY on PostgreSQL). */
  readonly events: EventBus;
  readonly #schema: string | undefined;
  readonly #afterCommit = new WeakMap<Transaction<Database>, Array<() => void>>();
  readonly #beforeCommit = new WeakMap<Transaction<Database>, Map<string, () => Promise<void>>>();
  #migrationNames: readonly string[] = [];
  #reads: Kysely<Database>;
  readonly #checkpointer: WalCheckpointer | undefined;
  /** Large writes running or whose checkpoint is under way: SQLite's automatic checkpoint is off while there are any. */
  #largeWrites = 0;
  /** The connection's own automatic-checkpoint threshold (pages), read before the first large write turns it off. */
  #autocheckpoint: number | undefined;
  #checkpoints: Promise<void> = Promise.resolve();
  /**
   * The checkpoint queued behind the one under way, with the large writes it will cover: a stream of large writes
   * (batches of delivery events) queues one checkpoint at a time, not one each.
   */
  #queuedCheckpoint: { writes: number } | undefined;
  /** Set by `close`: a large write that commits after it leaves the WAL to the closing connection's own checkpoint. */
  #closing = false;
  /** Opens the extra read-only connection of a long snapshot read (`snapshot`); none where `reads` already is one. */
  readonly #snapshotDialect: (() => Dialect | undefined) | undefined;

  private constructor(db: Kysely<Database>, dialect: StoreDialect, options: { logger?: Logger }) {
    this.db = db;
    this.#snapshotDialect = dialect.createReadDialect?.bind(dialect);
    this.#reads = db;
    this.dialect = dialect.name;
    this.description = dialect.description;
    this.#schema = dialect.schema;
    this.events = dialect.createEventBus(options);
    this.#checkpointer = dialect.createWalCheckpointer?.();
  }

  /**
   * Opens and migrates a store: its own tables and the modules' (`migrations`, in any order: they run by
   * name, and numbers are global).
   * @example const store = await Store.open(new SqliteStoreDialect({ file: '.pave/pave.db' }), { migrations: moduleMigrations() });
   */
  static async open(dialect: StoreDialect, options: { logger?: Logger; migrations?: readonly Migration[] } = {}): Promise<Store> {
    const db = new Kysely<Database>({ dialect: dialect.createKyselyDialect() });
    const store = new Store(db, dialect, options);
    try {
      await store.migrate([...storeMigrations, ...(options.migrations ?? [])]);
      // Opened once the schema is in place.
      const reads = dialect.createReadDialect?.();
      if (reads) store.#reads = new Kysely<Database>({ dialect: reads });
    } catch (error) {
      await db.destroy().catch(() => undefined);
      throw unavailable(`Could not open the store at ${dialect.description}: ${(error as Error).message}`);
    }
    return store;
  }

  /**
   * For reads outside any transaction that may run while a write transaction is open: on SQLite a
   * read-only connection of its own (they see what is committed); elsewhere `db` itself.
   */
  get reads(): Kysely<Database> {
    return this.#reads;
  }

  /**
   * Runs `work`, a long read of several statements that may yield to the event loop between them, on one snapshot
   * of the database, without holding a connection other reads wait for: on SQLite a read-only connection opened for
   * it (SQLite's one read connection, held across the yields, would queue every catalog read and the readiness
   * probe behind it); on PostgreSQL a repeatable-read transaction on the pool.
   * @example const facts = await store.snapshot(async db => readPages(db));
   */
  async snapshot<T>(work: (db: Transaction<Database>) => Promise<T>): Promise<T> {
    if (this.dialect === 'postgres') return this.reads.transaction().setIsolationLevel('repeatable read').execute(work);
    const own = this.#reads !== this.db ? this.#snapshotDialect?.() : undefined;
    if (!own) return this.reads.transaction().execute(work);
    const db = new Kysely<Database>({ dialect: own });
    try {
      return await db.transaction().execute(work);
    } finally {
      await db.destroy();
    }
  }

  /**
   * Runs `work` in one transaction; what `beforeCommit` registered in it runs, inside it, once `work` is done,
   * and what `afterCommit` registered runs once it has committed. A `large` write (a first load of thousands of
   * entities, a batch of delivery events) on SQLite commits without checkpointing the WAL on this thread: a worker
   * thread does it next (wal-checkpoint.ts; large writes ending while one is queued share it), and the automatic
   * checkpoint is back once no large write is running or being checkpointed.
   */
  async transaction<T>(work: (trx: Transaction<Database>) => Promise<T>, options: { large?: boolean } = {}): Promise<T> {
    const committed: Array<() => void> = [];
    const large = options.large === true && this.#checkpointer !== undefined;
    if (large) this.#largeWrites++;
    let result: T;
    try {
      result = await this.db.transaction().execute(async trx => {
        if (large && this.#autocheckpoint === undefined) this.#autocheckpoint = Number((await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(trx)).rows[0]?.wal_autocheckpoint ?? 1000);
        if (large) await sql`PRAGMA wal_autocheckpoint = 0`.execute(trx);
        const last = new Map<string, () => Promise<void>>();
        this.#afterCommit.set(trx, committed);
        this.#beforeCommit.set(trx, last);
        const result = await work(trx);
        for (const task of last.values()) await task();
        return result;
      });
    } finally {
      if (large) this.#checkpointAfterLargeWrite();
    }
    for (const callback of committed) {
      try {
        callback();
      } catch {
        // After commit nothing may undo the change: a failing notification only delays readers until they poll.
      }
    }
    return result;
  }

  /** Resolves once the checkpoints after large writes so far are done (and the automatic checkpoint is back). */
  async checkpointed(): Promise<void> {
    for (let seen; seen !== this.#checkpoints; ) await (seen = this.#checkpoints);
  }

  #checkpointAfterLargeWrite(): void {
    const checkpointer = this.#checkpointer!;
    if (this.#closing) {
      // No worker may open the file once close has begun; the last connection to close checkpoints the WAL.
      this.#largeWrites--;
      return;
    }
    if (this.#queuedCheckpoint) {
      this.#queuedCheckpoint.writes++;
      return;
    }
    const queued = { writes: 1 };
    this.#queuedCheckpoint = queued;
    this.#checkpoints = this.#checkpoints.then(async () => {
      // From here a write that ends needs a checkpoint after this one: its pages may come after what this one copies.
      this.#queuedCheckpoint = undefined;
      // A failed checkpoint leaves the WAL as it is: the automatic checkpoint, back below, copies it at a later commit.
      await checkpointer.checkpoint().catch(() => undefined);
      this.#largeWrites -= queued.writes;
      if (this.#largeWrites === 0) await sql.raw(`PRAGMA wal_autocheckpoint = ${this.#autocheckpoint ?? 1000}`).execute(this.db);
    }).catch(() => undefined); // only a closed connection refuses the pragma: nothing is left to checkpoint for then
  }

  /**
   * Runs `callback` once the transaction `db` belongs to has committed (never if it rolls back); at once when
   * `db` is not one of this store's transactions.
   * @example store.afterCommit(trx, () => store.events.publish('events.appended', { seq }));
   */
  afterCommit(db: Db, callback: () => void): void {
    const pending = this.#afterCommit.get(db as Transaction<Database>);
    if (pending) pending.push(callback);
    else callback();
  }

  /**
   * Runs `task` as the last work of the transaction `db` belongs to, once however often it is registered under
   * `key` (the first registration's task runs); at once when `db` is not one of this store's transactions. For
   * a write to a row every writer shares (a counter): taken last, its lock is held only for the commit, and no
   * writer holds it while it waits for other rows, so it cannot join a deadlock.
   * @example await store.beforeCommit(trx, 'catalog-state', () => advance(trx));
   */
  async beforeCommit(db: Db, key: string, task: () => Promise<void>): Promise<void> {
    const pending = this.#beforeCommit.get(db as Transaction<Database>);
    if (!pending) return task();
    if (!pending.has(key)) pending.set(key, task);
  }

  /** Answers once the database answers a query (health checks). */
  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.reads);
  }

  async close(): Promise<void> {
    this.#closing = true;
    await this.events.close();
    await this.checkpointed();
    await this.#checkpointer?.close();
    // The writer last: the last connection to close checkpoints the WAL.
    if (this.reads !== this.db) await this.reads.destroy();
    await this.db.destroy();
  }

  /**
   * Migrations applied to the database that this build does not know: a newer Pave migrated it. Empty
   * when the schema is this build's (readiness checks it, so an older replica stops taking traffic).
   */
  async unknownMigrations(known: readonly string[]): Promise<string[]> {
    const table = this.#schema ? sql.table(`${this.#schema}.kysely_migration`) : sql.table('kysely_migration');
    try {
      const { rows } = await sql<{ name: string }>`SELECT name FROM ${table}`.execute(this.db);
      const names = new Set(known);
      return rows.map(row => row.name).filter(name => !names.has(name)).sort();
    } catch {
      return []; // no migration table yet: a new database
    }
  }

  /** The names of the migrations this store was opened with (readiness compares them with the database's). */
  get migrationNames(): readonly string[] {
    return this.#migrationNames;
  }

  private async migrate(migrations: readonly Migration[]): Promise<void> {
    this.#migrationNames = migrations.map(m => m.name);
    const newer = await this.unknownMigrations(this.#migrationNames);
    if (newer.length) {
      throw new Error(
        `the database was migrated by a newer Pave (migration${newer.length > 1 ? 's' : ''} ${newer.join(', ')} unknown to this build); refusing to run against it. Run that Pave version or newer, or restore a backup taken before the upgrade`,
      );
    }
    const dialect = this.dialect;
    const provider: MigrationProvider = {
      async getMigrations() {
        return Object.fromEntries(migrations.map(m => [m.name, { up: (db: Kysely<any>) => m.up(db, dialect) }]));
      },
    };
    const { error } = await new Migrator({ db: this.db, provider, ...(this.#schema ? { migrationTableSchema: this.#schema } : {}) }).migrateToLatest();
    if (error) throw error;
  }
}

/** Chooses the dialect from configuration: PostgreSQL when a URL is given, else a SQLite file. */
export function dialectFor(config: { databaseUrl?: string; databaseSchema?: string; sqliteFile: string }): StoreDialect {
  if (config.databaseUrl) return new PostgresStoreDialect({ url: config.databaseUrl, schema: config.databaseSchema });
  return new SqliteStoreDialect({ file: config.sqliteFile });
}
