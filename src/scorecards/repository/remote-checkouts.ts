import type { GitWebUrl } from '../../reading/git-web-url.js';
import type { UrlReader } from '../../reading/url-reader.js';
import { cloneWebUrl } from '../../reading/web-url-clone.js';
import { ClonePool } from '../../reading/clone-pool.js';

/**
 * The clones a pass keeps on disk at most (each up to `reading.maxCloneBytes`): anyone who may register
 * entities can point them at as many repositories as they like, so a pass must not hold one clone each.
 */
export const MAX_CLONES = 4;

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
  readonly #pool = new ClonePool('pave-scorecards-', MAX_CLONES);
  /** Repositories that could not be cloned in this pass: not tried again for each of their entities. */
  readonly #failed = new Set<string>();

  constructor(reader: UrlReader) {
    this.#reader = reader;
  }

  /**
   * Reads `remote`'s repository at its ref with `use` (given the checked-out root), its clone kept meanwhile;
   * undefined when the policy refuses it or it cannot be cloned.
   */
  async read<T>(remote: GitWebUrl, use: (root: string) => Promise<T>): Promise<T | undefined> {
    const key = `${remote.repository.href}\u0000${remote.ref}`;
    if (this.#failed.has(key)) return undefined;
    const clone = (dir: string) =>
      cloneWebUrl(this.#reader, { ...remote, path: '' }, dir, 'anonymous').catch((error: unknown) => {
        this.#failed.add(key);
        throw error;
      });
    try {
      return await this.#pool.use(key, clone, use);
    } catch (error) {
      if (this.#failed.has(key)) return undefined;
      throw error;
    }
  }

  /** Removes every clone of the pass. */
  close(): Promise<void> {
    return this.#pool.close();
  }
}
