import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PaveEvent } from '../store/event-log.js';
import type { OperationTiming } from '../core/operation-timings.js';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import type { MetricSources } from './metric-sources.js';

/** Latency buckets for HTTP requests, in seconds: 5 ms to 10 s. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Buckets for background work (refreshes, runs, pushes), in seconds: 50 ms to 10 min. */
const WORK_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/** The outcomes a template task ends with, from its event's type. */
const TASK_OUTCOMES: Record<string, string> = { 'templates.task.completed': 'completed', 'templates.task.failed': 'failed', 'templates.task.cancelled': 'cancelled' };

/** The event types `observeEvents` counts: the event log hands the metrics these only (`EventLog.onAppended`). */
export const METRIC_EVENT_TYPES: readonly string[] = [...Object.keys(TASK_OUTCOMES), 'platform.run.finished', 'catalog.location.refreshed'];

/**
 * Pave's Prometheus metrics, in a registry of their own (never prom-client's global one, so two apps in one
 * process do not mix). Counters and histograms count what this process did (events it appended, requests it
 * answered, operations it timed); gauges read the shared state at each scrape (jobs, entities, deliveries,
 * consumer lag), so every replica reports the same values for those and dashboards take `max` of them.
 * Labels carry only bounded, non-secret values: route patterns (never the path), methods, status codes,
 * queue and consumer names, kinds, outcomes.
 * @example const metrics = new PaveMetrics(sources); metrics.observeRequest('GET', '/api/catalog/entities', 200, 0.012); await metrics.exposition();
 */
export class PaveMetrics {
  readonly registry = new Registry();
  readonly #http: { total: Counter<'method' | 'route' | 'status'>; duration: Histogram<'method' | 'route' | 'status'> };
  readonly #tasks: Counter<'outcome'>;
  readonly #runs: Counter<'action' | 'phase'>;
  readonly #runSeconds: Histogram<'action' | 'phase'>;
  readonly #refreshes: Counter<'outcome'>;
  readonly #refreshProblems: Counter;
  readonly #refreshSeconds: Histogram<'outcome'>;
  readonly #git: Histogram<'operation' | 'outcome'>;
  /** Process and event-loop metrics start with the first scrape: an app nobody scrapes (a test, a CLI command) pays nothing. */
  #defaults: boolean;

  constructor(sources: MetricSources, options: { clock?: Clock; defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    const clock = options.clock ?? systemClock;
    this.#defaults = options.defaultMetrics !== false;
    this.#http = {
      total: new Counter({ name: 'pave_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status', labelNames: ['method', 'route', 'status'], registers }),
      duration: new Histogram({ name: 'pave_http_request_duration_seconds', help: 'Time to answer an HTTP request, by method, route pattern and status', labelNames: ['method', 'route', 'status'], buckets: HTTP_BUCKETS, registers }),
    };
    this.#tasks = new Counter({ name: 'pave_template_tasks_total', help: 'Template tasks this process ended, by outcome', labelNames: ['outcome'], registers });
    this.#runs = new Counter({ name: 'pave_platform_runs_total', help: 'Platform reconcile runs this process ended, by action and phase (Succeeded, Failed, Abandoned, …)', labelNames: ['action', 'phase'], registers });
    this.#runSeconds = new Histogram({ name: 'pave_platform_run_duration_seconds', help: 'Duration of platform reconcile runs, by action and phase', labelNames: ['action', 'phase'], buckets: WORK_BUCKETS, registers });
    this.#refreshes = new Counter({ name: 'pave_catalog_refreshes_total', help: 'Catalog location refreshes this process finished, by outcome (ok, problems)', labelNames: ['outcome'], registers });
    this.#refreshProblems = new Counter({ name: 'pave_catalog_refresh_problems_total', help: 'Problems (invalid files, unreadable targets) found by catalog refreshes', registers });
    this.#refreshSeconds = new Histogram({ name: 'pave_catalog_refresh_duration_seconds', help: 'Duration of catalog location refreshes, by outcome (ok, error)', labelNames: ['outcome'], buckets: WORK_BUCKETS, registers });
    this.#git = new Histogram({ name: 'pave_git_operation_duration_seconds', help: 'Duration of git operations (push with its rebases), by operation and outcome', labelNames: ['operation', 'outcome'], buckets: WORK_BUCKETS, registers });

    new Gauge({
      name: 'pave_jobs',
      help: 'Jobs in the durable queue, by queue and state (ready, running)',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        for (const row of await sources.jobs()) this.set({ queue: row.queue, state: row.state }, row.count);
      },
    });
    new Gauge({
      name: 'pave_jobs_oldest_age_seconds',
      help: 'Seconds since the oldest job of a queue and state became due (0 when not yet due): ready work nobody takes shows here',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        const now = clock.now().getTime();
        for (const row of await sources.jobs()) this.set({ queue: row.queue, state: row.state }, row.oldestRunAt ? Math.max(0, (now - Date.parse(row.oldestRunAt)) / 1000) : 0);
      },
    });
    new Gauge({
      name: 'pave_catalog_entities',
      help: 'Entities in the catalog, by kind',
      labelNames: ['kind'],
      registers,
      async collect() {
        this.reset();
        for (const facet of await sources.entityKinds()) this.set({ kind: facet.value.toLowerCase() }, facet.count);
      },
    });
    new Gauge({
      name: 'pave_webhook_deliveries',
      help: 'Webhook deliveries kept, by state (pending, delivered, failed, dead)',
      labelNames: ['state'],
      registers,
      async collect() {
        this.reset();
        for (const [state, count] of Object.entries(await sources.webhookDeliveries())) this.set({ state }, count ?? 0);
      },
    });
    new Gauge({
      name: 'pave_event_consumer_lag_events',
      help: 'Events appended to the log that a durable consumer has not handled yet',
      labelNames: ['consumer'],
      registers,
      async collect() {
        this.reset();
        const { latest, consumers } = await sources.consumerPositions();
        for (const consumer of consumers) this.set({ consumer: consumer.name }, Math.max(0, latest - consumer.position));
      },
    });
    new Gauge({
      name: 'pave_search_waiting',
      help: 'Searches of this process waiting for their turn to find and rank candidates (at most catalog.maxWaitingSearches)',
      registers,
      collect() {
        this.set(sources.searchLine().waiting);
      },
    });
    new Counter({
      name: 'pave_search_abandoned_total',
      help: 'Searches this process stopped, waiting or ranking, because their client went away',
      registers,
      collect() {
        this.reset();
        this.inc(sources.searchLine().abandoned);
      },
    });
    new Counter({
      name: 'pave_search_refused_total',
      help: 'Searches this process answered 503 busy, catalog.maxWaitingSearches being already waiting',
      registers,
      collect() {
        this.reset();
        this.inc(sources.searchLine().refused);
      },
    });
    new Gauge({
      name: 'pave_event_log_sequence',
      help: 'The newest event sequence number (its rate is the event rate)',
      registers,
      async collect() {
        this.set((await sources.consumerPositions()).latest);
      },
    });
  }

  /** One answered HTTP request; `route` is the route's pattern (`/api/catalog/entities/by-name/:kind/:namespace/:name`), never the path. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.#http.total.inc(labels);
    this.#http.duration.observe(labels, seconds);
  }

  /** Counts the work this process's events record: tasks ended, runs finished, refreshes done. */
  observeEvents(events: readonly PaveEvent[]): void {
    for (const event of events) {
      const payload = event.payload as Record<string, unknown>;
      const outcome = TASK_OUTCOMES[event.type];
      if (outcome) this.#tasks.inc({ outcome });
      else if (event.type === 'platform.run.finished') {
        const labels = { action: word(payload.action), phase: word(payload.phase) };
        this.#runs.inc(labels);
        if (typeof payload.seconds === 'number') this.#runSeconds.observe(labels, payload.seconds);
      } else if (event.type === 'catalog.location.refreshed') {
        const problems = typeof payload.problems === 'number' ? payload.problems : 0;
        this.#refreshes.inc({ outcome: problems > 0 ? 'problems' : 'ok' });
        if (problems > 0) this.#refreshProblems.inc(problems);
      }
    }
  }

  /** One timed operation of a lower layer: git operations and catalog refreshes. */
  observeTiming(timing: OperationTiming): void {
    if (timing.operation === 'catalog.refresh') this.#refreshSeconds.observe({ outcome: timing.outcome }, timing.seconds);
    else if (timing.operation.startsWith('git.')) this.#git.observe({ operation: timing.operation.slice(4), outcome: timing.outcome }, timing.seconds);
  }

  /** The text Prometheus scrapes, and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    if (this.#defaults) {
      this.#defaults = false;
      collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
    }
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** A label value from a payload field that should be one word from a fixed set; anything else is `other`. */
function word(value: unknown): string {
  return typeof value === 'string' && /^[A-Za-z-]{1,32}$/.test(value) ? value : 'other';
}
