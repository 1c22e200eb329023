import type { Logger } from '../../core/logger.js';
import type { JobQueue } from '../../store/job-queue.js';
import { REVIEW_QUEUE, type TemplateUpgrades } from './template-upgrades.js';

/** How long one look at a review is held: a fetch of the repository's branch at most. */
const LEASE_MS = 5 * 60_000;

/**
 * The worker `templates.upgrade-reviews`: follows the review each template upgrade opened as a durable job (one
 * per repository, asked for in the upgrade's own transaction), looking at it every
 * `templates.upgrades.reviewCheckSeconds` until it is merged or closed (`TemplateUpgrades.checkReview`). A
 * provider that cannot be reached is tried again with the queue's backoff; any replica may take any job.
 */
export class ReviewWatcher {
  #timer: NodeJS.Timeout | undefined;
  /** The run under way, if any. */
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(
    private readonly upgrades: TemplateUpgrades,
    private readonly queue: JobQueue,
    private readonly options: { pollMs?: number; logger?: Logger },
  ) {}

  /** Makes sure every open review has its job (reviews opened before this worker existed, a restored store), then polls for due ones. */
  async start(): Promise<void> {
    const followed = new Set((await this.queue.list(REVIEW_QUEUE)).map(job => job.key));
    for (const id of await this.upgrades.repositories.withOpenReviews()) if (!followed.has(id)) await this.queue.enqueue(REVIEW_QUEUE, id, { repository: id });
    this.#stopped = false;
    this.#timer = setInterval(() => {
      // A tick while a run is still under way is skipped: slow providers must not pile runs up behind it.
      if (this.#running) return;
      this.#running = this.runDue()
        .then(
          () => undefined,
          (error: unknown) => this.options.logger?.warn({ err: error }, 'the upgrade reviews could not be looked at'),
        )
        .finally(() => (this.#running = undefined));
    }, this.options.pollMs ?? 1000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running;
  }

  /** Looks at every review that is due once; returns how many. */
  async runDue(): Promise<number> {
    let ran = 0;
    for (let job = await this.queue.claim<{ repository: string }>(REVIEW_QUEUE, LEASE_MS); job; job = this.#stopped ? undefined : await this.queue.claim(REVIEW_QUEUE, LEASE_MS)) {
      ran++;
      try {
        const state = await this.upgrades.checkReview(job.payload.repository);
        await this.queue.finish(job, state === 'open' ? { rescheduleAt: this.upgrades.nextCheck() } : {});
      } catch (error) {
        const retryAt = await this.queue.fail(job, (error as Error).message);
        this.options.logger?.warn({ repository: job.payload.repository, err: error, retryAt }, 'an upgrade review could not be looked at');
      }
    }
    return ran;
  }
}
