import type { Entity } from '../../core/entity.js';
import { gitWebUrl, type GitWebUrl } from '../../reading/git-web-url.js';
import { shownUrl } from '../../reading/reading-error.js';
import { repositoryOfLocation } from '../../repositories/repository-links.js';
import { formatRepositoryName } from '../../repositories/repository-name.js';
import type { RepositoryService } from '../../repositories/repository-service.js';
import type { RemoteCheckouts } from './remote-checkouts.js';
import { checkedOutFiles, hostedFiles, type RepositoryFiles } from './repository-files.js';

/**
 * Where an entity's source is: only `backstage.io/source-location`. `managed-by-location` names where its
 * catalog file is, which may be a central catalog repository holding many entities' files: crediting that
 * repository's README or CODEOWNERS to each of them would be wrong.
 */
const SOURCE_LOCATION = 'backstage.io/source-location';

/** The hosted repository (`owner/repo`) an entity's source-location names. */
export function hostedRepositoryOf(entity: Entity, repositories: RepositoryService): string | undefined {
  const value = sourceLocationOf(entity);
  const name = value ? repositoryOfLocation(value, repositories.addresses()) : undefined;
  return name ? formatRepositoryName(name) : undefined;
}

/**
 * The repository a remote location names: a git host's tree or blob URL (its repository, at its ref) or a
 * git URL ending in `.git` (its default branch), http or https; undefined for anything else.
 * @example remoteRepositoryOf('url:https://git.example.com/acme/cart/tree/main/') // { repository: https://git.example.com/acme/cart.git, ref: 'main', path: '' }
 */
export function remoteRepositoryOf(value: string): GitWebUrl | undefined {
  const text = value.replace(/^url:/, '');
  if (!/^https?:\/\//i.test(text) || !URL.canParse(text)) return undefined;
  const url = new URL(text);
  const web = gitWebUrl(url);
  if (web) return { ...web, path: '', kind: 'tree' };
  if (!url.pathname.endsWith('.git') || url.search || url.hash) return undefined;
  return { repository: new URL(`${url.origin}${url.pathname}`), ref: 'HEAD', path: '', kind: 'tree' };
}

/**
 * Reads the files of an entity's source repository with `use`: a repository Pave hosts through the
 * repositories service, any other git URL through the pass's clones (`checkouts`: one shallow clone per
 * repository and ref under the reading policy, kept while `use` reads it). Undefined when the entity names no repository Pave can read
 * (no source location, not allowed, unreachable, empty): its repository facts are then unknown.
 */
export async function withSourceRepository<T>(entity: Entity, context: { repositories: RepositoryService; checkouts?: RemoteCheckouts }, use: (files: RepositoryFiles) => Promise<T>): Promise<T | undefined> {
  const hosted = hostedRepositoryOf(entity, context.repositories);
  if (hosted) {
    const [owner, repo] = hosted.split('/') as [string, string];
    const files = hostedFiles(context.repositories, owner, repo);
    return (await files.entries('')).length ? use(files) : undefined;
  }
  const location = sourceLocationOf(entity);
  const remote = location ? remoteRepositoryOf(location) : undefined;
  return remote && context.checkouts ? context.checkouts.read(remote, root => use(checkedOutFiles(shownUrl(remote.repository), root))) : undefined;
}

function sourceLocationOf(entity: Entity): string | undefined {
  const value = entity.metadata.annotations?.[SOURCE_LOCATION];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
