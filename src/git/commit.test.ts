import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initBareRepository } from './bare-repository.js';
import { commit } from './commit.js';
import { runGit } from './run-git.js';

const root = await mkdtemp(join(tmpdir(), 'pave-commit-'));
afterAll(() => rm(root, { recursive: true, force: true }));

async function repository(name: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir);
  await runGit(['init', '--quiet', '--initial-branch=main'], { cwd: dir });
  return dir;
}
const show = async (dir: string, format: string) => (await runGit(['log', '-1', `--format=${format}`], { cwd: dir })).stdout.trim();
const files = async (dir: string) => (await runGit(['ls-tree', '-r', '--name-only', 'HEAD'], { cwd: dir })).stdout.trim().split('\n');

describe('commit', () => {
  it('commits every change, deletions too, and returns the new id; nothing changed, nothing committed', async () => {
    const dir = await repository('all');
    await writeFile(join(dir, 'a.txt'), 'a\n');
    await writeFile(join(dir, 'b.txt'), 'b\n');
    const first = await commit(dir, { message: 'first' });
    expect(first).toBe((await runGit(['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim());
    await rm(join(dir, 'b.txt'));
    await commit(dir, { message: 'second' });
    expect(await files(dir)).toEqual(['a.txt']);
    expect(await commit(dir, { message: 'nothing' })).toBeUndefined();
    expect(await show(dir, '%s')).toBe('second');
    expect(await commit(dir, { message: 'empty', allowEmpty: true })).toMatch(/^[0-9a-f]{40}$/);
  });

  it('commits only the paths named, taken literally (a name that looks like a glob is one file)', async () => {
    const dir = await repository('paths');
    await writeFile(join(dir, '*.yaml'), 'star\n');
    await writeFile(join(dir, 'other.yaml'), 'other\n');
    await commit(dir, { message: 'star', paths: ['*.yaml'] });
    expect(await files(dir)).toEqual(['*.yaml']);
  });

  it('records the author and committer it is given, dates too', async () => {
    const dir = await repository('identity');
    await writeFile(join(dir, 'a.txt'), 'a\n');
    await commit(dir, { message: 'a', author: { name: 'Ada', email: 'ada@example.test', date: '2025-01-01T00:00:00Z' }, committer: { name: 'Pave Scaffolder', date: '2025-01-02T00:00:00Z' } });
    expect(await show(dir, '%an <%ae> %aI|%cn %cI')).toBe('Ada <ada@example.test> 2025-01-01T00:00:00+00:00|Pave Scaffolder 2025-01-02T00:00:00+00:00');
  });

  it('commits a folder into a git directory kept apart from it', async () => {
    const work = join(root, 'workspace');
    await mkdir(join(work, 'src'), { recursive: true });
    await writeFile(join(work, 'src', 'index.ts'), 'export {};\n');
    const gitDir = join(root, 'scratch.git');
    await initBareRepository(gitDir);
    const id = await commit(work, { gitDir, message: 'Initial commit' });
    expect((await runGit(['--git-dir', gitDir, 'ls-tree', '-r', '--name-only', id!])).stdout.trim()).toBe('src/index.ts');
  });
});
