/** A git host's web URL of a folder (`tree`) or file (`blob`), taken apart. */
export interface GitWebUrl {
  /** The repository to clone, `https://host/<project>.git`. */
  repository: URL;
  ref: string;
  /** Inside the repository, with `/`; empty for its top. */
  path: string;
  kind: 'tree' | 'blob';
}

/**
 * Takes apart a git host's web URL of a folder or file — GitHub's `/owner/repo/tree|blob/<ref>/<path>`,
 * GitLab's `/group/…/project/-/tree|blob/<ref>/<path>` — or answers undefined. The ref is one path segment
 * (a branch with a slash in its name cannot be told from a folder in such a URL).
 * @example gitWebUrl(new URL('https://github.com/acme/skeletons/tree/main/node')) // { repository: https://github.com/acme/skeletons.git, ref: 'main', path: 'node', kind: 'tree' }
 */
export function gitWebUrl(url: URL): GitWebUrl | undefined {
  const segments = url.pathname.split('/').filter(Boolean);
  const dash = segments.indexOf('-');
  const split = dash >= 2 ? dash : segments.length >= 4 ? 2 : -1;
  if (split < 0) return undefined;
  const [kind, ref, ...path] = segments.slice(dash >= 2 ? split + 1 : split);
  if ((kind !== 'tree' && kind !== 'blob') || !ref) return undefined;
  const project = segments.slice(0, split).join('/');
  return {
    repository: new URL(`${url.origin}/${project.endsWith('.git') ? project : `${project}.git`}`),
    ref: decodeURIComponent(ref),
    path: path.map(segment => decodeURIComponent(segment)).join('/'),
    kind,
  };
}
