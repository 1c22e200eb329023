/** One check of `/readyz`: passed, or what is wrong in words. */
export interface ReadinessCheck {
  readonly name: 'database' | 'migrations' | 'workers' | 'search' | 'shutdown';
  readonly ok: boolean;
  readonly detail?: string;
}

/** What readiness asks of the running app. */
export interface ReadinessSources {
  /** Resolves once the database answers. */
  ping(): Promise<void>;
  /** Migrations in the database that this build does not know (a newer Pave migrated it). */
  unknownMigrations(): Promise<string[]>;
  /** Registered background workers that do not run. */
  stoppedWorkers(): string[];
  /** True while the catalog's search warms up (a replica's first searches would otherwise hold every other request up). */
  searchWarming(): boolean;
  /** True once a SIGTERM began the shutdown: the load balancer should send no more. */
  shuttingDown(): boolean;
}

/**
 * Whether this replica should get traffic: the database answers, its schema is this build's (an older
 * replica facing a newer schema stops taking work instead of corrupting it), every worker runs, search has
 * warmed up, and no shutdown is under way. Every check runs, so a 503 names everything that is wrong.
 * @example const checks = await readiness(sources); checks.every(c => c.ok)
 */
export async function readiness(sources: ReadinessSources): Promise<ReadinessCheck[]> {
  const database = await sources.ping().then(
    (): ReadinessCheck => ({ name: 'database', ok: true }),
    (error: unknown): ReadinessCheck => ({ name: 'database', ok: false, detail: `the database does not answer: ${(error as Error).message.slice(0, 200)}` }),
  );
  const migrations: ReadinessCheck = !database.ok
    ? { name: 'migrations', ok: false, detail: 'not checked: the database does not answer' }
    : await sources.unknownMigrations().then(
        (newer): ReadinessCheck => (newer.length ? { name: 'migrations', ok: false, detail: `the database was migrated by a newer Pave (${newer.join(', ')}); this replica must be upgraded` } : { name: 'migrations', ok: true }),
        (error: unknown): ReadinessCheck => ({ name: 'migrations', ok: false, detail: (error as Error).message.slice(0, 200) }),
      );
  const stopped = sources.stoppedWorkers();
  const workers: ReadinessCheck = stopped.length ? { name: 'workers', ok: false, detail: `not running: ${stopped.join(', ')}` } : { name: 'workers', ok: true };
  const search: ReadinessCheck = sources.searchWarming() ? { name: 'search', ok: false, detail: 'warming up: holding the search documents, cutting their texts, reading the result fields' } : { name: 'search', ok: true };
  const shutdown: ReadinessCheck = sources.shuttingDown() ? { name: 'shutdown', ok: false, detail: 'shutting down: finishing the requests in flight and handing back work' } : { name: 'shutdown', ok: true };
  return [database, migrations, workers, search, shutdown];
}
