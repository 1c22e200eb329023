/**
 * Path arithmetic for links in Markdown documents (pure, no imports): a relative link is resolved
 * from the folder of the document it is written in, as in MkDocs and on GitHub.
 */

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Resolves `rel` (a link as written, without query or hash) against the folder of the document
 * `from`; `/` starts from the root, and `..` never climbs above it. Segments are URL-decoded.
 * @example resolveRelativePath('docs/guide.md', '../src/a%20b.ts') // 'src/a b.ts'
 */
export function resolveRelativePath(from: string, rel: string): string {
  const parts = rel.startsWith('/') ? [] : from.split('/').slice(0, -1);
  for (const seg of rel.replace(/^\/+/, '').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(decode(seg));
  }
  return parts.join('/');
}

/** Resolves a link between docs pages; a folder link means its index.md. */
export function resolveDocPath(from: string, rel: string): string {
  let path = resolveRelativePath(from, rel);
  if (rel === '' || rel.endsWith('/') || path === '') path = path ? `${path}/index.md` : 'index.md';
  else if (!/\.md$/i.test(path)) path = `${path}/index.md`;
  return path;
}

/** Whether an href leaves the docs site (has a scheme, is protocol-relative) or stays in the page. */
export function isExternalHref(href: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//');
}
