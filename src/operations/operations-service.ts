import type { OperationsConfig } from './operations-config.js';
import { METRIC_EVENT_TYPES, PaveMetrics } from './pave-metrics.js';
import type { MetricSources } from './metric-sources.js';
import { readiness, type ReadinessCheck, type ReadinessSources } from './readiness.js';
import { onOperationTiming } from '../core/operation-timings.js';
import type { EventLog } from '../store/event-log.js';
import type { Logger } from '../core/logger.js';
import { SchemaGuard } from './schema-guard.js';

export interface OperationsServiceOptions {
  config: OperationsConfig;
  eventLog: EventLog;
  metricSources: MetricSources;
  readiness: Omit<ReadinessSources, 'shuttingDown'>;
  /** Stops every background worker of this process (the schema guard's answer to a newer schema). */
  stopWorkers: () => Promise<void>;
  logger?: Logger;
}

/**
 * What a platform team operates Pave with: the metrics (fed by this process's events and timed operations),
 * readiness, and the shutdown state a SIGTERM sets.
 * @example const ops = new OperationsService({ config, eventLog, metricSources, readiness }); await ops.ready();
 */
export class OperationsService {
  readonly config: OperationsConfig;
  readonly metrics: PaveMetrics;
  /** The worker that stops this replica's background work once a newer Pave migrated the database. */
  readonly schemaGuard: SchemaGuard;
  readonly #readiness: ReadinessSources;
  readonly #unsubscribe: Array<() => void>;
  #shuttingDown = false;

  constructor(options: OperationsServiceOptions) {
    this.config = options.config;
    this.metrics = new PaveMetrics(options.metricSources);
    this.#readiness = { ...options.readiness, shuttingDown: () => this.#shuttingDown };
    this.schemaGuard = new SchemaGuard({ unknownMigrations: () => options.readiness.unknownMigrations(), stopWorkers: options.stopWorkers, ...(options.logger ? { logger: options.logger } : {}) });
    this.#unsubscribe = [options.eventLog.onAppended(METRIC_EVENT_TYPES, events => this.metrics.observeEvents(events)), onOperationTiming(timing => this.metrics.observeTiming(timing))];
  }

  /** Every readiness check, and whether all passed. */
  async ready(): Promise<{ ready: boolean; checks: ReadinessCheck[] }> {
    const checks = await readiness(this.#readiness);
    return { ready: checks.every(check => check.ok), checks };
  }

  /** Marks the start of a shutdown: `/readyz` answers 503 from now on, so no new traffic is routed here. */
  beginShutdown(): void {
    this.#shuttingDown = true;
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Stops listening to the event log and the timings. */
  async close(): Promise<void> {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
  }
}
