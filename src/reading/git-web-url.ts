import { urlPathSegments } from '../core/url-path-segments.js';

/** A git host's web URL of a folder (`tree`), a file (`blob`) or either (`page`: the host's URL does not say which), taken apart. */
export interface GitWebUrl {
  /** The repository to clone, `https://host/<project>.git` (Bitbucket Server: `https://host/scm/<key>/<repo>.git`). */
  repository: URL;
  /** The branch, tag or commit; `HEAD` (the default branch) when the URL names none. */
  ref: string;
  /** Inside the repository, with `/`; empty for its top. */
  path: string;
  kind: 'tree' | 'blob' | 'page';
}

/**
 * Takes apart a git host's web URL of a folder or file, or answers undefined:
 * - GitHub's `/owner/repo/tree|blob/<ref>/<path>`, GitLab's `/group/…/project/-/tree|blob/<ref>/<path>`;
 * - Gitea's `/owner/repo/src/branch|tag|commit/<ref>/<path>` and Bitbucket Server's
 *   `/projects/<key>/repos/<repo>/browse/<path>[?at=<ref>]` (a `page`: file or folder alike).
 * The ref is one path segment (a branch with a slash in its name cannot be told from a folder in such a URL).
 * @example gitWebUrl(new URL('https://github.com/acme/skeletons/tree/main/node')) // { repository: https://github.com/acme/skeletons.git, ref: 'main', path: 'node', kind: 'tree' }
 */
export function gitWebUrl(url: URL): GitWebUrl | undefined {
  const segments = urlPathSegments(url);
  if (!segments) return undefined; // an escape no host's page holds, or a smuggled `/` or dot-segment
  const repository = (project: string) => new URL(`${url.origin}/${project.split('/').map(encodeURIComponent).join('/')}${project.endsWith('.git') ? '' : '.git'}`);
  const [first, second, third, fourth, fifth] = segments;
  if (first === 'projects' && second && third === 'repos' && fourth && fifth === 'browse') {
    const at = url.searchParams.get('at')?.replace(/^refs\/(heads|tags)\//, '');
    return { repository: repository(`scm/${second.toLowerCase()}/${fourth}`), ref: at || 'HEAD', path: segments.slice(5).join('/'), kind: 'page' };
  }
  if (first && second && third === 'src' && ['branch', 'tag', 'commit'].includes(fourth ?? '') && fifth) {
    return { repository: repository(`${first}/${second}`), ref: fifth, path: segments.slice(5).join('/'), kind: 'page' };
  }
  const dash = segments.indexOf('-');
  const split = dash >= 2 ? dash : segments.length >= 4 ? 2 : -1;
  if (split < 0) return undefined;
  const [kind, ref, ...path] = segments.slice(dash >= 2 ? split + 1 : split);
  if ((kind !== 'tree' && kind !== 'blob') || !ref) return undefined;
  return { repository: repository(segments.slice(0, split).join('/')), ref, path: path.join('/'), kind };
}
