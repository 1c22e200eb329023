import { describe, expect, it } from 'vitest';
import { catalogConfigSection } from '../catalog-config.js';
import { placeholderSignIn, repositoryKey } from './placeholder-sign-in.js';

describe('placeholderSignIn', () => {
  const own = 'https://github.com/acme/shop.git';

  it('signs in only for a file page of the location’s own repository or a listed one', () => {
    expect(placeholderSignIn('https://github.com/acme/shop/blob/main/openapi.yaml', own, [])).toBe('integration');
    expect(placeholderSignIn('https://github.com/Acme/Shop/blob/main/openapi.yaml', own, [])).toBe('integration');
    expect(placeholderSignIn('https://github.com/acme/payments/blob/main/secrets.yaml', own, [])).toBe('anonymous');
    expect(placeholderSignIn('https://github.com/acme/schemas/blob/main/a.yaml', own, ['https://github.com/acme/schemas'])).toBe('integration');
    expect(placeholderSignIn('https://git.example.com/projects/ACME/repos/shop/browse/a.yaml?at=main', undefined, ['https://git.example.com/scm/acme/shop.git'])).toBe('integration');
  });

  it('never signs in for another origin, a file location (no repository) or what is not an http(s) URL', () => {
    expect(placeholderSignIn('http://github.com/acme/shop/blob/main/openapi.yaml', own, [])).toBe('anonymous');
    expect(placeholderSignIn('https://github.com:8443/acme/shop/blob/main/openapi.yaml', own, [])).toBe('anonymous');
    expect(placeholderSignIn('https://github.com/acme/shop/blob/main/openapi.yaml', undefined, [])).toBe('anonymous');
    expect(placeholderSignIn('https://github.com/acme/shop/blob/main/openapi.yaml', '/srv/git/shop', [])).toBe('anonymous');
    // A repository whose name only begins like the trusted one is another repository.
    expect(placeholderSignIn('https://github.com/acme/shop-secrets/blob/main/a.yaml', own, [])).toBe('anonymous');
  });

  it('compares repositories by origin and path, without case, a trailing slash or .git', () => {
    expect(repositoryKey('https://GitHub.com/Acme/Shop.git/')).toBe('https://github.com/acme/shop');
    expect(repositoryKey('https://github.com/acme/shop/tree/main/docs')).toBe('https://github.com/acme/shop');
    expect(repositoryKey('file:///srv/git/shop.git')).toBeUndefined();
  });
});

describe('catalog.placeholderRepositories', () => {
  const errors = (placeholderRepositories: unknown) =>
    catalogConfigSection.validate({ ...catalogConfigSection.defaults(), placeholderRepositories } as never).map(e => e.pointer);

  it('takes http(s) repository URLs and refuses anything else, naming the entry', () => {
    expect(errors(['https://github.com/acme/schemas.git', 'http://git.internal/acme/specs'])).toEqual([]);
    expect(errors(['github.com/acme/schemas', 'https://token:x@github.com/acme/schemas', 'https://github.com/acme', 'https://github.com/acme/x?ref=1'])).toEqual([
      '/placeholderRepositories/0',
      '/placeholderRepositories/1',
      '/placeholderRepositories/2',
      '/placeholderRepositories/3',
    ]);
    expect(errors('https://github.com/acme/schemas')).toEqual(['/placeholderRepositories']);
  });
});
