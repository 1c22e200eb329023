import { badRequest } from '../../core/problem.js';
import { gitWebUrl } from '../../reading/git-web-url.js';

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
 * - hosted file and folder pages as Backstage writes them: `https://<host>/<org>/<repo>/blob/<branch>/<path>`
 *   (GitLab's `/-/blob/`, Gitea's `/src/branch/`, Bitbucket Server's `/projects/<key>/repos/<repo>/browse/` too).
 * @example parseGitTarget('https://github.com/acme/shop/blob/main/catalog-info.yaml')
 *   // { repository: 'https://github.com/acme/shop.git', ref: 'main', path: 'catalog-info.yaml' }
 */
export function parseGitTarget(target: string): GitTarget {
  const trimmed = target.trim();
  if (!trimmed) throw badRequest('A url location needs a target');
  const web = /^https?:\/\//i.test(trimmed) && URL.canParse(trimmed) ? gitWebUrl(new URL(trimmed)) : undefined;
  if (web) return { repository: web.repository.href, ref: web.ref, path: web.path || DEFAULT_CATALOG_FILE };
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
