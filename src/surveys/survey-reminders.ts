import type { Logger } from '../core/logger.js';
import type { SurveysService } from './surveys-service.js';

/**
 * The worker `surveys.reminders`: every 15 minutes (and at start), one query for open runs closing within a
 * day that have had no reminder; each gets one `surveys.run.closing-soon` event. Idle, it is that one query.
 */
export class SurveyReminders {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly surveys: SurveysService,
    private readonly logger?: Logger,
  ) {}

  start(): void {
    const run = () => {
      this.#running = this.surveys.remindClosingSoon().catch(error => this.logger?.warn({ err: error }, 'survey reminders failed; tried again in 15 minutes'));
    };
    run();
    this.#timer = setInterval(run, 15 * 60_000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }
}
