import { setImmediate as nextTurn } from 'node:timers/promises';
import { loopYielder } from './event-loop-yield.js';

/**
 * CPU work many requests may start at once (a replica's first rankings of new search words), run one job at a
 * time in the order asked, each in slices that yield to the event loop once `budgetMs` has passed
 * (event-loop-yield.ts). Requests needing none of it (kept answers, entities by name) are answered between slices
 * instead of after every job begun before them; and the jobs end one after another, where jobs yielding in turns
 * would all end near the end of the burst.
 * @example const ranked = await lane.run(async pause => { for (const id of ids) { await pause(); rank(id); } });
 */
export class OneAtATime {
  #last: Promise<unknown> = Promise.resolve();

  constructor(private readonly budgetMs: number) {}

  run<T>(job: (pause: () => Promise<void>) => Promise<T>): Promise<T> {
    // A turn of the loop first: what arrived while the job before ran is answered before this one starts.
    const turn = this.#last.then(async () => {
      await nextTurn();
      return job(loopYielder(this.budgetMs));
    });
    this.#last = turn.catch(() => undefined);
    return turn;
  }
}
