/**
 * Shallow clones: what Pave reads from a repository it does not keep (a catalog location, docs, a
 * template's files, an edit to commit) is the tip of one branch, nothing more.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkRefName } from './refs.js';
import { runGit } from './run-git.js';

export interface CloneOptions {
  /** The branch (or tag) to clone; none, or `HEAD`, is the remote's default branch. */
  branch?: string;
  /** Default 120 s: a large repository over a slow link takes a while. */
  timeoutMs?: number;
  /** Transport settings for this clone only, as `name=value` given with `-c` (a URL's pinned address, no redirects). */
  config?: readonly string[];
  /** Variables for git (e.g. an HTTP header with a token, never a URL with credentials). */
  env?: NodeJS.ProcessEnv;
  /** Most bytes the clone may take on disk (objects and checkout); over it, git is stopped and a CloneTooLargeError thrown. */
  maxBytes?: number;
}

/** A clone stopped because it took more room than it was allowed; the folder is left for the caller to remove. */
export class CloneTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the clone is larger than the limit of ${maxBytes} bytes`);
    this.name = 'CloneTooLargeError';
  }
}

/** How often a size-limited clone's folder is measured while git runs. */
const SIZE_CHECK_MS = 200;

/**
 * Clones the tip of one branch of `url` into `dir` (which must be missing or empty): one commit deep, no
 * tags. A branch that git could read as an option or a revision expression is refused (422) before git runs.
 * @example await shallowClone('https://github.com/acme/shop.git', dir, { branch: 'main' });
 */
export async function shallowClone(url: string, dir: string, options: CloneOptions = {}): Promise<void> {
  const branch = options.branch && options.branch !== 'HEAD' ? checkRefName(options.branch) : undefined;
  const args = [...(options.config ?? []).flatMap(setting => ['-c', setting]), 'clone', '--quiet', '--depth', '1', '--no-tags', ...(branch ? ['--branch', branch] : []), '--', url, dir];
  const run = { timeoutMs: options.timeoutMs ?? 120_000, ...(options.env ? { env: options.env } : {}) };
  const { maxBytes } = options;
  if (maxBytes === undefined) return void (await runGit(args, run));
  await runGitWithin(args, dir, maxBytes, run);
}

/**
 * Runs git (a clone or a fetch) whose objects land in `dir`, stopping it once `dir` takes more than `maxBytes`.
 * git has no setting that caps what it downloads: the folder is measured while git runs (git is stopped once
 * it is over), and once more at the end for a run quicker than one measurement.
 */
export async function runGitWithin(args: string[], dir: string, maxBytes: number, run: { timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<void> {
  const tooLarge = new AbortController();
  const done = new AbortController();
  const watch = (async () => {
    while (!done.signal.aborted) {
      await sleep(SIZE_CHECK_MS, undefined, { signal: done.signal }).catch(() => undefined);
      if (!done.signal.aborted && (await folderBytes(dir)) > maxBytes) return tooLarge.abort();
    }
  })();
  try {
    await runGit(args, { ...run, signal: tooLarge.signal });
  } catch (error) {
    if (tooLarge.signal.aborted) throw new CloneTooLargeError(maxBytes);
    throw error;
  } finally {
    done.abort();
    await watch;
  }
  if ((await folderBytes(dir)) > maxBytes) throw new CloneTooLargeError(maxBytes);
}

/** The bytes of the files under a folder, links not followed; 0 for a folder that is not there (yet). */
async function folderBytes(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  let total = 0;
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await folderBytes(path);
    else total += (await lstat(path).catch(() => undefined))?.size ?? 0;
  }
  return total;
}

/**
 * The commit a branch, tag or `HEAD` of a remote names now (a tag's commit, not the tag object), asked
 * without fetching anything (`git ls-remote`); undefined when the remote has no such ref. A full commit id
 * is its own answer. Branches are checked as for a clone before git runs.
 * @example await remoteCommit('https://github.com/acme/shop.git', 'main') // '3f2a…'
 */
export async function remoteCommit(url: string, ref: string, options: Omit<CloneOptions, 'branch' | 'maxBytes'> = {}): Promise<string | undefined> {
  if (/^[0-9a-f]{40}$/.test(ref)) return ref;
  const name = ref === 'HEAD' ? 'HEAD' : checkRefName(ref);
  const patterns = name === 'HEAD' ? ['HEAD'] : [`refs/heads/${name}`, `refs/tags/${name}`, `refs/tags/${name}^{}`];
  const { stdout } = await runGit([...(options.config ?? []).flatMap(setting => ['-c', setting]), 'ls-remote', '--', url, ...patterns], {
    timeoutMs: options.timeoutMs ?? 60_000,
    ...(options.env ? { env: options.env } : {}),
  });
  const ids = new Map(stdout.split('\n').filter(Boolean).map(line => [line.slice(line.indexOf('\t') + 1), line.slice(0, line.indexOf('\t'))]));
  return ids.get(`refs/tags/${name}^{}`) ?? ids.get(`refs/heads/${name}`) ?? ids.get(`refs/tags/${name}`) ?? ids.get('HEAD');
}

/**
 * The branch a clone has checked out (the remote's default branch when none was asked for).
 * @example await clonedBranch(dir) // 'main'
 */
export async function clonedBranch(dir: string): Promise<string> {
  return (await runGit(['symbolic-ref', '--short', 'HEAD'], { cwd: dir })).stdout.trim();
}
