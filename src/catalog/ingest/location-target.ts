import { badRequest } from '../../core/problem.js';

/** Where a `url` location points: a git repository, a branch (or HEAD) and a file or glob inside it. */
export interface GitTarget {
  repository: string;
  ref?: string;
  path: string;
}

const DEFAULT_CATALOG_FILE = 'catalog-info.yaml';

/**
 * Reads a `url` location target. Two forms:
 * - Pave's own: `<repository>[#<branch>[:<path or glob>]]`, e.g. `file:///srv/git/shop.git#main:catalog/*.yaml`
 *   or a local repository folder `/srv/git/shop`;
 * - hosted blob URLs as Backstage writes them: `https://<host>/<org>/<repo>/blob/<branch>/<path>`
 *   (GitLab's `/-/blob/` too).
 * @example parseGitTarget('https://github.com/acme/shop/blob/main/catalog-info.yaml')
 *   // { repository: 'https://github.com/acme/shop.git', ref: 'main', path: 'catalog-info.yaml' }
 */
export function parseGitTarget(target: string): GitTarget {
  const trimmed = target.trim();
  if (!trimmed) throw badRequest('A url location needs a target');
  const blob = /^(https?:\/\/[^/]+\/.+?)(?:\/-)?\/(?:blob|tree)\/([^/]+)\/(.*)$/.exec(trimmed);
  if (blob) {
    const [, repo, ref, path] = blob as unknown as [string, string, string, string];
    return { repository: repo.endsWith('.git') ? repo : `${repo}.git`, ref, path: path || DEFAULT_CATALOG_FILE };
  }
  const hash = trimmed.indexOf('#');
  const repository = hash === -1 ? trimmed : trimmed.slice(0, hash);
  const fragment = hash === -1 ? '' : trimmed.slice(hash + 1);
  const colon = fragment.indexOf(':');
  const ref = (colon === -1 ? fragment : fragment.slice(0, colon)) || undefined;
  const path = (colon === -1 ? '' : fragment.slice(colon + 1)) || DEFAULT_CATALOG_FILE;
  if (!/^(https?:\/\/|ssh:\/\/|git@|file:\/\/|\/|\.)/.test(repository)) {
    throw badRequest(`"${target}" is not a git repository URL (https://, ssh://, file:// or a local path)`);
  }
  return { repository, ref, path };
}

/** The inverse of parseGitTarget for Pave's own form; used in annotations and problem sources. */
export function formatGitTarget(target: GitTarget): string {
  return `${target.repository}#${target.ref ?? 'HEAD'}:${target.path}`;
}
