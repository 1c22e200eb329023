// Path arithmetic behind links between docs pages (the portal's docs tab resolves these in the browser).
import { describe, expect, it } from 'vitest';
import { isExternalHref, resolveDocPath } from '../../web/src/lib/doc-paths.js';

describe('resolveDocPath', () => {
  it('resolves sibling, nested, parent and absolute links like MkDocs', () => {
    expect(resolveDocPath('index.md', 'architecture.md')).toBe('architecture.md');
    expect(resolveDocPath('index.md', './runbook.md')).toBe('runbook.md');
    expect(resolveDocPath('guides/setup.md', 'deploy.md')).toBe('guides/deploy.md');
    expect(resolveDocPath('guides/setup.md', '../index.md')).toBe('index.md');
    expect(resolveDocPath('guides/deep/a.md', '../../b.md')).toBe('b.md');
    expect(resolveDocPath('guides/setup.md', '/reference/api.md')).toBe('reference/api.md');
  });

  it('treats folder links as their index page', () => {
    expect(resolveDocPath('index.md', 'guides/')).toBe('guides/index.md');
    expect(resolveDocPath('guides/setup.md', '../')).toBe('index.md');
    expect(resolveDocPath('index.md', 'guides')).toBe('guides/index.md');
  });

  it('never climbs above the docs root', () => {
    expect(resolveDocPath('index.md', '../../etc/passwd.md')).toBe('etc/passwd.md');
  });

  it('tells external links from site links', () => {
    expect(isExternalHref('https://example.com')).toBe(true);
    expect(isExternalHref('mailto:a@b.c')).toBe(true);
    expect(isExternalHref('//cdn.example.com/x')).toBe(true);
    expect(isExternalHref('architecture.md')).toBe(false);
    expect(isExternalHref('../index.md#intro')).toBe(false);
  });
});
