import { describe, expect, it } from 'vitest';
import { browsableUrl, locationPrefixes, repositoryAddresses, repositoryOfLocation, repositoryUrls, withHttpCloneUrls } from './repository-links.js';

const addresses = repositoryAddresses('http://pave.test:7007/', '/srv/pave data/git');
const shop = { owner: 'acme', repo: 'shop' };

describe('repository links', () => {
  it('puts HTTP clone URLs where text names a server address, and portal pages where a link does', () => {
    expect(withHttpCloneUrls('git clone file:///srv/pave%20data/git/acme/shop.git shop; or /srv/pave data/git/acme/shop.git', addresses)).toBe(
      'git clone http://pave.test:7007/git/acme/shop.git shop; or http://pave.test:7007/git/acme/shop.git',
    );
    expect(withHttpCloneUrls('https://example.test/acme/shop.git', addresses)).toBe('https://example.test/acme/shop.git');
    expect(browsableUrl('file:///srv/pave%20data/git/acme/shop.git#main', addresses)).toBe('http://pave.test:7007/repositories/acme/shop');
    expect(browsableUrl('/srv/pave data/git/acme/shop.git', addresses)).toBe('http://pave.test:7007/repositories/acme/shop');
    expect(browsableUrl('http://pave.test:7007/repositories/acme/shop', addresses)).toBe('http://pave.test:7007/repositories/acme/shop');
    expect(browsableUrl('https://example.test/acme/shop', addresses)).toBe('https://example.test/acme/shop');
  });

  it('builds the page, HTTP clone and (only when asked) file:// URLs', () => {
    expect(repositoryUrls(addresses, shop, false)).toEqual({ page: 'http://pave.test:7007/repositories/acme/shop', httpClone: 'http://pave.test:7007/git/acme/shop.git' });
    expect(repositoryUrls(addresses, shop, true).fileClone).toBe('file:///srv/pave%20data/git/acme/shop.git');
  });

  it('reads the repository out of every location form publish:git, catalog:register or a person writes', () => {
    for (const value of [
      'url:http://pave.test:7007/repositories/acme/shop/',
      'url:http://pave.test:7007/repositories/acme/shop',
      'url:HTTP://PAVE.test:7007/repositories/acme/shop/tree/main/docs',
      'url:http://pave.test:7007/git/acme/shop.git',
      'url:http://pave.test:7007/git/acme/shop.git#main:catalog-info.yaml',
      'url:file:///srv/pave%20data/git/acme/shop.git#main:catalog-info.yaml',
      'url:/srv/pave data/git/acme/shop.git#main:services/*.yaml',
    ]) {
      expect(repositoryOfLocation(value, addresses), value).toEqual(shop);
    }
  });

  it('keeps names exact and ignores other places', () => {
    expect(repositoryOfLocation('url:http://pave.test:7007/repositories/acme/shopping/', addresses)).toEqual({ owner: 'acme', repo: 'shopping' });
    expect(repositoryOfLocation('url:http://pave.test:7007/repositories/Acme/Shop/', addresses)).toEqual({ owner: 'Acme', repo: 'Shop' });
    for (const value of [
      'url:https://github.com/acme/shop/tree/main/',
      'url:http://pave.test:7007/catalog/acme/shop',
      'url:http://pave.test:7007/repositories/acme/',
      'url:http://pave.test:7007/repositories/../etc/',
      'file:/srv/pave data/git/acme/shop.git/catalog-info.yaml',
      'url:/srv/pave data/gitx/acme/shop.git',
    ]) {
      expect(repositoryOfLocation(value, addresses), value).toBeUndefined();
    }
  });

  it('has one prefix per address form, for one repository or all of them', () => {
    expect(locationPrefixes(addresses, shop)).toEqual([
      'url:http://pave.test:7007/repositories/acme/shop',
      'url:http://pave.test:7007/git/acme/shop',
      'url:file:///srv/pave%20data/git/acme/shop',
      'url:/srv/pave data/git/acme/shop',
    ]);
    expect(locationPrefixes(addresses)).toEqual([
      'url:http://pave.test:7007/repositories/',
      'url:http://pave.test:7007/git/',
      'url:file:///srv/pave%20data/git/',
      'url:/srv/pave data/git/',
    ]);
  });
});
