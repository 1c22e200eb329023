import { constants } from 'node:fs';
import { lstat, open, readdir, realpath } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { badRequest, notFound } from '../core/problem.js';
import { branchTip, recentCommits } from './git-reader.js';
import { RepositoryBrowser, type BrowsedRepository } from './repository-browser.js';
import { browsableUrl, repositoryAddresses, repositoryUrls, withHttpCloneUrls, type RepositoryAddresses } from './repository-links.js';
import { formatRepositoryName, isRepositorySegment, repositoryName, type RepositoryName } from './repository-name.js';
import type { BlobView, CommitDetail, RepositoryListItem, RepositorySummary, RepositoryUrls, TreeView } from './repository-views.js';

export interface RepositoryServiceOptions {
  /** The folder of Pave's own repositories (`<dataDir>/git`): `owner/repo` is `<root>/owner/repo.git`. */
  root: string;
  /** The address people reach Pave at (`baseUrl`), read on use so a changed configuration is followed. */
  baseUrl: () => string;
}

/** A located repository: its name and its folder (a real folder inside the root, never through a link). */
export interface HostedRepository {
  name: RepositoryName;
  dir: string;
}

/** How much an answer shows: the file:// clone URL tells where the server keeps its data, so only admins get it. */
export interface ViewOptions {
  /** Include `urls.fileClone` (default false). */
  serverPaths?: boolean;
}

const MAX_DESCRIPTION_BYTES = 1024;
/** `ref: refs/heads/<branch>` or a commit id, and a newline. */
const MAX_HEAD_BYTES = 1024;
const LIST_BATCH = 8;
/** What git writes into a new repository's description file: no description at all. */
const UNNAMED = /^Unnamed repository;/;

/**
 * The repositories Pave hosts under `<dataDir>/git` (the ones `publish:git` creates), read-only: a
 * list, a summary per repository (default branch, latest commits, the root folder and its README,
 * clone URLs), folders, files and commits at any branch, tag or commit (read by `RepositoryBrowser`, as
 * destinations are). Knows nothing about HTTP.
 * @example const repos = new RepositoryService({ root: '.pave/git', baseUrl: () => 'http://localhost:7007' });
 *          const summary = await repos.summary('larkspur', 'basket-pricing');
 */
export class RepositoryService {
  readonly root: string;
  readonly #baseUrl: () => string;
  readonly #browser = new RepositoryBrowser();

  constructor(options: RepositoryServiceOptions) {
    this.root = resolve(options.root);
    this.#baseUrl = options.baseUrl;
  }

  /** Where the repositories are reached now: portal pages, HTTP clone URLs, file:// URLs and folders. */
  addresses(): RepositoryAddresses {
    return repositoryAddresses(this.#baseUrl(), this.root);
  }

  /** Where people find a repository: its portal page, its HTTP clone URL and (when asked) its file:// URL. */
  urls(name: RepositoryName, options: ViewOptions = {}): RepositoryUrls {
    return repositoryUrls(this.addresses(), name, options.serverPaths === true);
  }

  /**
   * The portal page of the hosted repository at a folder, or undefined when the folder is not one of
   * them (what `publish:git` links to after creating `<root>/owner/repo.git`).
   */
  pageUrlOf(localPath: string): string | undefined {
    const path = resolve(localPath);
    if (!path.startsWith(this.root + sep)) return undefined;
    const [owner = '', folder = '', ...rest] = path.slice(this.root.length + 1).split(sep);
    const name = folder.endsWith('.git') && !rest.length ? repositoryName(owner, folder) : undefined;
    return name ? this.urls(name).page : undefined;
  }

  /** A link with a hosted repository's server address made its portal page; see `browsableUrl`. */
  browsableUrl(url: string): string {
    return browsableUrl(url, this.addresses());
  }

  /** Text with hosted repositories' server addresses made HTTP clone URLs; see `withHttpCloneUrls`. */
  withHttpCloneUrls(text: string): string {
    return withHttpCloneUrls(text, this.addresses());
  }

  /** The repository a caller names (`repo.git` is `repo`); a 400 problem naming `/owner` or `/repo` when it is not a name. */
  nameOf(owner: string, repo: string): RepositoryName {
    for (const [field, value] of [['owner', owner], ['repo', repo.replace(/\.git$/, '')]] as const) {
      if (!isRepositorySegment(value)) {
        throw badRequest(`${field} "${value.slice(0, 100)}" is not a repository name: letters, digits, ".", "_" and "-"`, [
          { pointer: `/${field}`, detail: 'must be letters, digits, ".", "_" and "-", not starting with "." or "-"', rule: 'pattern' },
        ]);
      }
    }
    return repositoryName(owner, repo)!;
  }

  /**
   * Finds a repository by name. The name is checked (400 naming `/owner` or `/repo`), each folder on
   * the way must be a real folder (no symbolic link) inside the root, and it must be a bare repository (404 otherwise).
   */
  async locate(owner: string, repo: string): Promise<HostedRepository> {
    const name = this.nameOf(owner, repo);
    const dir = this.#dirOf(name);
    const missing = () => notFound(`No repository ${formatRepositoryName(name)} is hosted here`, [{ pointer: '/repo', detail: 'no such repository', rule: 'exists' }]);
    for (const folder of [join(this.root, name.owner), dir]) {
      const stats = await lstat(folder).catch(() => undefined);
      if (!stats?.isDirectory()) throw missing();
    }
    const real = await realpath(dir);
    const root = await realpath(this.root);
    if (!real.startsWith(root + sep) || !(await lstat(join(dir, 'HEAD')).catch(() => undefined))?.isFile()) throw missing();
    return { name, dir };
  }

  /**
   * The hosted repositories, by name, with description, default branch and latest commit; `include`
   * picks the ones to show (what the caller may read) before any is read.
   */
  async list(options: ViewOptions & { include?: (names: RepositoryName[]) => Promise<RepositoryName[]> } = {}): Promise<RepositoryListItem[]> {
    const found: RepositoryName[] = [];
    // Real folders only (readdir does not follow links), so each one found is inside the root.
    for (const owner of await realFolders(this.root)) {
      if (!isRepositorySegment(owner)) continue;
      for (const folder of await realFolders(join(this.root, owner))) {
        const name = folder.endsWith('.git') ? repositoryName(owner, folder) : undefined;
        if (name) found.push(name);
      }
    }
    const names = options.include ? await options.include(found) : found;
    names.sort((a, b) => formatRepositoryName(a).localeCompare(formatRepositoryName(b)));
    const items: RepositoryListItem[] = [];
    // A few at a time: each reads two small files and runs one git process (at most two for a detached HEAD).
    for (let i = 0; i < names.length; i += LIST_BATCH) {
      const batch = await Promise.all(names.slice(i, i + LIST_BATCH).map(name => this.#listItem({ name, dir: this.#dirOf(name) }, options)));
      items.push(...batch.filter((item): item is RepositoryListItem => item !== undefined));
    }
    return items;
  }

  /**
   * A repository at a ref (default: the branch HEAD names): its branches and tags, latest commits, and
   * root folder with its README. A repository with no commits yet has no ref, commits or tree.
   */
  async summary(owner: string, repo: string, ref?: string, options: ViewOptions = {}): Promise<RepositorySummary> {
    const hosted = await this.locate(owner, repo);
    const item = await this.#listItem(hosted, options);
    if (!item) throw notFound(`No repository ${formatRepositoryName(hosted.name)} is hosted here`, [{ pointer: '/repo', detail: 'no such repository', rule: 'exists' }]);
    return { ...item, ...(await this.#browser.summary(this.#browsed(hosted, item.defaultBranch), ref)) };
  }

  /** A folder at a ref (default: the default branch): its entries and its README. */
  async tree(owner: string, repo: string, path: string, ref?: string): Promise<TreeView> {
    return this.#browser.tree(await this.#browse(owner, repo), path, ref);
  }

  /**
   * A file at a ref: its text when it is text and at most 1 MiB, the target of a symbolic link (never
   * followed), or only its size for binary and larger files.
   */
  async blob(owner: string, repo: string, path: string, ref?: string): Promise<BlobView> {
    return this.#browser.blob(await this.#browse(owner, repo), path, ref);
  }

  /** A commit with the files it changed. */
  async commit(owner: string, repo: string, ref: string): Promise<CommitDetail> {
    return this.#browser.commit(await this.#browse(owner, repo), ref);
  }

  async #browse(owner: string, repo: string): Promise<BrowsedRepository> {
    const hosted = await this.locate(owner, repo);
    return this.#browsed(hosted, (await readHead(hosted.dir))?.branch);
  }

  #browsed(hosted: HostedRepository, defaultBranch: string | undefined): BrowsedRepository {
    return { name: formatRepositoryName(hosted.name), dir: hosted.dir, ...(defaultBranch !== undefined ? { defaultRef: defaultBranch } : {}) };
  }

  #dirOf(name: RepositoryName): string {
    return join(this.root, name.owner, `${name.repo}.git`);
  }

  /** A repository as the list shows it; undefined when the folder holds no repository (no HEAD file). */
  async #listItem(hosted: HostedRepository, options: ViewOptions): Promise<RepositoryListItem | undefined> {
    const [head, description] = await Promise.all([readHead(hosted.dir), readSmallFile(hosted.dir, 'description', MAX_DESCRIPTION_BYTES)]);
    if (!head) return undefined;
    const lastCommit = head.branch !== undefined ? await branchTip(hosted.dir, head.branch) : head.commit ? (await recentCommits(hosted.dir, head.commit, 1))[0] : undefined;
    const described = description && !UNNAMED.test(description) ? description : undefined;
    return {
      name: formatRepositoryName(hosted.name),
      owner: hosted.name.owner,
      repo: hosted.name.repo,
      ...(described ? { description: described } : {}),
      ...(head.branch !== undefined ? { defaultBranch: head.branch } : {}),
      ...(lastCommit ? { lastCommit } : {}),
      urls: this.urls(hosted.name, options),
    };
  }
}

/** Names of the real folders (not links) in a folder; none when it does not exist. */
async function realFolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter(entry => entry.isDirectory()).map(entry => entry.name);
}

/**
 * A small file of a repository (its description, HEAD), trimmed; undefined when it is missing, empty
 * a folder or a symbolic link (never followed). Reading it costs no process.
 */
async function readSmallFile(dir: string, name: string, maxBytes: number): Promise<string | undefined> {
  const file = await open(join(dir, name), constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => undefined);
  if (!file) return undefined;
  try {
    const read = await file.read({ buffer: Buffer.alloc(maxBytes) }).catch(() => undefined);
    return read?.buffer.subarray(0, read.bytesRead).toString('utf8').trim() || undefined;
  } finally {
    await file.close();
  }
}

/**
 * What HEAD names: a branch (`ref: refs/heads/main`, even one with no commits yet) or, detached, a
 * commit; undefined when there is no HEAD file (not a repository). The branch is only used as a
 * literal ref name (`branchTip` keeps the exact ref), never as a revision expression.
 */
async function readHead(dir: string): Promise<{ branch?: string; commit?: string } | undefined> {
  const text = await readSmallFile(dir, 'HEAD', MAX_HEAD_BYTES);
  if (text === undefined) return undefined;
  const symbolic = /^ref: refs\/heads\/(\S+)$/.exec(text);
  if (symbolic) return { branch: symbolic[1]! };
  return /^[0-9a-f]{40,64}$/.test(text) ? { commit: text } : {};
}
