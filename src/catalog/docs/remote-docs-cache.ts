import { notFound } from '../../core/problem.js';
import type { GitWebUrl } from '../../reading/git-web-url.js';
import { ClonePool } from '../../reading/clone-pool.js';
import { ReadingError, shownUrl } from '../../reading/reading-error.js';
import type { UrlReader } from '../../reading/url-reader.js';
import { cloneRepository, remoteCommitOf } from '../../reading/web-url-clone.js';
import { cloneLocationRepository, locationCommit } from '../ingest/location-clone.js';
import type { GitTarget } from '../ingest/location-target.js';

/**
 * Clones of the repositories docs are read from, kept by (repository, commit): those `techdocs-ref: url:`
 * names, and the repositories of `url` locations whose entities' `dir:` docs sit beside them. Each
 * read asks the host which commit the ref names now (`git ls-remote` under the reading policy, like the clone without credentials, since an
 * annotation names the repository: nothing is downloaded) and is served from the clone of that commit when one is kept, so a person browsing a site
 * costs one clone per commit, not one per page, and a new commit is seen at once. At most `maxEntries`
 * clones are kept, the least recently used going first (never one being read); `close` removes them all.
 * @example await cache.withClone(gitWebUrl(new URL(ref))!, async root => readDocsSite(join(root, 'docs')));
 */
export class RemoteDocsCache {
  readonly #pool: ClonePool;

  constructor(
    /** None: only `url` locations' repositories, cloned as registered (`url:` docs need a reader). */
    private readonly reader: UrlReader | undefined,
    maxEntries = 16,
  ) {
    this.#pool = new ClonePool('pave-docs-cache-', maxEntries);
  }

  /**
   * Runs `use` on the top folder of a clone of `web`'s repository at the commit its ref names now.
   * @throws ReadingError when the policy refuses the repository, the ref is not there or the clone fails
   */
  async withClone<T>(web: GitWebUrl, use: (root: string) => Promise<T>): Promise<T> {
    const reader = this.reader;
    if (!reader) throw new ReadingError('not-allowed', `${shownUrl(web.repository)} is not read: this catalog reads no URLs`);
    const commit = await remoteCommitOf(reader, web.repository, web.ref, 'anonymous');
    if (!commit) throw new ReadingError('not-found', `${shownUrl(web.repository)} has no branch or tag ${web.ref}`);
    return this.#pool.use(`${web.repository.href}@${commit}`, dir => cloneRepository(reader, web.repository, web.ref, dir, 'anonymous'), use);
  }

  /**
   * Runs `use` on the top folder of a clone of a `url` location's repository at the commit its ref names now,
   * cloned as the location is (`cloneLocationRepository`: on an integration host under the reading policy with
   * the host's credentials, elsewhere as registered). Kept apart from `url:` docs' clones (made without
   * credentials), so neither is served for the other.
   * @throws ReadingError when the policy refuses the repository; a 404 when the ref is not there; GitError when git fails
   */
  async withLocationClone<T>(git: GitTarget, use: (root: string) => Promise<T>): Promise<T> {
    const commit = await locationCommit(git.repository, git.ref, this.reader);
    if (!commit) throw notFound(`${git.repository} has no branch or tag ${git.ref ?? 'HEAD'}`);
    return this.#pool.use(`location:${git.repository}@${commit}`, dir => cloneLocationRepository(git.repository, git.ref, dir, this.reader), use);
  }

  /** The (repository, commit) pairs whose clones are kept, for operators and tests. */
  kept(): string[] {
    return this.#pool.kept();
  }

  /** Removes every kept clone. */
  close(): Promise<void> {
    return this.#pool.close();
  }
}
