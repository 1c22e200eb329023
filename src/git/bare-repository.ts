/**
 * Bare repositories Pave creates: the ones it hosts (`publish:git`), GitOps destinations on this machine
 * (the demo's, the tests'), and scratch ones a workspace is committed into.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkRefName } from './refs.js';
import { runGit } from './run-git.js';

export interface BareRepositoryOptions {
  /** Its default branch (what HEAD names). Default `main`. */
  branch?: string;
  /** Written to its `description` file as one line (what repository lists show). */
  description?: string;
}

/**
 * Creates a bare repository at `dir` (and the folders above it) unless one is there already; true when
 * it made one. The repository has no commits yet.
 * @example await initBareRepository('/data/git/acme/api.git', { branch: 'main', description: 'The API' });
 */
export async function initBareRepository(dir: string, options: BareRepositoryOptions = {}): Promise<boolean> {
  if (await stat(join(dir, 'HEAD')).catch(() => undefined)) return false;
  await mkdir(dir, { recursive: true });
  await runGit(['init', '--quiet', '--bare', `--initial-branch=${checkRefName(options.branch ?? 'main')}`, '--', dir]);
  if (options.description) await writeFile(join(dir, 'description'), options.description.replace(/\s+/g, ' ').trim().slice(0, 500) + '\n');
  return true;
}

/**
 * Creates a bare repository with one commit on `branch` unless it exists; returns its file:// URL. The commit
 * holds a README with `content`, or the files `content` maps (names at the root, no folders). For repositories
 * on this machine: the demo's destinations and hosted repositories, the tests'.
 * @example const url = await ensureBareRepository('.pave/destinations/dev.git', 'main');
 * @example await ensureBareRepository('.pave/git/acme/shop.git', 'main', { 'README.md': '# Shop\n', CODEOWNERS: '* @acme/shop\n' });
 */
export async function ensureBareRepository(path: string, branch = 'main', content: string | Readonly<Record<string, string>> = '# Pave destination\n\nManifests written by Pave.\n'): Promise<string> {
  const files = typeof content === 'string' ? { 'README.md': content } : content;
  for (const name of Object.keys(files)) if (!/^[^/\\\t\n]+$/.test(name) || name === '.' || name === '..') throw new Error(`ensureBareRepository: "${name}" is not a file name at the root`);
  const dir = resolve(path);
  if (!(await initBareRepository(dir, { branch }))) return pathToFileURL(dir).href;
  const git = async (args: string[], input?: string) => (await runGit(['--git-dir', dir, ...args], { input })).stdout.trim();
  // Pushes come quickly one after another: no garbage collection in their wake.
  await git(['config', 'receive.autogc', 'false']);
  // The first commit is built in the bare repository itself (no working copy, no push).
  let listing = '';
  for (const name of Object.keys(files).sort()) listing += `100644 blob ${await git(['hash-object', '-w', '--stdin'], files[name]!)}\t${name}\n`;
  const tree = await git(['mktree'], listing);
  const commit = await git(['commit-tree', tree, '-m', 'Initial commit']);
  await git(['update-ref', `refs/heads/${branch}`, commit]);
  return pathToFileURL(dir).href;
}
