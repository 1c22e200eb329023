import { describe, expect, it } from 'vitest';
import { parseRepoUrl, requireOwner } from './repo-url.js';

describe('parseRepoUrl', () => {
  it('reads the parts each provider uses', () => {
    expect(parseRepoUrl('github.com?owner=acme&repo=api')).toEqual({ host: 'github.com', owner: 'acme', repo: 'api' });
    expect(parseRepoUrl('gitlab.com?owner=acme/web/shop&repo=cart')).toEqual({ host: 'gitlab.com', owner: 'acme/web/shop', repo: 'cart' });
    expect(parseRepoUrl('bitbucket.acme.org:7990?project=PLAT&repo=search')).toEqual({ host: 'bitbucket.acme.org:7990', project: 'PLAT', repo: 'search' });
  });

  it.each([
    ['github.com?owner=acme', /needs repo=/],
    ['github.com/x?owner=acme&repo=api', /nothing between host and query/],
    ['me:secret@github.com?owner=acme&repo=api', /nothing between host and query/],
    ['github.com?owner=a/../b&repo=api', /owner="a\/..\/b", which is not a name/],
    ['github.com?owner=acme&repo=..', /needs repo=/],
  ])('refuses %s on /repoUrl', (value, message) => {
    expect(() => parseRepoUrl(value)).toThrow(expect.objectContaining({ message: expect.stringMatching(message), problem: expect.objectContaining({ status: 422, errors: [expect.objectContaining({ pointer: '/repoUrl' })] }) }));
  });

  it('names the parameter a provider needs', () => {
    expect(() => requireOwner(parseRepoUrl('bitbucket.acme.org?repo=x'), 'project')).toThrow(/needs project= for bitbucket.acme.org/);
  });
});
