import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { CloneTooLargeError, clonedBranch, shallowClone } from './clone.js';
import { commit } from './commit.js';
import { runGit } from './run-git.js';

const root = await mkdtemp(join(tmpdir(), 'pave-clone-'));
afterAll(() => rm(root, { recursive: true, force: true }));

/** A repository with three commits and a tag on `trunk` (its default branch), and a branch `dev`. */
const source = join(root, 'source');
await mkdir(source);
await runGit(['init', '--quiet', '--initial-branch=trunk'], { cwd: source });
for (const n of [1, 2, 3]) {
  await writeFile(join(source, 'file.txt'), `${n}\n`);
  await commit(source, { message: `c${n}` });
}
await runGit(['tag', 'v1'], { cwd: source });
await runGit(['checkout', '--quiet', '-b', 'dev'], { cwd: source });
await writeFile(join(source, 'file.txt'), 'dev\n');
await commit(source, { message: 'dev' });
await runGit(['checkout', '--quiet', 'trunk'], { cwd: source });
const url = `file://${source}`;

describe('shallowClone', () => {
  it("clones the tip of the remote's default branch, one commit deep and without tags", async () => {
    for (const [name, branch] of [['default', undefined], ['head', 'HEAD']] as const) {
      const dir = join(root, name);
      await shallowClone(url, dir, { branch });
      expect(await readFile(join(dir, 'file.txt'), 'utf8')).toBe('3\n');
      expect(await clonedBranch(dir)).toBe('trunk');
      expect((await runGit(['rev-list', '--count', 'HEAD'], { cwd: dir })).stdout.trim()).toBe('1');
      expect((await runGit(['tag'], { cwd: dir })).stdout.trim()).toBe('');
    }
  });

  it('clones the branch it is asked for', async () => {
    const dir = join(root, 'dev');
    await shallowClone(url, dir, { branch: 'dev' });
    expect(await readFile(join(dir, 'file.txt'), 'utf8')).toBe('dev\n');
    expect(await clonedBranch(dir)).toBe('dev');
  });

  it('refuses a branch that reads as an option before git runs, and takes an option-like URL as a path', async () => {
    const marker = join(root, 'ran');
    await expect(shallowClone(url, join(root, 'x'), { branch: `--upload-pack=touch ${marker}` })).rejects.toMatchObject({ problem: { status: 422 } });
    await expect(shallowClone(`--upload-pack=touch ${marker}`, join(root, 'y'))).rejects.toThrow(/git clone failed/);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(root, 'x'))).toBe(false);
  });

  it('stops at its size limit with a CloneTooLargeError, and clones what fits', async () => {
    const big = join(root, 'big-source');
    await mkdir(big);
    await runGit(['init', '--quiet', '--initial-branch=main'], { cwd: big });
    // Incompressible, so the clone is as large as the file.
    await writeFile(join(big, 'blob.bin'), randomBytes(512 * 1024));
    await commit(big, { message: 'big' });
    await expect(shallowClone(`file://${big}`, join(root, 'big-refused'), { maxBytes: 256 * 1024 })).rejects.toBeInstanceOf(CloneTooLargeError);
    await shallowClone(`file://${big}`, join(root, 'big-taken'), { maxBytes: 4 * 1024 * 1024 });
    expect((await readFile(join(root, 'big-taken', 'blob.bin'))).length).toBe(512 * 1024);
  });
});
