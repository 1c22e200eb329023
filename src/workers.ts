import type { Logger } from './core/logger.js';
import type { BackgroundWorker } from './pave-module.js';

/**
 * Every module's background work, with one lifecycle: `pave serve` starts them all, tests and commands the
 * ones they need, and `app.close()` stops what runs (in reverse order of starting, so consumers stop
 * before what they feed).
 * @example await app.workers.start(['templates.tasks']); … await app.workers.stop();
 */
export class Workers {
  readonly #all = new Map<string, BackgroundWorker>();
  readonly #running: BackgroundWorker[] = [];
  readonly #logger: Logger | undefined;

  constructor(logger?: Logger) {
    this.#logger = logger;
  }

  add(worker: BackgroundWorker): void {
    if (this.#all.has(worker.name)) throw new Error(`A worker named ${worker.name} is registered already`);
    this.#all.set(worker.name, worker);
  }

  /** The registered workers' names, e.g. `catalog.refresh`, `platform.reconciler`. */
  names(): string[] {
    return [...this.#all.keys()];
  }

  /** Whether a worker runs now. */
  running(name: string): boolean {
    return this.#running.some(worker => worker.name === name);
  }

  /** Starts the named workers (all when none are named) that are not running yet. An unknown name is an error. */
  async start(names?: readonly string[]): Promise<void> {
    const unknown = (names ?? []).filter(name => !this.#all.has(name));
    if (unknown.length) throw new Error(`No worker named ${unknown.join(', ')} (there are ${this.names().join(', ')})`);
    for (const worker of this.#all.values()) {
      if ((names && !names.includes(worker.name)) || this.running(worker.name)) continue;
      await worker.start();
      this.#running.push(worker);
      this.#logger?.debug({ worker: worker.name }, 'worker started');
    }
  }

  /** Stops every running worker, last started first. */
  async stop(): Promise<void> {
    while (this.#running.length) {
      const worker = this.#running.pop()!;
      await worker.stop();
    }
  }
}
