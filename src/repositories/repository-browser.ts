import { badRequest, notFound } from '../core/problem.js';
import { commitDetail, entryAt, listTree, readBlob, recentCommits, refNames, resolveCommit, type GitTreeEntry } from './git-reader.js';
import { isVisible, pathSight, type VisibleFolders } from './path-visibility.js';
import { checkRef, checkTreePath } from './repository-input.js';
import type { BlobView, BrowseSummary, CommitDetail, ReadmeView, TreeView } from './repository-views.js';

/**
 * One git repository as a reader browses it: the hosted repositories (`RepositoryService`) and the platform's
 * destinations are both read through this, so they answer the same shapes with the same checks.
 */
export interface BrowsedRepository {
  /** What answers call it: `owner/repo`, or a destination's name. */
  name: string;
  /** Its git folder (bare, or a work tree's `.git`), already located and confined by the caller. */
  dir: string;
  /** The ref shown when none is named (the branch HEAD names, a destination's branch); none: a ref must be named. */
  defaultRef?: string;
  /** The folders this reader sees (`path-visibility.ts`); undefined: the whole repository. */
  folders?: VisibleFolders;
  /**
   * Whether commit messages are shown whole (default true). A reader who sees some folders only gets
   * subjects, since a batched commit's message names every request it carries.
   */
  wholeMessages?: boolean;
}

const RECENT_COMMITS = 20;
/** Files larger than this are listed but not shown. */
export const MAX_BLOB_BYTES = 1024 * 1024;
const MAX_README_BYTES = 512 * 1024;
const README = /^readme(\.(md|markdown|txt|rst))?$/i;

/**
 * Reads a repository at any branch, tag or commit: a summary (refs, latest commits, root folder and its
 * README), folders, files and commits. Refs and paths are checked (`repository-input.ts`) before git sees
 * them; what the reader does not see answers as what does not exist (404), so a refusal tells nothing.
 * Knows nothing about HTTP or who the reader is: the caller says which folders they see.
 * @example await browse.tree({ name: 'dev', dir: '/srv/dev.git', defaultRef: 'main', folders: ['apps/team-a/Db/main'] }, 'apps')
 */
export class RepositoryBrowser {
  /** Refs, the latest commits at `ref` (default the default ref) and the root folder; a repository with no commits has none. */
  async summary(repo: BrowsedRepository, ref?: string): Promise<BrowseSummary> {
    const [branches, tags] = await Promise.all([refNames(repo.dir, 'refs/heads'), refNames(repo.dir, 'refs/tags')]);
    const shown = ref ?? repo.defaultRef;
    const commit = ref !== undefined ? await this.#resolve(repo, ref) : shown ? await resolveCommit(repo.dir, shown) : undefined;
    if (!shown || !commit) return { branches, tags, commits: [] };
    const [commits, tree] = await Promise.all([this.#commits(repo, commit), this.#tree(repo, shown, commit, '')]);
    return { ref: shown, commit, branches, tags, commits, tree };
  }

  /** A folder at a ref: its entries (those the reader sees) and its README. */
  async tree(repo: BrowsedRepository, path: string, ref?: string): Promise<TreeView> {
    const at = await this.#at(repo, ref);
    const folder = checkTreePath(path);
    if (folder === '') return this.#tree(repo, at.ref, at.commit, '');
    const entry = await this.#entry(repo, at, folder);
    if (entry.type !== 'tree') throw badRequest(`${folder} is a file, not a folder`, [{ pointer: '/path', detail: 'is a file; read it as a blob', rule: 'type' }]);
    return this.#tree(repo, at.ref, at.commit, folder, entry.oid);
  }

  /**
   * A file at a ref: its text when it is text and at most 1 MiB, the target of a symbolic link (never
   * followed), or only its size for binary and larger files.
   */
  async blob(repo: BrowsedRepository, path: string, ref?: string): Promise<BlobView> {
    const at = await this.#at(repo, ref);
    const file = checkTreePath(path);
    if (file === '') throw badRequest('The root is a folder, not a file', [{ pointer: '/path', detail: 'must name a file', rule: 'required' }]);
    const entry = await this.#entry(repo, at, file, 'inside');
    if (entry.type === 'tree') throw badRequest(`${file} is a folder, not a file`, [{ pointer: '/path', detail: 'is a folder; read it as a tree', rule: 'type' }]);
    const base = { name: repo.name, ref: at.ref, commit: at.commit, path: file, type: entry.type, size: entry.size ?? 0 };
    if (entry.type === 'submodule') return { ...base, binary: false, truncated: false };
    if (base.size > MAX_BLOB_BYTES) return { ...base, binary: false, truncated: true };
    const content = await readBlob(repo.dir, entry.oid);
    const binary = content.includes('\0');
    return { ...base, binary, truncated: false, ...(binary ? {} : { content }) };
  }

  /**
   * A commit (a branch, tag or commit id naming one) with the files it changed. A reader who sees some
   * folders only sees the files under them, and a commit that changed none of those is not found.
   */
  async commit(repo: BrowsedRepository, ref: string): Promise<CommitDetail> {
    const id = await this.#resolve(repo, ref, '/commit');
    const detail = await commitDetail(repo.dir, id);
    const files = detail.files.filter(file => pathSight(file.path, repo.folders) === 'inside');
    if (repo.folders !== undefined && !files.length) throw noCommit(repo, ref, '/commit');
    return { ...detail, name: repo.name, files, message: repo.wholeMessages === false ? detail.subject : detail.message };
  }

  /** The latest commits from a commit: for a reader who sees some folders, those that change them (none for no folder). */
  async #commits(repo: BrowsedRepository, commit: string): ReturnType<typeof recentCommits> {
    if (repo.folders === undefined || repo.folders.includes('')) return recentCommits(repo.dir, commit, RECENT_COMMITS);
    return repo.folders.length ? recentCommits(repo.dir, commit, RECENT_COMMITS, repo.folders) : [];
  }

  /** A checked ref (or the default ref) and the commit it names; 404 naming `/ref` when there is none. */
  async #at(repo: BrowsedRepository, ref: string | undefined): Promise<{ ref: string; commit: string }> {
    const shown = ref ?? repo.defaultRef;
    if (shown === undefined) throw notFound(`${repo.name} has no default branch; name a ref`, [{ pointer: '/ref', detail: 'is required here', rule: 'required' }]);
    return { ref: shown, commit: await this.#resolve(repo, shown) };
  }

  /** The commit a ref names (never a tree, blob or tag of something else: `^{commit}`). */
  async #resolve(repo: BrowsedRepository, ref: string, pointer = '/ref'): Promise<string> {
    const commit = await resolveCommit(repo.dir, checkRef(ref));
    if (!commit) throw noCommit(repo, ref, pointer);
    return commit;
  }

  /** The entry at a path the reader sees (`inside` for files: no file lies on the way); 404 otherwise, as a missing one. */
  async #entry(repo: BrowsedRepository, at: { ref: string; commit: string }, path: string, sight: 'inside' | 'visible' = 'visible'): Promise<GitTreeEntry> {
    const seen = sight === 'inside' ? pathSight(path, repo.folders) === 'inside' : isVisible(path, repo.folders);
    const entry = seen ? await entryAt(repo.dir, at.commit, path) : undefined;
    if (!entry) throw notFound(`${repo.name} has no ${path} at ${at.ref}`, [{ pointer: '/path', detail: `does not exist at ${at.ref}`, rule: 'exists' }]);
    return entry;
  }

  async #tree(repo: BrowsedRepository, ref: string, commit: string, path: string, tree = commit): Promise<TreeView> {
    const listed = (await listTree(repo.dir, tree, path)).filter(entry => isVisible(entry.path, repo.folders));
    const entries = listed.map(({ oid: _oid, ...entry }) => entry);
    const readme = await this.#readme(repo, listed);
    return { name: repo.name, ref, commit, path, entries, ...(readme ? { readme } : {}) };
  }

  /** A folder's README (Markdown preferred) when the reader sees it whole; one over 512 KiB is named but not read. */
  async #readme(repo: BrowsedRepository, entries: GitTreeEntry[]): Promise<ReadmeView | undefined> {
    const candidates = entries.filter(entry => entry.type === 'blob' && README.test(entry.name) && pathSight(entry.path, repo.folders) === 'inside');
    const chosen = candidates.find(entry => /\.(md|markdown)$/i.test(entry.name)) ?? candidates[0];
    if (!chosen) return undefined;
    if ((chosen.size ?? 0) > MAX_README_BYTES) return { path: chosen.path, markdown: '', truncated: true };
    return { path: chosen.path, markdown: await readBlob(repo.dir, chosen.oid), truncated: false };
  }
}

function noCommit(repo: BrowsedRepository, ref: string, pointer: string) {
  return notFound(`${repo.name} has no branch, tag or commit "${ref}" (or it has no commits yet)`, [{ pointer, detail: 'names no commit', rule: 'exists' }]);
}
