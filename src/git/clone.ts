/**
 * Shallow clones: what Pave reads from a repository it does not keep (a catalog location, docs, a
 * template's files, an edit to commit) is the tip of one branch, nothing more.
 */
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
}

/**
 * Clones the tip of one branch of `url` into `dir` (which must be missing or empty): one commit deep, no
 * tags. A branch that git could read as an option or a revision expression is refused (422) before git runs.
 * @example await shallowClone('https://github.com/acme/shop.git', dir, { branch: 'main' });
 */
export async function shallowClone(url: string, dir: string, options: CloneOptions = {}): Promise<void> {
  const branch = options.branch && options.branch !== 'HEAD' ? checkRefName(options.branch) : undefined;
  await runGit([...(options.config ?? []).flatMap(setting => ['-c', setting]), 'clone', '--quiet', '--depth', '1', '--no-tags', ...(branch ? ['--branch', branch] : []), '--', url, dir], { timeoutMs: options.timeoutMs ?? 120_000, ...(options.env ? { env: options.env } : {}) });
}

/**
 * The branch a clone has checked out (the remote's default branch when none was asked for).
 * @example await clonedBranch(dir) // 'main'
 */
export async function clonedBranch(dir: string): Promise<string> {
  return (await runGit(['symbolic-ref', '--short', 'HEAD'], { cwd: dir })).stdout.trim();
}
