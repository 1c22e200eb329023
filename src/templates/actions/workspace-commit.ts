/**
 * What every publisher does with the workspace: commit a folder of it as one reproducible commit (the
 * task's creation time as its date, so a resumed task makes the same commit again) and push that commit
 * as the first one of a branch, recognising its own earlier push.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conflict, invalidInput } from '../../core/problem.js';
import { initBareRepository } from '../../git/bare-repository.js';
import { commit, type GitIdentity } from '../../git/commit.js';
import { runGit } from '../../git/run-git.js';
import type { ActionContext } from './action.js';
import { gitCredentialsEnv, type GitCredentials } from './git-credentials.js';

/** The commit inputs publishers share with Backstage's. */
export interface CommitInput {
  sourcePath?: string;
  gitCommitMessage?: string;
  gitAuthorName?: string;
  gitAuthorEmail?: string;
}

/** A commit in a scratch repository, removed by `dispose`. */
export interface WorkspaceCommit {
  gitDir: string;
  commit: string;
  branch: string;
  dispose(): Promise<void>;
}

const GIT_TIMEOUT_MS = 120_000;

/**
 * A fixed author and date (the task's creation time) make the commit of one task's workspace the same
 * on every run, so a resumed task recognises its own earlier push.
 */
export function committer(input: { gitAuthorName?: string; gitAuthorEmail?: string }, createdAt: string): GitIdentity {
  return { name: input.gitAuthorName ?? 'Pave Scaffolder', email: input.gitAuthorEmail ?? 'scaffolder@pave.local', date: createdAt };
}

/** The workspace folder `sourcePath` names (default the whole workspace), or a 422 when it is not a folder. */
export async function sourceFolder(ctx: ActionContext<CommitInput>): Promise<string> {
  const source = await ctx.workspace.resolveSafe(ctx.input.sourcePath ?? '.', 'input.sourcePath');
  if (!(await stat(source).catch(() => undefined))?.isDirectory()) throw invalidInput(`input.sourcePath "${ctx.input.sourcePath}" is not a folder in the workspace`);
  return source;
}

/** Commits the source folder on `branch` of a scratch repository (an empty workspace still gives a commit). */
export async function commitWorkspace(ctx: ActionContext<CommitInput>, branch: string): Promise<WorkspaceCommit> {
  const source = await sourceFolder(ctx);
  const gitDir = await mkdtemp(join(tmpdir(), 'pave-publish-'));
  const dispose = () => rm(gitDir, { recursive: true, force: true });
  try {
    await initBareRepository(gitDir, { branch });
    const identity = committer(ctx.input, ctx.task.createdAt);
    const made = await commit(source, { gitDir, message: ctx.input.gitCommitMessage ?? 'Initial commit', allowEmpty: true, author: identity, committer: identity, timeoutMs: GIT_TIMEOUT_MS });
    return { gitDir, commit: made!, branch, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/**
 * Pushes the commit as the first one of `branch` at `url`. A remote that already holds the same commit
 * is left alone (`already`); a branch with other content is a conflict (publishers create, never overwrite).
 */
export async function pushFirstCommit(made: WorkspaceCommit, url: string, credentials: GitCredentials | undefined): Promise<'pushed' | 'already'> {
  const git = (args: string[]) => runGit(['--git-dir', made.gitDir, ...args], { env: gitCredentialsEnv(credentials), timeoutMs: GIT_TIMEOUT_MS });
  const existing = (await git(['ls-remote', '--heads', '--', url, `refs/heads/${made.branch}`])).stdout.trim().split(/\s+/)[0] ?? '';
  if (existing === made.commit) return 'already';
  if (existing) throw conflict(`${url} already has a ${made.branch} branch (at ${existing.slice(0, 12)}) with other content; publishing only creates new repositories`);
  await git(['push', '--quiet', '--', url, `${made.commit}:refs/heads/${made.branch}`]);
  return 'pushed';
}
