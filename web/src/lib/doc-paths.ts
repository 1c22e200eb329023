/**
 * Path arithmetic for docs sites (pure, no imports): links in a Markdown page are relative to
 * that page's folder inside the site's docs/ folder, as in MkDocs.
 */

/** Resolves `rel` against the folder of the page `from`; a folder link means its index.md. */
export function resolveDocPath(from: string, rel: string): string {
  const base = from.split('/').slice(0, -1);
  const parts = rel.startsWith('/') ? [] : base;
  for (const seg of rel.replace(/^\//, '').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  let path = parts.join('/');
  if (rel === '' || rel.endsWith('/') || path === '') path = path ? `${path}/index.md` : 'index.md';
  else if (!/\.md$/i.test(path)) path = `${path}/index.md`;
  return path;
}

/** Whether an href leaves the docs site (has a scheme, is protocol-relative) or stays in the page. */
export function isExternalHref(href: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//');
}
