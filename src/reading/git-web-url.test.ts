import { describe, expect, it } from 'vitest';
import { gitWebUrl } from './git-web-url.js';

const parsed = (url: string) => {
  const web = gitWebUrl(new URL(url));
  return web && { ...web, repository: web.repository.href };
};

describe('gitWebUrl', () => {
  it("takes apart GitHub's and GitLab's tree and blob pages", () => {
    expect(parsed('https://github.com/acme/shop/blob/main/catalog/info.yaml')).toEqual({ repository: 'https://github.com/acme/shop.git', ref: 'main', path: 'catalog/info.yaml', kind: 'blob' });
    expect(parsed('https://gitlab.example.com/group/sub/shop/-/tree/v1.2/docs')).toEqual({ repository: 'https://gitlab.example.com/group/sub/shop.git', ref: 'v1.2', path: 'docs', kind: 'tree' });
  });

  it("takes apart Gitea's src pages and Bitbucket Server's browse pages (file or folder: a page), the ref from `at`", () => {
    expect(parsed('https://gitea.example.com/acme/shop/src/branch/main/catalog-info.yaml')).toEqual({ repository: 'https://gitea.example.com/acme/shop.git', ref: 'main', path: 'catalog-info.yaml', kind: 'page' });
    expect(parsed('https://gitea.example.com/acme/shop/src/tag/v1')).toEqual({ repository: 'https://gitea.example.com/acme/shop.git', ref: 'v1', path: '', kind: 'page' });
    expect(parsed('https://bitbucket.example.com/projects/ACME/repos/shop/browse/docs/index.md?at=refs%2Fheads%2Frelease')).toEqual({ repository: 'https://bitbucket.example.com/scm/acme/shop.git', ref: 'release', path: 'docs/index.md', kind: 'page' });
    expect(parsed('https://bitbucket.example.com/projects/ACME/repos/shop/browse')).toEqual({ repository: 'https://bitbucket.example.com/scm/acme/shop.git', ref: 'HEAD', path: '', kind: 'page' });
  });

  it('answers undefined for other URLs and malformed escapes', () => {
    for (const url of ['https://github.com/acme/shop', 'https://github.com/acme/shop.git', 'https://gitea.example.com/acme/shop/src/main/x', 'https://github.com/acme/shop/blob/%zz/x', 'https://example.com/a/b/c/d']) {
      expect(gitWebUrl(new URL(url)), url).toBeUndefined();
    }
  });
});
