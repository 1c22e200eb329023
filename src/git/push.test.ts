import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBareRepository } from './bare-repository.js';
import { shallowClone } from './clone.js';
import { commit } from './commit.js';
import { PushError, pushWithRebase } from './push.js';
import { runGit } from './run-git.js';

const root = await mkdtemp(join(tmpdir(), 'pave-push-'));
afterAll(() => rm(root, { recursive: true, force: true }));

let n = 0;
/** A remote with one commit (README.md) and two shallow clones of it, as two writers have. */
async function twoWriters(): Promise<{ remote: string; mine: string; theirs: string }> {
  const remote = join(root, `remote-${++n}.git`);
  const url = await ensureBareRepository(remote, 'main', 'start\n');
  const [mine, theirs] = [join(root, `mine-${n}`), join(root, `theirs-${n}`)];
  await shallowClone(url, mine);
  await shallowClone(url, theirs);
  return { remote, mine, theirs };
}
const subjects = async (remote: string) => (await runGit(['--git-dir', remote, 'log', '--format=%s', 'main'])).stdout.trim().split('\n');
const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('the push should have failed'), (error: unknown) => error as PushError);

describe('pushWithRebase', () => {
  it('pushes; when someone pushed first, rebases onto their commits and pushes again', async () => {
    const { remote, mine, theirs } = await twoWriters();
    await writeFile(join(theirs, 'theirs.txt'), 'theirs\n');
    await commit(theirs, { message: 'theirs' });
    expect(await pushWithRebase(theirs, { branch: 'main' })).toEqual({ attempts: 1, pushed: 'HEAD' });
    await writeFile(join(mine, 'mine.txt'), 'mine\n');
    await commit(mine, { message: 'mine' });
    expect(await pushWithRebase(mine, { branch: 'main' })).toEqual({ attempts: 2, pushed: 'HEAD' });
    expect(await subjects(remote)).toEqual(['mine', 'theirs', 'Initial commit']);
  });

  it('fails as conflicting when our change and theirs touch the same lines, leaving the remote as they left it', async () => {
    const { remote, mine, theirs } = await twoWriters();
    await writeFile(join(theirs, 'README.md'), 'theirs\n');
    await commit(theirs, { message: 'theirs' });
    await pushWithRebase(theirs, { branch: 'main' });
    await writeFile(join(mine, 'README.md'), 'mine\n');
    await commit(mine, { message: 'mine' });
    const error = await failure(pushWithRebase(mine, { branch: 'main' }));
    expect(error).toBeInstanceOf(PushError);
    expect(error.conflicting).toBe(true);
    expect(await subjects(remote)).toEqual(['theirs', 'Initial commit']);
    expect(await readFile(join(mine, 'README.md'), 'utf8')).toBe('mine\n');
  });

  it('tries once when asked to, and never retries a failure that is not a refusal', async () => {
    const { mine, theirs } = await twoWriters();
    await commit(theirs, { message: 'theirs', allowEmpty: true });
    await pushWithRebase(theirs, { branch: 'main' });
    await commit(mine, { message: 'mine', allowEmpty: true });
    expect(await failure(pushWithRebase(mine, { branch: 'main', attempts: 1 }))).toMatchObject({ attempts: 1, conflicting: false });
    const missing = await failure(pushWithRebase(mine, { branch: 'main', remote: join(root, 'missing.git') }));
    expect(missing).toMatchObject({ attempts: 1, conflicting: false });
    expect(missing.message).toMatch(/failed after 1 attempt/);
  });

  it('lets the caller catch up its own way, and stop when nothing is left to push', async () => {
    const { mine, theirs } = await twoWriters();
    await commit(theirs, { message: 'theirs', allowEmpty: true });
    await pushWithRebase(theirs, { branch: 'main' });
    await commit(mine, { message: 'mine', allowEmpty: true });
    const seen: number[] = [];
    expect(await pushWithRebase(mine, { branch: 'main', catchUp: async attempt => (seen.push(attempt), undefined) })).toEqual({ attempts: 1 });
    expect(seen).toEqual([1]);
  });

  it('refuses a branch that reads as an option', async () => {
    const { mine } = await twoWriters();
    await expect(pushWithRebase(mine, { branch: '--mirror' })).rejects.toMatchObject({ problem: { status: 422 } });
  });
});
