import type { Logger } from '../core/logger.js';

/** What the guard watches and stops. */
export interface SchemaGuardOptions {
  /** Migrations in the database this build does not know. */
  unknownMigrations(): Promise<string[]>;
  /** Stops every background worker of this process. */
  stopWorkers(): Promise<void>;
  logger?: Logger;
  /** How often it looks (default 30 s). */
  intervalMs?: number;
}

/**
 * The worker `operations.schema-guard`: while an older replica runs beside an upgraded one, it notices the
 * newer schema (one small query every 30 s) and stops this process's background work, saying why, so the old
 * code never writes to tables it does not understand; `/readyz` then fails, so traffic moves to the new replicas.
 * @example const guard = new SchemaGuard({ unknownMigrations, stopWorkers, logger }); guard.start();
 */
export class SchemaGuard {
  readonly #options: SchemaGuardOptions;
  #timer: NodeJS.Timeout | undefined;
  #newer: string[] = [];

  constructor(options: SchemaGuardOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.check().catch(() => undefined), this.#options.intervalMs ?? 30_000).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Looks once; when a newer Pave migrated the database, stops the workers. Returns the unknown migrations. */
  async check(): Promise<string[]> {
    const newer = await this.#options.unknownMigrations();
    if (newer.length && !this.#newer.length) {
      this.#newer = newer;
      this.#options.logger?.error({ migrations: newer }, `the database was migrated by a newer Pave (${newer.join(', ')}): this replica stops its background work and reports not ready; upgrade it`);
      await this.#options.stopWorkers();
    }
    return newer;
  }
}
