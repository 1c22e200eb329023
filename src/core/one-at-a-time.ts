import { loopYielder } from './event-loop-yield.js';

/**
 * CPU work many requests may start at once (a replica's first rankings of new search words), run one job at a
 * time in the order asked, yielding to the event loop once `budgetMs` of their work has passed (event-loop-yield.ts).
 * Requests needing none of it (kept answers, entities by name) are answered between slices instead of after every
 * job begun before them; and the jobs end one after another, where jobs yielding in turns would all end near the end
 * of the burst.
 * @example const ranked = await lane.run(async pause => { for (const id of ids) { await pause(); rank(id); } });
 */
export class OneAtATime {
  #last: Promise<unknown> = Promise.resolve();
  /**
   * One budget for every job: jobs run back to back until it is spent. A turn of the loop per job (or per slice of
   * each) handed it to the cheap requests so often that at load 13 new words were ranked ~3 times slower than
   * without turns, and searches of them waited seconds.
   */
  readonly #pause: () => Promise<void>;

  constructor(budgetMs: number) {
    this.#pause = loopYielder(budgetMs);
  }

  run<T>(job: (pause: () => Promise<void>) => Promise<T>): Promise<T> {
    const turn = this.#last.then(async () => {
      await this.#pause();
      return job(this.#pause);
    });
    this.#last = turn.catch(() => undefined);
    return turn;
  }
}
