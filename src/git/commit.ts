/**
 * Commits: a working tree's changes (all of them, or some paths) in one commit, with hooks and signing
 * kept out by the runner.
 */
import { GitError, runGit } from './run-git.js';

/** A name and e-mail address, and optionally a date, for the author or committer of a commit. */
export interface GitIdentity {
  name: string;
  email?: string;
  /** ISO-8601 or git's own `<unix seconds> <offset>`; default now. A fixed date makes a commit reproducible. */
  date?: string;
}

export interface CommitOptions {
  message: string;
  /** Paths to commit, relative to the working tree and taken literally (no globs); default everything. */
  paths?: readonly string[];
  /** Commit even when nothing changed. Default false: nothing is committed and undefined returned. */
  allowEmpty?: boolean;
  /** Default the runner's identity (Pave, or the process's GIT_AUTHOR_* variables). */
  author?: GitIdentity;
  /** Default the runner's identity. */
  committer?: GitIdentity;
  /** A git directory apart from the working tree (a workspace committed into a scratch repository). */
  gitDir?: string;
  /** Variables for every git command (e.g. an HTTP header for a later push). */
  env?: NodeJS.ProcessEnv;
  /** Files committed besides the working tree's (replacing one at the same path), never written to it. */
  extraFiles?: ReadonlyArray<{ path: string; content: string }>;
  timeoutMs?: number;
}

/**
 * Stages `paths` (additions, changes and deletions) in the working tree `dir` and commits them; returns
 * the new commit's id, or undefined when nothing changed.
 * @example const id = await commit(dir, { message: 'Update catalog-info.yaml', paths: ['catalog-info.yaml'], author: { name: 'Ada' } });
 */
export async function commit(dir: string, options: CommitOptions): Promise<string | undefined> {
  const where = options.gitDir ? ['--git-dir', options.gitDir, '--work-tree', dir] : [];
  const env = { ...options.env, ...identityEnv('AUTHOR', options.author), ...identityEnv('COMMITTER', options.committer) };
  const git = (args: string[]) => runGit([...where, ...args], { cwd: dir, env, timeoutMs: options.timeoutMs });
  await git(['--literal-pathspecs', 'add', '--all', '--', ...(options.paths ?? ['.'])]);
  for (const file of options.extraFiles ?? []) {
    const blob = (await runGit([...where, 'hash-object', '-w', '--stdin'], { cwd: dir, env, input: file.content, timeoutMs: options.timeoutMs })).stdout.trim();
    await git(['update-index', '--add', '--cacheinfo', `100644,${blob},${file.path}`]);
  }
  try {
    await git(['commit', '--quiet', '--no-verify', ...(options.allowEmpty ? ['--allow-empty'] : []), '-m', options.message]);
  } catch (error) {
    // With a message given and hooks, signing and editors out of the picture, git commit fails with
    // exit code 1 only when there is nothing to commit (its other failures are fatal: 128).
    if (error instanceof GitError && error.exitCode === 1) return undefined;
    throw error;
  }
  return (await git(['rev-parse', 'HEAD'])).stdout.trim();
}

function identityEnv(role: 'AUTHOR' | 'COMMITTER', identity: GitIdentity | undefined): NodeJS.ProcessEnv {
  if (!identity) return {};
  return {
    [`GIT_${role}_NAME`]: identity.name,
    ...(identity.email !== undefined ? { [`GIT_${role}_EMAIL`]: identity.email } : {}),
    ...(identity.date !== undefined ? { [`GIT_${role}_DATE`]: identity.date } : {}),
  };
}
