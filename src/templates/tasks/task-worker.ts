/**
 * Runs queued tasks: claims `scaffolder.task` jobs from the durable queue with a lease, keeps the lease
 * (and the task's heartbeat) alive while the task runs, watches for cancellation, and finishes the job
 * when the task ends. A worker that dies simply stops renewing its lease; another worker (or this one
 * after a restart) claims the job when the lease expires and resumes the task.
 */
import type { Logger } from '../../core/logger.js';
import type { Job, JobQueue } from '../../store/job-queue.js';
import { TaskInterrupted } from './task-runner.js';

export const TASK_QUEUE = 'scaffolder.task';

export interface TaskWorkerOptions {
  /** How long a claim lasts without renewal; a crashed worker's task is resumed after this. Default 30 s. */
  leaseMs?: number;
  /** How often the queue is polled for new tasks. Default 500 ms. */
  pollMs?: number;
  /** Tasks run at once by this worker. Default 2. */
  concurrency?: number;
  /** How often cancellation is checked (and the heartbeat written). Default 500 ms. */
  watchMs?: number;
  /** A task is given up after this many claims (crash loops). Default 10. */
  maxAttempts?: number;
  logger?: Logger;
}

/** What the worker runs: the scaffolder service's task execution. */
export interface TaskExecutor {
  /** Runs (or resumes) a task; resolves when it reached a final status, rejects with TaskInterrupted otherwise. */
  execute(taskId: string, signal: AbortSignal, attempt: number): Promise<void>;
  /** Heartbeat; returns whether cancellation was asked for. */
  heartbeat(taskId: string): Promise<{ cancelRequested: boolean }>;
  /** Marks a task failed without running it (too many attempts). */
  giveUp(taskId: string, reason: string): Promise<void>;
}

export class TaskWorker {
  readonly #queue: JobQueue;
  readonly #executor: TaskExecutor;
  readonly #options: Required<Omit<TaskWorkerOptions, 'logger'>> & { logger?: Logger };
  readonly #running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  #timer: NodeJS.Timeout | undefined;
  #polling = false;
  #stopped = true;

  constructor(queue: JobQueue, executor: TaskExecutor, options: TaskWorkerOptions = {}) {
    this.#queue = queue;
    this.#executor = executor;
    this.#options = {
      leaseMs: options.leaseMs ?? 30_000,
      pollMs: options.pollMs ?? 500,
      concurrency: options.concurrency ?? 2,
      watchMs: options.watchMs ?? 500,
      maxAttempts: options.maxAttempts ?? 10,
      ...(options.logger ? { logger: options.logger } : {}),
    };
  }

  get running(): boolean {
    return !this.#stopped;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#timer = setInterval(() => void this.poll(), this.#options.pollMs);
    this.#timer.unref();
    void this.poll();
  }

  /** Claims and starts due tasks up to the concurrency limit. Called by the timer, and at once after a task is created. */
  async poll(): Promise<void> {
    if (this.#stopped || this.#polling) return;
    this.#polling = true;
    try {
      while (!this.#stopped && this.#running.size < this.#options.concurrency) {
        const job = await this.#queue.claim<{ taskId: string }>(TASK_QUEUE, this.#options.leaseMs);
        if (!job) break;
        this.#start(job);
      }
    } catch (error) {
      this.#options.logger?.warn({ err: error }, 'scaffolder worker could not poll the queue');
    } finally {
      this.#polling = false;
    }
  }

  /** Asks the running task (if it runs here) to stop at once for cancellation. */
  abort(taskId: string): boolean {
    const running = this.#running.get(taskId);
    if (!running) return false;
    running.controller.abort(new TaskInterrupted('cancel'));
    return true;
  }

  /**
   * Stops polling and interrupts running tasks; each is handed back to the queue to be resumed (by any
   * worker) from its last completed step. Waits for them to let go.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    for (const { controller } of this.#running.values()) controller.abort(new TaskInterrupted('shutdown'));
    await Promise.all([...this.#running.values()].map(r => r.done.catch(() => undefined)));
    while (this.#polling) await new Promise(resolve => setTimeout(resolve, 10));
  }

  #start(job: Job<{ taskId: string }>): void {
    const taskId = job.payload.taskId;
    const controller = new AbortController();
    const done = this.#run(job, controller).finally(() => {
      this.#running.delete(taskId);
      if (!this.#stopped) void this.poll();
    });
    this.#running.set(taskId, { controller, done });
  }

  async #run(job: Job<{ taskId: string }>, controller: AbortController): Promise<void> {
    const { taskId } = job.payload;
    const logger = this.#options.logger;
    let lastRenewal = Date.now();
    const watch = setInterval(() => {
      void (async () => {
        try {
          const { cancelRequested } = await this.#executor.heartbeat(taskId);
          if (cancelRequested && !controller.signal.aborted) controller.abort(new TaskInterrupted('cancel'));
          if (Date.now() - lastRenewal >= this.#options.leaseMs / 3) {
            lastRenewal = Date.now();
            if (!(await this.#queue.extendLease(job, this.#options.leaseMs)) && !controller.signal.aborted) controller.abort(new TaskInterrupted('lease-lost'));
          }
        } catch (error) {
          logger?.warn({ err: error, taskId }, 'task heartbeat failed');
        }
      })();
    }, this.#options.watchMs);
    watch.unref();
    try {
      if (job.attempts > this.#options.maxAttempts) {
        await this.#executor.giveUp(taskId, `the task was interrupted ${job.attempts - 1} times; giving up`);
        await this.#queue.finish(job);
        return;
      }
      await this.#executor.execute(taskId, controller.signal, job.attempts);
      await this.#queue.finish(job);
    } catch (error) {
      if (error instanceof TaskInterrupted && error.reason === 'lease-lost') {
        logger?.warn({ taskId }, 'lost the lease of a running task; another worker resumes it');
        return;
      }
      if (error instanceof TaskInterrupted) {
        // Handed back at once: whoever claims it next resumes from the last completed step.
        await this.#queue.fail(job, error.message, { baseMs: 1, maxMs: 1 }).catch(() => undefined);
        return;
      }
      logger?.error({ err: error, taskId }, 'task execution failed unexpectedly; it will be retried');
      await this.#queue.fail(job, (error as Error).message ?? String(error)).catch(() => undefined);
    } finally {
      clearInterval(watch);
    }
  }
}
