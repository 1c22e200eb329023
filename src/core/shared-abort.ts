/**
 * The signal of work several callers wait for: it aborts once every one of them has gone away (each one's own signal
 * aborted), never while one stays, nor once one came without a signal (it cannot go away). A search ranked for the
 * first of many requests of the same words goes on when that first client leaves, as long as another still waits.
 * @example const shared = new SharedAbort(); shared.join(request.signal); const work = compute(shared.signal); work.finally(() => shared.end());
 */
export class SharedAbort {
  readonly #controller = new AbortController();
  /** Callers with a signal not yet aborted. */
  #staying = 0;
  /** A caller without a signal joined: the work is theirs to the end. */
  #kept = false;
  readonly #stopListening: Array<() => void> = [];

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** One more caller waits for the work, going away when `signal` aborts (never, without one). */
  join(signal?: AbortSignal): void {
    if (!signal) {
      this.#kept = true;
      return;
    }
    if (signal.aborted) return;
    this.#staying++;
    const leave = () => {
      this.#staying--;
      if (!this.#kept && this.#staying === 0) this.#controller.abort(signal.reason);
    };
    signal.addEventListener('abort', leave, { once: true });
    this.#stopListening.push(() => signal.removeEventListener('abort', leave));
  }

  /** The work is done: its callers' signals are let go. */
  end(): void {
    for (const stop of this.#stopListening.splice(0)) stop();
  }
}
