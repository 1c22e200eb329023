import { loopYielder } from './event-loop-yield.js';
import { busy } from './problem.js';

/**
 * Jobs waiting for their turn when none is given: with ~5–10 ms of CPU a job, the last of 256 starts ~1.3–2.6 s
 * after it was asked, longer than a person waits at a search box; each holds what its job has read (a search's
 * candidates and documents) meanwhile. Past it, answering "busy" at once lets the client try again or another replica.
 */
export const DEFAULT_MAX_WAITING = 256;

/** Seconds a refused caller is told to wait (Retry-After): about the time DEFAULT_MAX_WAITING jobs take to run. */
const RETRY_AFTER_SECONDS = 2;

/**
 * CPU work many requests may start at once (a replica's first rankings of new search words), run one job at a
 * time in the order asked, yielding to the event loop once `budgetMs` of their work has passed (event-loop-yield.ts).
 * Requests needing none of it (kept answers, entities by name) are answered between slices instead of after every
 * job begun before them; and the jobs end one after another, where jobs yielding in turns would all end near the end
 * of the burst. Besides the one whose turn it is, at most `maxWaiting` works wait (past it `admit` and `run` reject at
 * once with a 503 "busy" problem), and a job whose `signal` aborts (its caller went away) leaves the line, or stops at
 * its next pause if it is running.
 * @example const ranked = await lane.run(async pause => { for (const id of ids) { await pause(); rank(id); } }, request.signal);
 */
export class OneAtATime {
  readonly #waiting: Waiting[] = [];
  #running = false;
  /** Works admitted and not yet done: waiting for a turn, running one, or between two of theirs. */
  #admitted = 0;
  #abandoned = 0;
  #refused = 0;
  /**
   * One budget for every job: jobs run back to back until it is spent. A turn of the loop per job (or per slice of
   * each) handed it to the cheap requests so often that at load 13 new words were ranked ~3 times slower than
   * without turns, and searches of them waited seconds.
   */
  readonly #pause: () => Promise<void>;

  constructor(
    budgetMs: number,
    private readonly maxWaiting = DEFAULT_MAX_WAITING,
  ) {
    this.#pause = loopYielder(budgetMs);
  }

  /** Works admitted and not done, one aside (the one whose turn it is, or will be first): the line the bound sees. */
  get waiting(): number {
    return Math.max(this.#admitted - 1, 0);
  }

  /** Jobs whose signal aborted before they ended (left the line, or stopped), since the lane began. */
  get abandoned(): number {
    return this.#abandoned;
  }

  /** Works refused because `maxWaiting` were already waiting, since the lane began. */
  get refused(): number {
    return this.#refused;
  }

  /** One job in one turn: {@link admit} of a work that takes a single turn. */
  run<T>(job: Job<T>, signal?: AbortSignal): Promise<T> {
    return this.admit(turn => turn(job), signal);
  }

  /**
   * Admits a work of one or more turns (a search: its candidates, then their ranking), or rejects at once with a 503
   * "busy" problem when `maxWaiting` admitted works wait already; admitted, its turns are never refused, so a work
   * let in is not turned away halfway by works that came after it. Each `turn(job)` runs `job` once every turn asked
   * before it has ended. With `signal` aborted (the caller went away) a waiting turn is never run, a running one stops
   * at its next `pause`, and it rejects with `signal.reason`.
   */
  async admit<T>(work: (turn: <U>(job: Job<U>) => Promise<U>) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) {
      this.#abandoned++;
      throw signal.reason;
    }
    // One may have the turn; `maxWaiting` more may wait for it.
    if (this.#admitted > this.maxWaiting) {
      this.#refused++;
      throw busy(`${this.maxWaiting} requests are already waiting for their turn; try again in a moment`, RETRY_AFTER_SECONDS);
    }
    this.#admitted++;
    try {
      return await work(job => this.#turn(job, signal));
    } finally {
      this.#admitted--;
    }
  }

  #turn<T>(job: Job<T>, signal: AbortSignal | undefined): Promise<T> {
    if (signal?.aborted) {
      this.#abandoned++;
      return Promise.reject(signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      const waiting: Waiting = { job, signal, resolve: resolve as (value: unknown) => void, reject, leave: () => undefined };
      if (signal) {
        const leave = () => {
          const at = this.#waiting.indexOf(waiting);
          if (at < 0) return;
          this.#waiting.splice(at, 1);
          this.#abandoned++;
          reject(signal.reason);
        };
        signal.addEventListener('abort', leave, { once: true });
        waiting.leave = () => signal.removeEventListener('abort', leave);
      }
      this.#waiting.push(waiting);
      // Begun once the caller's own synchronous work is done, so what it asks of the loop next goes before the job.
      queueMicrotask(() => void this.#next());
    });
  }

  /** Runs the waiting jobs, first asked first, unless one is running already. */
  async #next(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      for (let turn = this.#waiting.shift(); turn; turn = this.#waiting.shift()) await this.#runTurn(turn);
    } finally {
      this.#running = false;
    }
  }

  async #runTurn({ job, signal, resolve, reject, leave }: Waiting): Promise<void> {
    leave();
    const pause = async () => {
      await this.#pause();
      signal?.throwIfAborted();
    };
    try {
      await pause();
      resolve(await job(pause));
    } catch (error) {
      if (signal?.aborted) this.#abandoned++;
      reject(error);
    }
  }
}

/** A job run in a turn: it calls `pause` between small pieces of its work. */
type Job<T> = (pause: () => Promise<void>) => Promise<T>;

interface Waiting {
  job: Job<unknown>;
  signal: AbortSignal | undefined;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  /** Stops listening for the signal's abort while waiting (the job's turn has come). */
  leave: () => void;
}
