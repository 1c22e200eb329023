import { describe, expect, it } from 'vitest';
import { locationAnnotations } from './location-annotations.js';

describe('locationAnnotations', () => {
  it.each([
    ['https://github.com/acme/shop.git', 'https://github.com/acme/shop/blob/main/svc/catalog-info.yaml', 'https://github.com/acme/shop/edit/main/svc/catalog-info.yaml', 'https://github.com/acme/shop/tree/main/svc/'],
    ['https://gitlab.com/acme/team/shop.git', 'https://gitlab.com/acme/team/shop/-/blob/main/svc/catalog-info.yaml', 'https://gitlab.com/acme/team/shop/-/edit/main/svc/catalog-info.yaml', 'https://gitlab.com/acme/team/shop/-/tree/main/svc/'],
    ['https://bitbucket.org/acme/shop.git', 'https://bitbucket.org/acme/shop/src/main/svc/catalog-info.yaml', 'https://bitbucket.org/acme/shop/src/main/svc/catalog-info.yaml?mode=edit', 'https://bitbucket.org/acme/shop/src/main/svc/'],
    ['https://gitea.acme.com/acme/shop.git', 'https://gitea.acme.com/acme/shop/src/branch/main/svc/catalog-info.yaml', 'https://gitea.acme.com/acme/shop/_edit/main/svc/catalog-info.yaml', 'https://gitea.acme.com/acme/shop/src/branch/main/svc/'],
  ])('links a file of %s to its pages', (repository, view, edit, folder) => {
    const origin = `url:${repository}#main:svc/*.yaml`;
    expect(locationAnnotations(`url:${repository}#main:svc/catalog-info.yaml`, origin)).toEqual({
      'backstage.io/managed-by-location': `url:${view}`,
      'backstage.io/managed-by-origin-location': `url:${view.replace('catalog-info.yaml', '*.yaml')}`,
      'backstage.io/view-url': view,
      'backstage.io/edit-url': edit,
      'backstage.io/source-location': `url:${folder}`,
    });
  });

  it('names HEAD when the location names no branch, and keeps slashes in branch names', () => {
    expect(locationAnnotations('url:https://github.com/acme/shop#HEAD:catalog-info.yaml', 'url:https://github.com/acme/shop')['backstage.io/source-location']).toBe('url:https://github.com/acme/shop/tree/HEAD/');
    expect(locationAnnotations('url:https://github.com/acme/shop.git#release/2:a b.yaml', 'url:https://github.com/acme/shop.git#release/2:a b.yaml')['backstage.io/view-url']).toBe('https://github.com/acme/shop/blob/release/2/a%20b.yaml');
  });

  it("keeps Pave's own form where it knows no web page: files, local and unknown repositories", () => {
    for (const [source, origin] of [
      ['file:/srv/catalog/catalog-info.yaml', 'file:/srv/catalog/catalog-info.yaml'],
      ['url:file:///srv/git/shop.git#main:catalog-info.yaml', 'url:file:///srv/git/shop.git#main:catalog-info.yaml'],
      ['url:https://git.acme.com/shop.git#main:catalog-info.yaml', 'url:https://git.acme.com/shop.git#main'],
    ]) {
      expect(locationAnnotations(source!, origin!)).toEqual({ 'backstage.io/managed-by-location': source, 'backstage.io/managed-by-origin-location': origin });
    }
  });
});
