import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBareRepository, initBareRepository } from './bare-repository.js';
import { runGit } from './run-git.js';

const root = await mkdtemp(join(tmpdir(), 'pave-bare-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describe('bare repositories', () => {
  it('are created once, folders above them too, on their branch, with a one-line description and no template hooks', async () => {
    const dir = join(root, 'acme', 'api.git');
    expect(await initBareRepository(dir, { branch: 'trunk', description: 'The API\n  of acme' })).toBe(true);
    expect(await initBareRepository(dir, { branch: 'other' })).toBe(false);
    expect((await readFile(join(dir, 'HEAD'), 'utf8')).trim()).toBe('ref: refs/heads/trunk');
    expect(await readFile(join(dir, 'description'), 'utf8')).toBe('The API of acme\n');
    expect((await runGit(['--git-dir', dir, 'rev-parse', '--is-bare-repository'])).stdout.trim()).toBe('true');
    expect(existsSync(join(dir, 'hooks')) ? await readdir(join(dir, 'hooks')) : []).toEqual([]);
  });

  it('refuses a branch that reads as an option before git runs', async () => {
    const dir = join(root, 'option.git');
    await expect(initBareRepository(dir, { branch: '--template=/tmp' })).rejects.toMatchObject({ problem: { status: 422 } });
    expect(existsSync(join(dir, 'HEAD'))).toBe(false);
  });

  it('ensureBareRepository starts one with a README commit, and leaves an existing one as it is', async () => {
    const dir = join(root, 'dev.git');
    const url = await ensureBareRepository(dir, 'main', '# Dev\n');
    expect(url).toBe(pathToFileURL(dir).href);
    expect((await runGit(['--git-dir', dir, 'log', '--format=%s', 'main'])).stdout.trim()).toBe('Initial commit');
    expect((await runGit(['--git-dir', dir, 'show', 'main:README.md'])).stdout).toBe('# Dev\n');
    expect(await ensureBareRepository(dir, 'main', '# Other\n')).toBe(url);
    expect((await runGit(['--git-dir', dir, 'rev-list', '--count', 'main'])).stdout.trim()).toBe('1');
  });
});
