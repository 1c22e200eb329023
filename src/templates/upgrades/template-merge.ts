/**
 * A template upgrade as git sees it: the template's new render committed on top of the render the
 * repository's content came from (so the render history is a chain of commits), then merged by git into
 * the repository's branch on a new review branch. Git's own three-way merge decides: the base is the
 * merge base of the repository's branch and the new render (the last render the branch took in), "ours"
 * is the branch as people changed it, "theirs" the new render. Conflicts stay in the files with git's
 * markers, committed, and are listed: an upgrade shows them, it never forces either side.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { conflict } from '../../core/problem.js';
import type { GitIdentity } from '../../git/commit.js';
import { checkRefName } from '../../git/refs.js';
import { GitError, runGit } from '../../git/run-git.js';
import { confinePath } from '../workspace/safe-path.js';

/** One file of a render, relative to the repository's root. */
export interface RenderedFile {
  path: string;
  content: Buffer;
  executable?: boolean;
}

export interface MergeRequest {
  /** What git clones and pushes to, and the variables it needs there (credentials as a header). */
  cloneUrl: string;
  env: NodeJS.ProcessEnv;
  /** The repository's branch the upgrade is proposed into. */
  branch: string;
  /** The render the repository's content last came from, and a repository that holds it besides the target. */
  baseRender: string;
  renders: { url: string; ref: (commit: string) => string };
  files: readonly RenderedFile[];
  reviewBranch: string;
  message: string;
  identity: GitIdentity;
}

export interface MergeOutcome {
  /** `up-to-date`: neither the render nor the branch would change; otherwise a merge commit on the review branch. */
  outcome: 'up-to-date' | 'clean' | 'conflicts';
  /** The new render's commit (its parent the base render); absent when the render is the base's. */
  renderCommit?: string;
  /** The merge commit the review branch points at. */
  mergeCommit?: string;
  /** Files the review branch changes on the repository's branch. */
  changed: string[];
  /** Files left with conflict markers. */
  conflicts: string[];
}

const GIT_TIMEOUT_MS = 120_000;

/**
 * Clones the repository, commits the render and merges it on `reviewBranch` in a scratch clone; `push`
 * then sends the review branch to the repository and the render to the render store. Nothing is pushed
 * by `merge` itself, so a dry run is `merge` without `push`.
 */
export class TemplateMerge {
  private constructor(
    readonly dir: string,
    readonly request: MergeRequest,
    readonly result: MergeOutcome,
  ) {}

  static async merge(request: MergeRequest): Promise<TemplateMerge> {
    checkRefName(request.reviewBranch);
    const dir = await mkdtemp(join(tmpdir(), 'pave-upgrade-'));
    try {
      return new TemplateMerge(dir, request, await mergeIn(dir, request));
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Pushes the review branch (replacing an earlier push of the same upgrade) and keeps the render in the render store. */
  async push(): Promise<void> {
    const { cloneUrl, env, reviewBranch, renders } = this.request;
    const { mergeCommit, renderCommit } = this.result;
    if (!mergeCommit || !renderCommit) return;
    const git = (args: string[], extra: NodeJS.ProcessEnv = env) => runGit(args, { cwd: join(this.dir, 'repo'), env: extra, timeoutMs: GIT_TIMEOUT_MS });
    await git(['push', '--quiet', '--', renders.url, `${renderCommit}:${renders.ref(renderCommit)}`], {});
    await git(['push', '--quiet', '--force', '--', cloneUrl, `${mergeCommit}:refs/heads/${reviewBranch}`]);
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function mergeIn(dir: string, request: MergeRequest): Promise<MergeOutcome> {
  const repo = join(dir, 'repo');
  const identityEnv = {
    GIT_AUTHOR_NAME: request.identity.name,
    GIT_COMMITTER_NAME: request.identity.name,
    ...(request.identity.email ? { GIT_AUTHOR_EMAIL: request.identity.email, GIT_COMMITTER_EMAIL: request.identity.email } : {}),
    ...(request.identity.date ? { GIT_AUTHOR_DATE: request.identity.date, GIT_COMMITTER_DATE: request.identity.date } : {}),
  };
  const git = (args: string[], extra: NodeJS.ProcessEnv = {}, cwd = repo) => runGit(args, { cwd, env: { ...request.env, ...identityEnv, ...extra }, timeoutMs: GIT_TIMEOUT_MS });
  // The whole history of the branch: the merge base is found in it.
  await runGit(['clone', '--quiet', '--no-tags', '--branch', checkRefName(request.branch), '--', request.cloneUrl, repo], { env: request.env, timeoutMs: GIT_TIMEOUT_MS });
  if (!(await hasCommit(git, request.baseRender))) {
    await git(['fetch', '--quiet', '--no-tags', '--', request.renders.url, request.renders.ref(request.baseRender)], {}).catch(() => undefined);
    if (!(await hasCommit(git, request.baseRender))) {
      throw conflict(`The render this repository came from (${request.baseRender.slice(0, 12)}) is neither in the repository nor in Pave's render store; it cannot be merged into`);
    }
  }

  // The new render's tree, built in a scratch index from a folder holding just the render.
  const folder = join(dir, 'render');
  await mkdir(folder);
  for (const file of request.files) {
    const path = confinePath(folder, file.path, 'the render', 'the render');
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content);
    if (file.executable) await chmod(path, 0o755);
  }
  const index = { GIT_INDEX_FILE: join(dir, 'render.index') };
  await git(['--git-dir', join(repo, '.git'), '--work-tree', folder, 'add', '--all', '--force', '--', '.'], index, folder);
  const tree = (await git(['write-tree'], index)).stdout.trim();
  if (tree === (await git(['rev-parse', `${request.baseRender}^{tree}`])).stdout.trim()) return { outcome: 'up-to-date', changed: [], conflicts: [] };
  const renderCommit = (await git(['commit-tree', tree, '-p', request.baseRender, '-m', request.message])).stdout.trim();

  await git(['checkout', '--quiet', '-b', request.reviewBranch]);
  let conflicts: string[] = [];
  try {
    await git(['merge', '--quiet', '--no-ff', '--no-edit', '-m', request.message, renderCommit]);
  } catch (error) {
    if (!(error instanceof GitError) || error.exitCode !== 1) throw error;
    conflicts = lines((await git(['diff', '--name-only', '--diff-filter=U'])).stdout);
    if (!conflicts.length) throw error;
    // The markers are committed as they are: the review shows them and people resolve them there.
    await git(['add', '--all']);
    await git(['commit', '--quiet', '--no-verify', '--no-edit', '-m', `${request.message}\n\nConflicts (resolve them on this branch):\n${conflicts.map(path => `  ${path}`).join('\n')}`]);
  }
  const mergeCommit = (await git(['rev-parse', 'HEAD'])).stdout.trim();
  const changed = lines((await git(['diff', '--name-only', `origin/${request.branch}`, mergeCommit])).stdout);
  if (!changed.length) return { outcome: 'up-to-date', renderCommit, changed, conflicts };
  return { outcome: conflicts.length ? 'conflicts' : 'clean', renderCommit, mergeCommit, changed, conflicts };
}

async function hasCommit(git: (args: string[]) => Promise<unknown>, commit: string): Promise<boolean> {
  return git(['cat-file', '-e', `${commit}^{commit}`]).then(
    () => true,
    () => false,
  );
}

function lines(text: string): string[] {
  return text.split('\n').map(line => line.trim()).filter(Boolean);
}
