import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Entry {
  folder: string;
  /** The clone's folder once made (a failed clone is not kept). */
  made?: Promise<string>;
  ready: boolean;
  /** Readers of it now: a clone is removed only when none is left. */
  users: number;
}

/**
 * Clones kept on disk by key, for readers that come back to the same repository: at most `max` at once, the
 * least recently used one nobody is reading removed to make room before another is made (each clone may be as
 * large as `reading.maxCloneBytes`, and whoever names the repositories may name many); `close` removes them all.
 * Readers of one key share one clone, made once.
 * @example const pool = new ClonePool('pave-docs-', 16); await pool.use(key, dir => cloneRepository(…, dir, …), dir => read(dir));
 */
export class ClonePool {
  readonly #prefix: string;
  readonly #max: number;
  /** In order of last use, the oldest first. */
  readonly #entries = new Map<string, Entry>();
  #made = 0;
  #root: Promise<string> | undefined;

  constructor(prefix: string, max: number) {
    this.#prefix = prefix;
    this.#max = max;
  }

  /**
   * Runs `read` on the clone kept for `key`, made first with `make` (into the folder it is given) when there is none.
   * @throws what `make` threw (the clone is then not kept), or what `read` threw
   */
  async use<T>(key: string, make: (dir: string) => Promise<unknown>, read: (dir: string) => Promise<T>): Promise<T> {
    // Taken (and counted as read) before anything is awaited, so readers of one key share one clone.
    const entry = this.#entries.get(key) ?? { folder: String(this.#made++), ready: false, users: 0 };
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    entry.users++;
    try {
      entry.made ??= this.#make(key, entry, make);
      return await read(await entry.made);
    } finally {
      entry.users--;
      await this.#makeRoom();
    }
  }

  /** The keys whose clones are kept, least recently used first (for operators and tests). */
  kept(): string[] {
    return [...this.#entries].filter(([, entry]) => entry.ready).map(([key]) => key);
  }

  /** Removes every clone. */
  async close(): Promise<void> {
    const root = this.#root;
    this.#root = undefined;
    await Promise.allSettled([...this.#entries.values()].map(entry => entry.made));
    this.#entries.clear();
    if (root) await rm(await root, { recursive: true, force: true });
  }

  async #make(key: string, entry: Entry, make: (dir: string) => Promise<unknown>): Promise<string> {
    // Room first: the entry being made is read, so it is never the one removed.
    await this.#makeRoom();
    const root = await (this.#root ??= mkdtemp(join(tmpdir(), this.#prefix)).then(dir => realpath(dir)));
    const dir = join(root, entry.folder);
    try {
      await make(dir);
      entry.ready = true;
      return dir;
    } catch (error) {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Removes the least recently used clones nobody reads until at most `max` are left (or only ones in use). */
  async #makeRoom(): Promise<void> {
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size <= this.#max) return;
      if (entry.users > 0) continue;
      this.#entries.delete(key);
      // Nobody reads it, so its making has settled (a reader counts from before the clone starts).
      const dir = await entry.made?.catch(() => undefined);
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  }
}
