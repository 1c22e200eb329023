import type { Logger } from '../core/logger.js';
import type { JobQueue } from '../store/job-queue.js';
import type { LocationService, Location } from './location-service.js';

export const REFRESH_QUEUE = 'catalog.refresh';
/** How long a refresh is held by default: longer than the slowest refresh of a large location. */
const DEFAULT_LEASE_SECONDS = 300;

/**
 * Periodic location refresh as durable jobs: one job per location, rescheduled after each run and
 * retried with backoff after failures. Any replica may run any job; a dead one's lease expires.
 */
export class RefreshScheduler {
  #timer: NodeJS.Timeout | undefined;
  #busy = false;
  #stopped = false;

  constructor(
    private readonly locations: LocationService,
    private readonly queue: JobQueue,
    private readonly options: { intervalSeconds: number; leaseSeconds?: number; pollMs?: number; logger?: Logger },
  ) {}

  /** Schedules a location's next periodic refresh. */
  async schedule(location: Pick<Location, 'id'>, delaySeconds = this.options.intervalSeconds): Promise<void> {
    await this.queue.enqueue(REFRESH_QUEUE, location.id, { locationId: location.id }, { runAt: new Date(Date.now() + delaySeconds * 1000) });
  }

  async unschedule(location: Pick<Location, 'id'>): Promise<void> {
    await this.queue.remove(REFRESH_QUEUE, location.id);
  }

  /** Makes sure every location has a job (after an upgrade or a restore), then polls for due work. */
  async start(): Promise<void> {
    const scheduled = new Set((await this.queue.list(REFRESH_QUEUE)).map(job => job.key));
    for (const location of await this.locations.list()) {
      if (!scheduled.has(location.id)) await this.schedule(location);
    }
    this.#stopped = false;
    this.#timer = setInterval(() => void this.runDue(), this.options.pollMs ?? 1000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    while (this.#busy) await new Promise(resolve => setTimeout(resolve, 20));
  }

  /** Runs every due refresh once; returns how many ran. */
  async runDue(): Promise<number> {
    if (this.#busy || this.#stopped) return 0;
    this.#busy = true;
    let ran = 0;
    const leaseMs = (this.options.leaseSeconds ?? DEFAULT_LEASE_SECONDS) * 1000;
    try {
      for (let job = await this.queue.claim<{ locationId: string }>(REFRESH_QUEUE, leaseMs); job && !this.#stopped; job = await this.queue.claim(REFRESH_QUEUE, leaseMs)) {
        ran++;
        try {
          const summary = await this.locations.refresh(job.payload.locationId);
          this.options.logger?.debug({ location: job.payload.locationId, ...summary, errors: summary.errors.length }, 'location refreshed');
          await this.queue.finish(job, { rescheduleAt: new Date(Date.now() + this.options.intervalSeconds * 1000) });
        } catch (error) {
          if ((error as { status?: number }).status === 404) {
            await this.queue.finish(job);
            continue;
          }
          const retryAt = await this.queue.fail(job, (error as Error).message);
          this.options.logger?.warn({ location: job.payload.locationId, err: error, retryAt }, 'location refresh failed');
        }
      }
    } finally {
      this.#busy = false;
    }
    return ran;
  }
}
