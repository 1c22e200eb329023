/**
 * Helpers for the repository suites: a hosted repository with real history, made with the git CLI the
 * way people make them (a working copy, commits, a push into `<root>/<owner>/<repo>.git`).
 */
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { initBareRepository } from '../../src/git/bare-repository.js';
import { runGit } from '../../src/git/run-git.js';

/** Files of one commit: text, or bytes for binary content. */
export type Files = Record<string, string | Buffer | { link: string }>;

export interface MadeRepository {
  dir: string;
  /** Commit ids, oldest first. */
  commits: string[];
  /** Adds a commit on `branch` and pushes it; returns its id. */
  commit(message: string, files: Files, branch?: string): Promise<string>;
}

/**
 * Creates the bare repository `<root>/<owner>/<repo>.git` (default branch main) and pushes one commit
 * per entry of `history` to it.
 * @example const repo = await makeHostedRepository(root, 'acme', 'shop', [{ message: 'Start', files: { 'README.md': '# Shop' } }]);
 */
export async function makeHostedRepository(root: string, owner: string, repo: string, history: Array<{ message: string; files: Files }>, description?: string): Promise<MadeRepository> {
  const dir = join(root, owner, `${repo}.git`);
  await initBareRepository(dir, { branch: 'main', ...(description ? { description } : {}) });
  // The working copy sits beside the root (in the test's data folder), so it goes when the data folder does.
  const work = join(dirname(root), 'work', owner, repo);
  await runGit(['init', '--quiet', '--initial-branch=main', work]);
  const commits: string[] = [];
  let when = Date.UTC(2025, 0, 1) / 1000;
  const made: MadeRepository = {
    dir,
    commits,
    async commit(message, files, branch = 'main') {
      const current = (await runGit(['-C', work, 'branch', '--show-current'])).stdout.trim();
      if (current !== branch) await runGit(['-C', work, 'checkout', '--quiet', '-B', branch]);
      for (const [path, content] of Object.entries(files)) {
        const target = join(work, path);
        await mkdir(dirname(target), { recursive: true });
        await rm(target, { force: true });
        if (typeof content === 'object' && 'link' in content) await symlink(content.link, target);
        else await writeFile(target, content);
      }
      when += 3600;
      const env = { GIT_AUTHOR_DATE: `${when} +0000`, GIT_COMMITTER_DATE: `${when} +0000`, GIT_AUTHOR_NAME: 'Ada Lovelace', GIT_AUTHOR_EMAIL: 'ada@example.test' };
      await runGit(['-C', work, 'add', '--all'], { env });
      await runGit(['-C', work, 'commit', '--quiet', '-m', message], { env });
      const id = (await runGit(['-C', work, 'rev-parse', 'HEAD'])).stdout.trim();
      await runGit(['-C', work, 'push', '--quiet', dir, `HEAD:refs/heads/${branch}`]);
      commits.push(id);
      return id;
    },
  };
  for (const step of history) await made.commit(step.message, step.files);
  return made;
}

/** Files of a branch of a (bare or cloned) repository, sorted. */
export async function filesAt(gitDir: string, ref = 'HEAD'): Promise<string[]> {
  return (await runGit(['--git-dir', gitDir, 'ls-tree', '-r', '--name-only', ref])).stdout.split('\n').filter(Boolean).sort();
}
