import { isAbsolute, relative, sep } from 'node:path';

/**
 * Whether `path` is `root` or lies below it, compared as text: callers that must not follow links compare real
 * paths (`fs.realpath`).
 * @example isInside('/ws', '/ws/a/b') // true; isInside('/ws', '/ws/../etc') // false; isInside('/ws', '/ws/..a') // true
 */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}
