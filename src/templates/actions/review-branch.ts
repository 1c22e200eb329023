/**
 * What pull and merge requests share: the repository's base branch cloned, the workspace's files laid
 * over it at a target path (added or replaced, nothing else removed), one commit on a new branch, pushed
 * with git. The provider's API then opens the review request for that branch.
 */
import { copyFile, lstat, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { conflict, invalidInput } from '../../core/problem.js';
import { clonedBranch, shallowClone } from '../../git/clone.js';
import { commit } from '../../git/commit.js';
import { checkRefName } from '../../git/refs.js';
import { runGit } from '../../git/run-git.js';
import { assertNoSymlinks, confinePath } from '../workspace/safe-path.js';
import type { ActionContext } from './action.js';
import { gitCredentialsEnv, type GitCredentials } from '../../git/git-credentials.js';
import { committer, sourceFolder, type CommitInput } from './workspace-commit.js';

export interface ReviewBranchRequest {
  cloneUrl: string;
  credentials: GitCredentials | undefined;
  /** The branch to start from and propose into; default the repository's default branch. */
  base?: string;
  branch: string;
  /** Where in the repository the files go; default its root. */
  targetPath?: string;
  message: string;
  /** Replace the branch when it exists already (Backstage's `update`); else an existing branch is a conflict. */
  update?: boolean;
  /** What each workspace file does to the repository's file at its place: write it (default), write it only where none is, or delete it. */
  mode?: OverlayMode;
}

export type OverlayMode = 'write' | 'skip-existing' | 'delete';

export interface ReviewBranch {
  /** The base branch (the default branch when none was asked for). */
  base: string;
  /** The pushed commit; undefined when the files change nothing (no branch is pushed then). */
  commit?: string;
}

const GIT_TIMEOUT_MS = 120_000;

/** Pushes the workspace's source folder as a branch on top of the base branch. */
export async function pushReviewBranch(ctx: ActionContext<CommitInput>, request: ReviewBranchRequest): Promise<ReviewBranch> {
  checkRefName(request.branch);
  const source = await sourceFolder(ctx);
  const dir = await mkdtemp(join(tmpdir(), 'pave-review-'));
  const env = gitCredentialsEnv(request.credentials);
  try {
    await shallowClone(request.cloneUrl, dir, { ...(request.base ? { branch: request.base } : {}), env, timeoutMs: GIT_TIMEOUT_MS });
    const base = await clonedBranch(dir);
    const target = confinePath(dir, request.targetPath ?? '.', 'input.targetPath', 'the repository');
    if (relative(dir, target).split('/')[0]?.toLowerCase() === '.git') throw invalidInput('input.targetPath must not point into the repository\'s .git folder');
    await overlay(source, dir, target, request.mode ?? 'write');
    const git = (args: string[]) => runGit(args, { cwd: dir, env, timeoutMs: GIT_TIMEOUT_MS });
    await git(['checkout', '--quiet', '-b', request.branch]);
    const identity = committer(ctx.input, ctx.task.createdAt);
    const made = await commit(dir, { message: request.message, author: identity, committer: identity, env, timeoutMs: GIT_TIMEOUT_MS });
    if (!made) return { base };
    const existing = (await git(['ls-remote', '--heads', '--', request.cloneUrl, `refs/heads/${request.branch}`])).stdout.trim().split(/\s+/)[0] ?? '';
    if (existing && existing !== made && !request.update) {
      throw conflict(`${request.cloneUrl} already has a branch ${request.branch} (at ${existing.slice(0, 12)}); choose another branchName, or set update: true to replace it`);
    }
    if (existing !== made) await git(['push', '--quiet', ...(existing ? ['--force'] : []), '--', request.cloneUrl, `HEAD:refs/heads/${request.branch}`]);
    return { base, commit: made };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Copies every file of `source` to the same place under `target`. The clone holds the remote's content,
 * so each destination is checked for symbolic links on the way: a link there must not carry a file out.
 */
async function overlay(source: string, root: string, target: string, mode: OverlayMode): Promise<void> {
  for (const entry of await readdir(source, { withFileTypes: true })) {
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    if (entry.isDirectory()) await overlay(from, root, to, mode);
    else if (entry.isFile()) {
      await assertNoSymlinks(root, to, 'input.targetPath');
      const exists = (await lstat(to).catch(() => undefined)) !== undefined;
      if (mode === 'delete' || (mode === 'skip-existing' && exists)) {
        if (mode === 'delete') await rm(to, { force: true });
        continue;
      }
      await mkdir(dirname(to), { recursive: true });
      await rm(to, { force: true });
      await copyFile(from, to);
    }
  }
}
