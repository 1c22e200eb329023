import { existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runGit } from '../core/run-git.js';

/**
 * Creates a bare git repository with one initial commit on `branch` (a README), unless it exists.
 * Used for the demo destinations and in tests; returns its file:// URL.
 * @example const url = await ensureBareRepository('.pave/destinations/dev.git', 'main');
 */
export async function ensureBareRepository(path: string, branch = 'main', readme = '# Pave destination\n\nManifests written by Pave.\n'): Promise<string> {
  const dir = resolve(path);
  const url = pathToFileURL(dir).href;
  if (existsSync(join(dir, 'HEAD'))) return url;
  await mkdir(dir, { recursive: true });
  await runGit(['init', '-q', '--bare', '-b', branch, dir]);
  await runGit(['--git-dir', dir, 'config', 'receive.autogc', 'false']);
  // The first commit is built in the bare repository itself (no working copy, no push).
  const blob = await runGitWithInput(['--git-dir', dir, 'hash-object', '-w', '--stdin'], readme);
  const tree = await runGitWithInput(['--git-dir', dir, 'mktree'], `100644 blob ${blob}\tREADME.md\n`);
  const commit = (await runGit(['--git-dir', dir, 'commit-tree', tree, '-m', 'Initial commit'])).stdout.trim();
  await runGit(['--git-dir', dir, 'update-ref', `refs/heads/${branch}`, commit]);
  return url;
}

function runGitWithInput(args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('git', args, { env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`git ${args.join(' ')} failed: ${String(stderr || error.message)}`));
      else resolve(String(stdout).trim());
    });
    child.stdin?.end(input);
  });
}
