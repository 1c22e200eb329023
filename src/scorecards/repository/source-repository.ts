import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entity } from '../../core/entity.js';
import { gitWebUrl, type GitWebUrl } from '../../reading/git-web-url.js';
import { shownUrl } from '../../reading/reading-error.js';
import type { UrlReader } from '../../reading/url-reader.js';
import { cloneWebUrl } from '../../reading/web-url-clone.js';
import { repositoryOfLocation } from '../../repositories/repository-links.js';
import { formatRepositoryName } from '../../repositories/repository-name.js';
import type { RepositoryService } from '../../repositories/repository-service.js';
import { checkedOutFiles, hostedFiles, type RepositoryFiles } from './repository-files.js';

const LOCATION_ANNOTATIONS = ['backstage.io/source-location', 'backstage.io/managed-by-location'];

/** The hosted repository (`owner/repo`) an entity's source-location or managed-by-location annotation names. */
export function hostedRepositoryOf(entity: Entity, repositories: RepositoryService): string | undefined {
  const addresses = repositories.addresses();
  for (const value of locationsOf(entity)) {
    const name = repositoryOfLocation(value, addresses);
    if (name) return formatRepositoryName(name);
  }
  return undefined;
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
 * repositories service, any other git URL through a shallow clone made under the reading policy (allow-list,
 * checked addresses, time limit) into a temporary folder removed afterwards. Undefined when the entity names
 * no repository Pave can read (no location, not allowed, unreachable): its repository facts are then unknown.
 */
export async function withSourceRepository<T>(entity: Entity, context: { repositories: RepositoryService; reader?: UrlReader }, use: (files: RepositoryFiles) => Promise<T>): Promise<T | undefined> {
  const hosted = hostedRepositoryOf(entity, context.repositories);
  if (hosted) {
    const [owner, repo] = hosted.split('/') as [string, string];
    const files = hostedFiles(context.repositories, owner, repo);
    return (await files.entries('')).length ? use(files) : undefined;
  }
  const remote = locationsOf(entity).map(remoteRepositoryOf).find(found => found !== undefined);
  if (!remote || !context.reader) return undefined;
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'pave-scorecards-')));
  try {
    const root = await cloneWebUrl(context.reader, remote, join(dir, 'clone')).catch(() => undefined);
    return root ? await use(checkedOutFiles(shownUrl(remote.repository), root)) : undefined;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function locationsOf(entity: Entity): string[] {
  const annotations = entity.metadata.annotations ?? {};
  return LOCATION_ANNOTATIONS.map(key => annotations[key]).filter((value): value is string => typeof value === 'string');
}
