/**
 * What every publisher does with the workspace: commit a folder of it as one reproducible commit (the
 * task's creation time as its date, so a resumed task makes the same commit again), with the golden path's
 * record (`.pave/template.yaml`) beside it, and push that commit as the first one of a branch, recognising
 * its own earlier push.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { conflict, invalidInput, isPaveError, PaveError, unavailable } from '../../core/problem.js';
import { initBareRepository } from '../../git/bare-repository.js';
import { commit, type GitIdentity } from '../../git/commit.js';
import { runGit } from '../../git/run-git.js';
import { TEMPLATE_RECORD_PATH, templateRecordText } from '../upgrades/template-record.js';
import type { ActionContext } from './action.js';
import { gitCredentialsEnv, type GitCredentials } from '../../git/git-credentials.js';

/** The commit inputs publishers share with Backstage's. */
export interface CommitInput {
  sourcePath?: string;
  gitCommitMessage?: string;
  gitAuthorName?: string;
  gitAuthorEmail?: string;
}

/** The same inputs as TypeBox properties, for the publishers' schemas. */
export const COMMIT_INPUTS = {
  sourcePath: Type.Optional(Type.String({ title: 'Source path', description: 'Folder inside the workspace to publish; default the whole workspace' })),
  gitCommitMessage: Type.Optional(Type.String({ title: 'Commit message', description: 'Default "Initial commit"' })),
  gitAuthorName: Type.Optional(Type.String({ description: 'Default Pave Scaffolder' })),
  gitAuthorEmail: Type.Optional(Type.String({ description: 'Default scaffolder@pave.local' })),
};

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

/**
 * Commits the source folder on `branch` of a scratch repository (an empty workspace still gives a commit),
 * with `.pave/template.yaml` saying which template, version and values made it: the repository tells
 * where it came from, and its first upgrade changes the version there like any other rendered file.
 */
export async function commitWorkspace(ctx: ActionContext<CommitInput>, branch: string): Promise<WorkspaceCommit> {
  const source = await sourceFolder(ctx);
  const gitDir = await mkdtemp(join(tmpdir(), 'pave-publish-'));
  const dispose = () => rm(gitDir, { recursive: true, force: true });
  try {
    await initBareRepository(gitDir, { branch });
    const identity = committer(ctx.input, ctx.task.createdAt);
    const record = { path: TEMPLATE_RECORD_PATH, content: templateRecordText(ctx.task.templateRef, ctx.task.templateVersion ?? '', ctx.task.values) };
    const made = await commit(source, { gitDir, message: ctx.input.gitCommitMessage ?? 'Initial commit', allowEmpty: true, author: identity, committer: identity, extraFiles: [record], timeoutMs: GIT_TIMEOUT_MS });
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
  const existing = (await remoteBranches(url, credentials)).get(made.branch) ?? '';
  if (existing === made.commit) return 'already';
  if (existing) throw conflict(`${url} already has a ${made.branch} branch (at ${existing.slice(0, 12)}) with other content; publishing only creates new repositories`);
  await runGit(['--git-dir', made.gitDir, 'push', '--quiet', '--', url, `${made.commit}:refs/heads/${made.branch}`], { env: gitCredentialsEnv(credentials), timeoutMs: GIT_TIMEOUT_MS });
  return 'pushed';
}

/** The branches a remote repository holds, by name, with their commits: none for an empty repository. */
export async function remoteBranches(url: string, credentials: GitCredentials | undefined): Promise<Map<string, string>> {
  const listed = await runGit(['ls-remote', '--heads', '--', url], { env: gitCredentialsEnv(credentials), timeoutMs: GIT_TIMEOUT_MS });
  const branches = new Map<string, string>();
  for (const line of listed.stdout.split('\n')) {
    const [commit, ref] = line.trim().split(/\s+/);
    if (commit && ref?.startsWith('refs/heads/')) branches.set(ref.slice('refs/heads/'.length), commit);
  }
  return branches;
}

/** The commit `publishToCreated` would push on `branch`, without pushing it (what a resumed step may find pushed already). */
export async function workspaceCommitOf(ctx: ActionContext<CommitInput>, branch: string): Promise<{ branch: string; commit: string }> {
  const made = await commitWorkspace(ctx, branch);
  try {
    return { branch, commit: made.commit };
  } finally {
    await made.dispose();
  }
}

/**
 * Finishes a repository the step has just created (its settings, its first push). A failure leaves the
 * repository behind as it is: the error says so and names it, with what to do (`remedy`), so it can be
 * removed or finished by hand.
 * @example await settleCreated(ctx, 'https://github.com/acme/shop', 'setting its Actions secrets', 'set them by hand', () => setSecrets(…))
 */
export async function settleCreated(ctx: ActionContext<unknown>, webUrl: string, what: string, remedy: string, settle: () => Promise<void>): Promise<void> {
  try {
    await settle();
  } catch (error) {
    const cause = isPaveError(error) ? error.problem : unavailable((error as Error).message).problem;
    const detail = `Created ${webUrl}, but ${what} failed: ${cause.detail ?? cause.title}. The repository is left as it is (remove it, or ${remedy})`;
    ctx.log.warn(detail);
    throw new PaveError({ ...cause, detail, repositoryUrl: webUrl });
  }
}

/** Pushes the first commit to a repository the step has just created; a failed push leaves an empty repository, named in the error. */
async function pushToCreated(ctx: ActionContext<unknown>, made: WorkspaceCommit, repository: { cloneUrl: string; webUrl: string }, credentials: GitCredentials): Promise<void> {
  await settleCreated(ctx, repository.webUrl, 'pushing to it', 'push to it again', async () => {
    const pushed = await pushFirstCommit(made, repository.cloneUrl, credentials);
    ctx.log.info(pushed === 'already' ? `${repository.webUrl} already has commit ${made.commit.slice(0, 12)}; not pushing again` : `Pushed commit ${made.commit.slice(0, 12)} to ${repository.webUrl} (branch ${made.branch})`);
  });
}

/** Commits the workspace on `branch` and pushes it to a repository the step has just created; outputs `commitHash`. */
export async function publishToCreated(ctx: ActionContext<CommitInput>, branch: string, repository: { cloneUrl: string; webUrl: string }, credentials: GitCredentials): Promise<void> {
  const made = await commitWorkspace(ctx, branch);
  try {
    ctx.output('commitHash', made.commit);
    await pushToCreated(ctx, made, repository, credentials);
  } finally {
    await made.dispose();
  }
}
