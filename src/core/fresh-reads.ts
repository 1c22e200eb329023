/**
 * Shares the reads of one value among callers that ask at the same time, without ever handing a caller a read
 * that started before it asked: a caller joins the read queued to start once the one under way is done (or
 * starts one when none is under way), so at most one read runs and one waits, however many ask at once. What a
 * caller gets is as fresh as a read of its own would be — it sees everything committed before it asked — at
 * one read per read's duration instead of one per caller. A failed read fails the callers that shared it only.
 * @example
 *   const versions = new FreshReads(() => readVersion());
 *   const version = await versions.next();
 */
export class FreshReads<T> {
  #running: Promise<T> | undefined;
  #queued: Promise<T> | undefined;

  constructor(private readonly read: () => Promise<T>) {}

  /** A value read by a read that starts no earlier than this call. */
  next(): Promise<T> {
    if (this.#queued) return this.#queued;
    if (!this.#running) return this.#start();
    const settled = this.#running.then(
      () => undefined,
      () => undefined,
    );
    this.#queued = settled.then(() => {
      this.#queued = undefined;
      return this.#start();
    });
    return this.#queued;
  }

  #start(): Promise<T> {
    const read = this.read();
    this.#running = read;
    const done = () => {
      if (this.#running === read) this.#running = undefined;
    };
    read.then(done, done);
    return read;
  }
}
