import { describe, expect, it } from 'vitest';
import { runGit } from '../git/run-git.js';
import { batchMessage, planBatch } from './delivery-batch.js';
import { blobId, FileTree } from './file-tree.js';

const tree = (files: Record<string, string>) => {
  const t = FileTree.empty();
  for (const [path, content] of Object.entries(files)) t.set(path, blobId(content));
  return t;
};

describe('planBatch', () => {
  it('computes blob ids as git does', async () => {
    for (const content of ['', 'a: 1\n', 'naïve ✓\n']) {
      expect(blobId(content)).toBe((await runGit(['hash-object', '--stdin'], { input: content })).stdout.trim());
    }
  });

  it('lays writes over the branch in order, each seeing the ones before, and leaves the base as it was', () => {
    const base = tree({ 'a/one.yaml': '1', 'a/two.yaml': '2', 'b/f.yaml': 'b', 'idx/a.json': 'i' });
    const plan = planBatch(base, [
      { folder: 'a', files: new Map([['one.yaml', '1'], ['sub/three.yaml', '3']]), extra: new Map([['idx/a.json', 'i2']]) },
      { folder: 'b', files: null, extra: new Map([['idx/b.json', null]]) },
      { folder: 'a', files: new Map([['one.yaml', '1'], ['sub/three.yaml', '3']]) },
    ]);
    expect(plan.diffs).toEqual([
      [
        { path: 'a/sub/three.yaml', change: 'added' },
        { path: 'a/two.yaml', change: 'deleted' },
        { path: 'idx/a.json', change: 'modified' },
      ],
      [{ path: 'b/f.yaml', change: 'deleted' }],
      [],
    ]);
    expect(Object.fromEntries(plan.contents)).toEqual({ 'a/sub/three.yaml': '3', 'a/two.yaml': null, 'idx/a.json': 'i2', 'b/f.yaml': null });
    expect([...plan.tree.list('').keys()].sort()).toEqual(['a/one.yaml', 'a/sub/three.yaml', 'idx/a.json']);
    expect([...base.list('').keys()].sort()).toEqual(['a/one.yaml', 'a/two.yaml', 'b/f.yaml', 'idx/a.json']);
  });

  it('names every delivery of a shared commit in one trailer block', () => {
    expect(batchMessage(['pave: configure a\n\nPave-Run: 1\nPave-Request: t/a', 'pave: delete b\n\nPave-Run: 2\nPave-Request: t/b'])).toBe(
      'pave: 2 changes\n\npave: configure a\npave: delete b\n\nPave-Run: 1\nPave-Request: t/a\nPave-Run: 2\nPave-Request: t/b',
    );
    expect(batchMessage(['pave: configure a\n\nPave-Run: 1'])).toBe('pave: configure a\n\nPave-Run: 1');
  });
});
