import { describe, expect, it } from 'vitest';
import { normaliseBasePath, ownershipIndexPath, requestFolder, unsafePathReason } from './repo-path.js';

describe('repository paths', () => {
  it('keeps generated files inside their folder', () => {
    for (const path of ['a.yaml', 'sub/dir/b.yaml', '.hidden.yaml']) expect(unsafePathReason(path)).toBeUndefined();
    expect(unsafePathReason('../x')).toContain('must not leave its folder');
    expect(unsafePathReason('a/../../x')).toContain('must not leave its folder');
    expect(unsafePathReason('/etc/passwd')).toContain('relative');
    expect(unsafePathReason('C:/x')).toContain('relative');
    expect(unsafePathReason('a\\b')).toContain('separator');
    expect(unsafePathReason('a//b')).toContain('empty segments');
    expect(unsafePathReason('.git/config')).toContain('.git');
    expect(unsafePathReason('.pave/owners/x.json')).toContain('.pave');
    expect(unsafePathReason('')).toBeDefined();
  });

  it('lays requests out as <path>/<namespace>/<kind>/<name>', () => {
    expect(requestFolder('./clusters/dev/', { namespace: 'team', kind: 'PostgreSQL', name: 'db' })).toBe('clusters/dev/team/postgresql/db');
    expect(requestFolder('', { namespace: 'team', kind: 'Redis', name: 'c' })).toBe('team/redis/c');
    expect(ownershipIndexPath('clusters/dev', { namespace: 'team', kind: 'Redis', name: 'c' })).toBe('clusters/dev/.pave/owners/team/redis/c.json');
    expect(normaliseBasePath('.')).toBe('');
  });
});
