import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitWebUrl } from '../../reading/git-web-url.js';
import type { UrlReader } from '../../reading/url-reader.js';
import { cloneWebUrl } from '../../reading/web-url-clone.js';

/**
 * The clones a pass keeps on disk at most (each up to `reading.maxCloneBytes`): anyone who may register
 * entities can point them at as many repositories as they like, so a pass must not hold one clone each.
 */
export const MAX_CLONES = 4;

interface Clone {
  folder: string;
  /** Its checked-out root, once asked for; undefined when it could not be cloned. */
  root?: Promise<string | undefined>;
  /** Readers of it now: a clone is removed only when none is left. */
  users: number;
}

/**
 * The clones of remote repositories made during one collection pass: one shallow clone per (repository, ref),
 * made under the reading policy on first ask (without credentials: `source-location` is anyone's to write) and
 * shared by every entity of that repository in the pass.
 * At most {@link MAX_CLONES} are kept, the least recently used one not being read removed to make room; the
 * rest are removed by {@link close}. Many entities of one repository cost one clone, not one each.
 * @example const checkouts = new RemoteCheckouts(reader); try { await checkouts.read(remote, root => …) } finally { await checkouts.close() }
 */
export class RemoteCheckouts {
  readonly #reader: UrlReader;
  /** In order of last use, the oldest first. */
  readonly #clones = new Map<string, Clone>();
  #made = 0;
  #dir: Promise<string> | undefined;

  constructor(reader: UrlReader) {
    this.#reader = reader;
  }

  /**
   * Reads `remote`'s repository at its ref with `use` (given the checked-out root), its clone kept meanwhile;
   * undefined when the policy refuses it or it cannot be cloned.
   */
  async read<T>(remote: GitWebUrl, use: (root: string) => Promise<T>): Promise<T | undefined> {
    const key = `${remote.repository.href}\u0000${remote.ref}`;
    // Taken (and counted as read) before anything is awaited, so readers of one repository share one clone.
    const clone = this.#clones.get(key) ?? { folder: String(this.#made++), users: 0 };
    this.#clones.delete(key);
    this.#clones.set(key, clone);
    clone.users++;
    try {
      clone.root ??= this.#clone({ ...remote, path: '' }, clone.folder);
      const root = await clone.root;
      return root === undefined ? undefined : await use(root);
    } finally {
      clone.users--;
      await this.#makeRoom();
    }
  }

  /** Removes every clone of the pass. */
  async close(): Promise<void> {
    const dir = this.#dir;
    this.#dir = undefined;
    await Promise.allSettled([...this.#clones.values()].map(clone => clone.root));
    this.#clones.clear();
    if (dir) await rm(await dir, { recursive: true, force: true });
  }

  /** Removes the least recently used clones nobody reads until at most MAX_CLONES are left (or only ones in use). */
  async #makeRoom(): Promise<void> {
    for (const [key, clone] of this.#clones) {
      if (this.#clones.size <= MAX_CLONES) return;
      if (clone.users > 0) continue;
      this.#clones.delete(key);
      // Not in use means its clone has settled (a reader counts from before the clone starts).
      if (this.#dir) await rm(join(await this.#dir, clone.folder), { recursive: true, force: true });
    }
  }

  /** Clones `remote` into `folder` once room is made for it (it is in the list and read, so never the one removed). */
  async #clone(remote: GitWebUrl, folder: string): Promise<string | undefined> {
    try {
      await this.#makeRoom();
      this.#dir ??= mkdtemp(join(tmpdir(), 'pave-scorecards-')).then(dir => realpath(dir));
      return await cloneWebUrl(this.#reader, remote, join(await this.#dir, folder), 'anonymous');
    } catch {
      return undefined;
    }
  }
}
