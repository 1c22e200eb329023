import { describe, expect, it } from 'vitest';
import { checkRefName, refNameProblem } from './refs.js';

describe('ref names', () => {
  it('accepts the branch and tag names people use', () => {
    for (const name of ['main', 'HEAD', 'release/1.2', 'v1.0.0', 'feature/a_b-c', 'pave/edit-shop-m1x2', 'fix+ü', 'x-']) expect(refNameProblem(name), name).toBeUndefined();
  });

  it('refuses names git would read as an option, a revision expression or a pattern, or refuse itself', () => {
    const refused = ['', '-n1', '--upload-pack=touch /tmp/x', 'a b', 'a\tb', 'a\nb', 'main~1', 'main^', 'main:README.md', 'a?', 'a*', 'a[b', 'a\\b', 'main..dev', 'a//b', 'main@{1}', '@', '/main', 'main/', 'main.', 'x.lock', '.hidden', 'a/.b', 'x'.repeat(256)];
    for (const name of refused) expect(refNameProblem(name), name).toBeDefined();
  });

  it('checkRefName answers a 422 naming the field and the rule', () => {
    expect(checkRefName('main')).toBe('main');
    let problem: unknown;
    try {
      checkRefName('--force', '/input/branch');
    } catch (error) {
      problem = (error as { problem: unknown }).problem;
    }
    expect(problem).toMatchObject({ status: 422, errors: [{ pointer: '/input/branch', rule: 'ref', detail: 'must not start with "-" (git would read it as an option)' }] });
  });
});
