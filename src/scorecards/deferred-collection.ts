import type { Logger } from '../core/logger.js';
import type { JobQueue } from '../store/job-queue.js';
import { DEFERRED_QUEUE, type ScorecardsService } from './scorecards-service.js';

const LEASE_MS = 60_000;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * The worker `scorecards.collector`: runs the deferred collection jobs (repository facts), one entity per
 * job — many changes of an entity before its job runs make one collection, and the entities of one remote
 * repository due in one pass share one clone of it, a few kept at once — then schedules the entity's next
 * collection after the collectors' interval (entities with no such facts, e.g. not hosted here, are not
 * scheduled: their next change asks again). Hourly, prunes fact and result history past the retention and
 * reminds campaigns near their target (`scorecards.campaign.reminder`, once a day each).
 */
export class DeferredCollection {
  #timer: NodeJS.Timeout | undefined;
  #busy: Promise<void> | undefined;
  #stopped = true;
  #prunedAt = 0;

  constructor(
    private readonly scorecards: ScorecardsService,
    private readonly queue: JobQueue,
    private readonly options: { pollMs: number; historyDays: number; logger?: Logger },
  ) {}

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    const tick = () => {
      if (this.#stopped) return;
      this.#busy ??= this.runDue().then(
        () => undefined,
        error => this.options.logger?.warn({ err: error }, 'scorecards: collection pass failed'),
      ).finally(() => (this.#busy = undefined));
      this.#timer = setTimeout(tick, this.options.pollMs).unref();
    };
    tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#busy;
  }

  /** Runs every due job now (tests and commands); returns how many ran. */
  async runDue(): Promise<number> {
    let ran = 0;
    // A pass of the running worker ends early when it is stopped; a pass asked for by hand runs every due job.
    const running = !this.#stopped;
    // One clone per remote repository and ref for the pass, however many of its entities are due (a few kept at once).
    const checkouts = this.scorecards.openCheckouts();
    try {
      for (let job = await this.queue.claim<{ entity: string }>(DEFERRED_QUEUE, LEASE_MS); job; job = running && this.#stopped ? undefined : await this.queue.claim(DEFERRED_QUEUE, LEASE_MS)) {
        ran++;
        try {
          const { found } = await this.scorecards.collectDeferred(job.payload.entity, checkouts);
          const every = this.scorecards.deferredIntervalSeconds();
          await this.queue.finish(job, found && every ? { rescheduleAt: new Date(Date.now() + every * 1000) } : {});
        } catch (error) {
          this.options.logger?.warn({ err: error, entity: job.payload.entity }, 'scorecards: deferred collection failed');
          await this.queue.fail(job, error instanceof Error ? error.message : String(error));
        }
      }
    } finally {
      await checkouts?.close();
    }
    if (Date.now() - this.#prunedAt > PRUNE_EVERY_MS) {
      this.#prunedAt = Date.now();
      await this.scorecards.prune(this.options.historyDays).catch(error => this.options.logger?.warn({ err: error }, 'scorecards: pruning history failed'));
      await this.scorecards.remindCampaigns().catch(error => this.options.logger?.warn({ err: error }, 'scorecards: campaign reminders failed'));
    }
    return ran;
  }
}
