/**
 * Read-only git queries on one bare repository, through the git CLI (no shell). Callers pass refs
 * and paths already checked by `repository-input.ts`; here every revision is a full commit id from
 * `resolveCommit` and pathspecs are literal, so nothing a caller sends can become an option, a revision
 * expression or a glob; the runner (`git/run-git.ts`) keeps user and system configuration out.
 */
import { GitError, runGit } from '../git/run-git.js';
import type { CommitView, TreeEntry } from './repository-views.js';

/** Paths are never patterns, and replace refs never change what is read. */
const READ_ENV = { GIT_LITERAL_PATHSPECS: '1', GIT_NO_REPLACE_OBJECTS: '1' };

function git(dir: string, args: string[]): Promise<string> {
  return runGit(['--git-dir', dir, ...args], { env: READ_ENV, timeoutMs: 30_000 }).then(result => result.stdout);
}

/** git's exit code 1 (or 128) for "no such thing", as undefined; anything else is an error. */
async function gitOrUndefined(dir: string, args: string[]): Promise<string | undefined> {
  try {
    return await git(dir, args);
  } catch (error) {
    if (error instanceof GitError && (error.exitCode === 1 || error.exitCode === 128)) return undefined;
    throw error;
  }
}

/**
 * The full commit id a checked ref names, or undefined when it names none (or the branch has no commits yet).
 * @example await resolveCommit(dir, 'main') // 'f1c3…'
 */
export async function resolveCommit(dir: string, ref: string): Promise<string | undefined> {
  return (await gitOrUndefined(dir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]))?.trim() || undefined;
}

/** Short names of the refs under `refs/heads` or `refs/tags`, at most `limit`, in name order. */
export async function refNames(dir: string, namespace: 'refs/heads' | 'refs/tags', limit = 200): Promise<string[]> {
  const out = await git(dir, ['for-each-ref', `--count=${limit}`, '--format=%(refname:short)', namespace]);
  return out.split('\n').filter(Boolean);
}

const FIELD = '\x1f';

/**
 * The commit a branch points at, with its author, date and subject, in one `for-each-ref` (what the
 * list shows per repository); undefined when the branch has no commits yet.
 * @example await branchTip(dir, 'main') // { id: 'f1c3…', author: 'Ada', authorEmail: 'ada@example.test', date: '2025-01-01T01:00:00.000Z', subject: 'Start' }
 */
export async function branchTip(dir: string, branch: string): Promise<CommitView | undefined> {
  const ref = `refs/heads/${branch}`;
  const format = ['%(refname)', '%(objecttype)', '%(objectname)', '%(authorname)', '%(authoremail)', '%(authordate:iso-strict)', '%(subject)'].join(FIELD);
  // A pattern also matches the refs below it (`main/x`) and may hold glob characters: keep the exact ref only.
  for (const line of (await git(dir, ['for-each-ref', `--format=${format}`, ref])).split('\n')) {
    const [refname, type, id = '', author = '', email = '', date = '', subject = ''] = line.split(FIELD);
    if (refname !== ref || type !== 'commit') continue;
    return { id, author, authorEmail: email.replace(/^<|>$/g, ''), date: new Date(date).toISOString(), subject };
  }
  return undefined;
}

/**
 * The latest commits reachable from a commit, newest first (author dates in UTC); with `paths`, only
 * those that change something under one of them (literal pathspecs).
 */
export async function recentCommits(dir: string, commit: string, limit: number, paths: readonly string[] = []): Promise<CommitView[]> {
  const out = await git(dir, ['log', '-z', `--max-count=${limit}`, `--format=%H${FIELD}%an${FIELD}%ae${FIELD}%aI${FIELD}%s`, commit, '--', ...paths]);
  return out
    .split('\0')
    .filter(Boolean)
    .map(record => {
      const [id = '', author = '', authorEmail = '', date = '', subject = ''] = record.split(FIELD);
      return { id, author, authorEmail, date: new Date(date).toISOString(), subject };
    });
}

/** One entry of a tree as git stores it: what the views show, plus its object id. */
export interface GitTreeEntry extends TreeEntry {
  oid: string;
}

/** `<mode> SP <type> SP <oid> SP+ <size> TAB <path>` records, NUL-terminated (`ls-tree -z -l`). */
function parseTree(out: string, parent: string): GitTreeEntry[] {
  const entries: GitTreeEntry[] = [];
  for (const record of out.split('\0')) {
    const match = /^(\d{6}) (\w+) ([0-9a-f]+) +(-|\d+)\t([\s\S]+)$/.exec(record);
    if (!match) continue;
    const [, mode, kind, oid, size, name] = match as unknown as [string, string, string, string, string, string];
    const type = mode === '120000' ? 'symlink' : kind === 'tree' ? 'tree' : kind === 'commit' ? 'submodule' : 'blob';
    const path = parent ? `${parent}/${name}` : name;
    entries.push({ name: name.slice(name.lastIndexOf('/') + 1), path, type, oid, ...(size === '-' ? {} : { size: Number(size) }) });
  }
  return entries;
}

/** The entry at a path of a commit's tree, or undefined when there is none. The root is not an entry. */
export async function entryAt(dir: string, commit: string, path: string): Promise<GitTreeEntry | undefined> {
  const out = await git(dir, ['ls-tree', '-z', '-l', '--full-tree', commit, '--', path]);
  return parseTree(out, '').find(entry => entry.path === path);
}

/** The entries of a tree (folders first, then by name), with paths from the repository root. */
export async function listTree(dir: string, tree: string, path: string): Promise<GitTreeEntry[]> {
  const entries = parseTree(await git(dir, ['ls-tree', '-z', '-l', tree]), path);
  const rank = (entry: TreeEntry) => (entry.type === 'tree' ? 0 : 1);
  return entries.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

/** A blob's bytes as text (a NUL byte, kept as U+0000, marks binary content). */
export async function readBlob(dir: string, oid: string): Promise<string> {
  return git(dir, ['cat-file', 'blob', oid]);
}

/** One commit as its page shows it: who, when, the whole message, its parents and the files it changed. */
export interface GitCommit extends CommitView {
  message: string;
  parents: string[];
  files: Array<{ path: string; change: 'added' | 'modified' | 'deleted' }>;
}

const CHANGES: Record<string, 'added' | 'modified' | 'deleted'> = { A: 'added', D: 'deleted' };

/**
 * A commit (a full id from `resolveCommit`) with the files it changed against its first parent (against
 * nothing for a root commit); renames and copies are not detected, so each path reads as added or deleted.
 */
export async function commitDetail(dir: string, commit: string): Promise<GitCommit> {
  const head = await git(dir, ['show', '-s', '-z', `--format=%H${FIELD}%P${FIELD}%an${FIELD}%ae${FIELD}%aI${FIELD}%s${FIELD}%B`, commit, '--']);
  const [id = '', parents = '', author = '', authorEmail = '', date = '', subject = '', message = ''] = head.replace(/\0$/, '').split(FIELD);
  const parentIds = parents.split(' ').filter(Boolean);
  const diff = await git(dir, ['diff-tree', '-r', '-z', '--no-renames', '--name-status', ...(parentIds.length ? [parentIds[0]!, commit] : ['--root', commit]), '--']);
  const fields = diff.split('\0').filter(Boolean);
  const files: GitCommit['files'] = [];
  // `--root` with one commit prints its id first; the records are then status and path pairs.
  for (let i = fields[0] === commit ? 1 : 0; i + 1 < fields.length; i += 2) files.push({ path: fields[i + 1]!, change: CHANGES[fields[i]!] ?? 'modified' });
  return { id, author, authorEmail, date: new Date(date).toISOString(), subject, message: message.trimEnd(), parents: parentIds, files };
}
