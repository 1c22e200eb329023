import { describe, expect, it } from 'vitest';
import { checkRef, checkTreePath } from './repository-input.js';
import { isRepositorySegment, repositoryName } from './repository-name.js';

const problemOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { problem: { status: number; errors: Array<{ pointer: string }> } }).problem;
  }
  throw new Error('expected a problem');
};

describe('repository input', () => {
  it('accepts branch, tag and commit names', () => {
    for (const ref of ['main', 'release/1.2', 'v1.0.0', 'feature/a_b-c', 'f1c3a9e', 'HEAD']) expect(checkRef(ref)).toBe(ref);
  });

  it('refuses refs that git could read as an option or a revision expression', () => {
    for (const ref of ['--output=/tmp/x', '-n1', 'main..dev', 'main@{1}', 'main~1', 'main^', 'a b', 'main:README.md', '/main', 'main/', 'main.', 'x.lock', 'a//b', '.hidden', '']) {
      expect(problemOf(() => checkRef(ref)), ref).toMatchObject({ status: 400, errors: [{ pointer: '/ref' }] });
    }
  });

  it('normalises tree paths and refuses any that would name something else', () => {
    expect(checkTreePath('')).toBe('');
    expect(checkTreePath('/')).toBe('');
    expect(checkTreePath('/src/app/')).toBe('src/app');
    expect(checkTreePath('docs/a b:c.md')).toBe('docs/a b:c.md');
    for (const path of ['..', '../x', 'a/../../b', './a', 'a/./b', 'a//b', 'a\0b', 'x'.repeat(5000)]) {
      expect(problemOf(() => checkTreePath(path)), path.slice(0, 20)).toMatchObject({ status: 400, errors: [{ pointer: '/path' }] });
    }
  });

  it('takes owner and repository names that are one safe folder name each', () => {
    expect(repositoryName('larkspur', 'api.git')).toEqual({ owner: 'larkspur', repo: 'api' });
    expect(repositoryName('larkspur', 'api')).toEqual({ owner: 'larkspur', repo: 'api' });
    for (const bad of ['..', '.git', '-x', 'a/b', 'a..b', '', 'x'.repeat(101)]) expect(isRepositorySegment(bad), bad).toBe(false);
    expect(repositoryName('..', 'api')).toBeUndefined();
  });
});
