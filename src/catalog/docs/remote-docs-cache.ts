import { createHash } from 'node:crypto';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitWebUrl } from '../../reading/git-web-url.js';
import { ReadingError, shownUrl } from '../../reading/reading-error.js';
import type { UrlReader } from '../../reading/url-reader.js';
import { cloneRepository, remoteCommitOf } from '../../reading/web-url-clone.js';

interface Entry {
  /** The clone's folder once made; a failed clone is not kept. */
  dir: Promise<string>;
  settled: boolean;
  users: number;
  /** When it was last used, as a count of uses (no clock needed to order them). */
  used: number;
}

/**
 * Clones of the repositories `techdocs-ref: url:` docs are read from, kept by (repository, commit): each
 * read asks the host which commit the ref names now (`git ls-remote` under the reading policy, like the clone without credentials, since an
 * annotation names the repository: nothing is downloaded) and is served from the clone of that commit when one is kept, so a person browsing a site
 * costs one clone per commit, not one per page, and a new commit is seen at once. At most `maxEntries`
 * clones are kept, the least recently used going first (never one being read); `close` removes them all.
 * @example await cache.withClone(gitWebUrl(new URL(ref))!, async root => readDocsSite(join(root, 'docs')));
 */
export class RemoteDocsCache {
  #root: Promise<string> | undefined;
  readonly #entries = new Map<string, Entry>();
  #uses = 0;

  constructor(
    private readonly reader: UrlReader,
    private readonly maxEntries = 16,
  ) {}

  /**
   * Runs `use` on the top folder of a clone of `web`'s repository at the commit its ref names now.
   * @throws ReadingError when the policy refuses the repository, the ref is not there or the clone fails
   */
  async withClone<T>(web: GitWebUrl, use: (root: string) => Promise<T>): Promise<T> {
    const commit = await remoteCommitOf(this.reader, web.repository, web.ref, 'anonymous');
    if (!commit) throw new ReadingError('not-found', `${shownUrl(web.repository)} has no branch or tag ${web.ref}`);
    const key = `${web.repository.href}@${commit}`;
    let entry = this.#entries.get(key);
    if (!entry) {
      const made: Entry = { dir: this.#clone(web, key), settled: false, users: 0, used: 0 };
      made.dir.then(
        () => (made.settled = true),
        () => this.#entries.delete(key),
      );
      this.#entries.set(key, (entry = made));
    }
    entry.users++;
    entry.used = ++this.#uses;
    try {
      return await use(await entry.dir);
    } finally {
      entry.users--;
      await this.#evict();
    }
  }

  /** The (repository, commit) pairs whose clones are kept, for operators and tests. */
  kept(): string[] {
    return [...this.#entries].filter(([, entry]) => entry.settled).map(([key]) => key);
  }

  /** Removes every kept clone. */
  async close(): Promise<void> {
    const root = this.#root;
    this.#entries.clear();
    this.#root = undefined;
    if (root) await rm(await root, { recursive: true, force: true });
  }

  async #clone(web: GitWebUrl, key: string): Promise<string> {
    const root = await (this.#root ??= mkdtemp(join(tmpdir(), 'pave-docs-cache-')).then(dir => realpath(dir)));
    const dir = join(root, createHash('sha256').update(key).digest('hex').slice(0, 32));
    try {
      await cloneRepository(this.reader, web.repository, web.ref, dir, 'anonymous');
      return dir;
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  async #evict(): Promise<void> {
    while (this.#entries.size > this.maxEntries) {
      const idle = [...this.#entries].filter(([, entry]) => entry.settled && entry.users === 0).sort(([, a], [, b]) => a.used - b.used)[0];
      if (!idle) return;
      this.#entries.delete(idle[0]);
      await rm(await idle[1].dir, { recursive: true, force: true });
    }
  }
}
