/**
 * The location annotations an entity read from a location carries, as Backstage writes them: for a file
 * of a git repository whose web address Pave knows (a hosted GitHub, GitLab, Bitbucket or Gitea
 * repository), `backstage.io/managed-by-location` and `managed-by-origin-location` are
 * `url:<web URL of the file>`, and `view-url`, `edit-url` and `source-location` point at the file, its
 * editor and its folder, so Backstage frontend plugins and people can follow them. Otherwise (files, local
 * or unknown repositories) they keep Pave's own form. Pure: no I/O.
 */
import { ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION } from '../../core/entity.js';
import { parseGitTarget, type GitTarget } from './location-target.js';

export const ANNOTATION_VIEW_URL = 'backstage.io/view-url';
export const ANNOTATION_EDIT_URL = 'backstage.io/edit-url';
export const ANNOTATION_SOURCE_LOCATION = 'backstage.io/source-location';
/** Annotations derived from where an entity was read; a file's own values win, and edits never write them back. */
export const SCM_ANNOTATIONS: readonly string[] = [ANNOTATION_VIEW_URL, ANNOTATION_EDIT_URL, ANNOTATION_SOURCE_LOCATION];

type Flavor = 'github' | 'gitlab' | 'bitbucket' | 'gitea';

/** How each host family lays out a file's page, its editor and a folder's page under the repository's URL. */
const LAYOUTS: Record<Flavor, { view: string; edit: string; tree: string }> = {
  github: { view: '/blob/{ref}/{path}', edit: '/edit/{ref}/{path}', tree: '/tree/{ref}/{path}' },
  gitlab: { view: '/-/blob/{ref}/{path}', edit: '/-/edit/{ref}/{path}', tree: '/-/tree/{ref}/{path}' },
  bitbucket: { view: '/src/{ref}/{path}', edit: '/src/{ref}/{path}?mode=edit', tree: '/src/{ref}/{path}' },
  gitea: { view: '/src/branch/{ref}/{path}', edit: '/_edit/{ref}/{path}', tree: '/src/branch/{ref}/{path}' },
};

/**
 * The annotations for an entity read from `source` (`file:<path>` or `url:<repository>#<ref>:<path>`) of the
 * location registered as `origin` (`<type>:<target>`).
 * @example locationAnnotations('url:https://github.com/acme/shop.git#main:catalog-info.yaml', 'url:https://github.com/acme/shop/blob/main/catalog-info.yaml')
 *   // { 'backstage.io/managed-by-location': 'url:https://github.com/acme/shop/blob/main/catalog-info.yaml', …, 'backstage.io/source-location': 'url:https://github.com/acme/shop/tree/main/' }
 */
export function locationAnnotations(source: string, origin: string): Record<string, string> {
  const file = webUrls(source, origin);
  if (!file) return { [ANNOTATION_LOCATION]: source, [ANNOTATION_ORIGIN_LOCATION]: origin };
  return {
    [ANNOTATION_LOCATION]: `url:${file.view}`,
    [ANNOTATION_ORIGIN_LOCATION]: `url:${webUrls(origin, origin)?.view ?? origin.slice('url:'.length)}`,
    [ANNOTATION_VIEW_URL]: file.view,
    [ANNOTATION_EDIT_URL]: file.edit,
    [ANNOTATION_SOURCE_LOCATION]: `url:${file.folder}`,
  };
}

/** The web pages of a file in a git location, when its repository is on a host whose layout is known. */
function webUrls(location: string, origin: string): { view: string; edit: string; folder: string } | undefined {
  if (!location.startsWith('url:')) return undefined;
  let git: GitTarget;
  try {
    git = parseGitTarget(location.slice('url:'.length));
  } catch {
    return undefined;
  }
  const repository = /^(https?:\/\/[^/]+\/.+?)(\.git)?\/?$/.exec(git.repository)?.[1];
  const flavor = repository ? flavorOf(repository, origin) : undefined;
  if (!repository || !flavor) return undefined;
  const layout = LAYOUTS[flavor];
  const fill = (pattern: string, path: string) => repository + pattern.replace('{ref}', encodePath(git.ref ?? 'HEAD')).replace('{path}', encodePath(path));
  const folder = git.path.includes('/') ? git.path.slice(0, git.path.lastIndexOf('/') + 1) : '';
  return { view: fill(layout.view, git.path), edit: fill(layout.edit, git.path), folder: fill(layout.tree, folder).replace(/\/?$/, '/') };
}

/** The host family: by the host's name, else by the blob URL the location was registered with. */
function flavorOf(repository: string, origin: string): Flavor | undefined {
  const host = new URL(repository).hostname.toLowerCase();
  if (host === 'github.com' || host.startsWith('github.')) return 'github';
  if (host === 'gitlab.com' || host.startsWith('gitlab.')) return 'gitlab';
  if (host === 'bitbucket.org') return 'bitbucket';
  if (host.startsWith('gitea.') || host === 'codeberg.org') return 'gitea';
  if (origin.startsWith(`url:${repository}/-/blob/`)) return 'gitlab';
  if (origin.startsWith(`url:${repository}/blob/`)) return 'github';
  return undefined;
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
