/**
 * Paths inside a destination repository: the deterministic layout of a request's folder and the
 * checks that keep every generated file inside it. Pure functions, no I/O.
 */

/** Why a relative path was refused, or undefined when it is safe. */
export function unsafePathReason(path: string): string | undefined {
  if (typeof path !== 'string' || path === '') return 'must be a non-empty relative path';
  if (path.includes('\0')) return 'must not contain NUL';
  if (path.includes('\\')) return 'must use / as separator, not \\';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'must be relative, not absolute';
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment === '') return 'must not contain empty segments (// or a trailing /)';
    if (segment === '..') return 'must not leave its folder (..)';
    if (segment === '.') return 'must not contain . segments';
    if (segment.toLowerCase() === '.git') return 'must not write into .git';
    if (segment.toLowerCase() === '.pave') return 'must not write into .pave (the ownership index)';
  }
  if (path.length > 512) return 'must be at most 512 characters';
  return undefined;
}

/** A destination's base path: '' for the repository root, else a safe relative path without trailing slash. */
export function normaliseBasePath(path: string | undefined): string {
  const trimmed = (path ?? '').replace(/^\.\/+/, '').replace(/^\/+|\/+$/g, '');
  return trimmed === '.' ? '' : trimmed;
}

export function joinRepoPath(...parts: string[]): string {
  return parts.filter(part => part !== '').join('/');
}

/** Identifies one request's place in a destination. */
export interface RequestPlace {
  namespace: string;
  kind: string;
  name: string;
}

/**
 * The folder a request's files live in: `<base>/<namespace>/<kind>/<name>` (kind lower-cased).
 * @example requestFolder('clusters/dev', { namespace: 'payments-team', kind: 'PostgreSQL', name: 'orders-db' })
 * // 'clusters/dev/payments-team/postgresql/orders-db'
 */
export function requestFolder(basePath: string, place: RequestPlace): string {
  return joinRepoPath(normaliseBasePath(basePath), place.namespace, place.kind.toLowerCase(), place.name);
}

/**
 * The ownership index entry of a request: `<base>/.pave/owners/<namespace>/<kind>/<name>.json`. Dot-folders
 * are skipped by Argo CD and Flux, so the index never reaches a cluster.
 */
export function ownershipIndexPath(basePath: string, place: RequestPlace): string {
  return joinRepoPath(normaliseBasePath(basePath), '.pave', 'owners', place.namespace, place.kind.toLowerCase(), `${place.name}.json`);
}
