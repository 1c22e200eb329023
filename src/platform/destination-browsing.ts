import { lstat, realpath } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Identity } from '../auth/identity.js';
import type { PermissionService } from '../auth/permission-service.js';
import { conflict, notFound } from '../core/problem.js';
import type { VisibleFolders } from '../repositories/path-visibility.js';
import { RepositoryBrowser, type BrowsedRepository } from '../repositories/repository-browser.js';
import type { BlobView, CommitDetail, TreeView } from '../repositories/repository-views.js';
import { requestFacts } from './change-events.js';
import type { DestinationRegistry } from './destination-registry.js';
import type { DestinationSummary } from './model/destination-views.js';
import type { Destination } from './model/types.js';
import type { RequestStore } from './request-store.js';

const REQUEST_READ = 'platform.request.read';

export interface DestinationBrowsingOptions {
  destinations: DestinationRegistry;
  requests: RequestStore;
  /** Who may read which request: the reader's scope of `platform.request.read`, and one decision per request. */
  permissions: Pick<PermissionService, 'readScope' | 'decide'>;
}

/**
 * Destinations browsed read-only, as the repositories view browses hosted repositories (the same
 * `RepositoryBrowser`): a destination whose repository is on this machine (`/path` or `file://`) shows its
 * folder on its branch; a remote one only says where it lives. A destination holds many teams' manifests,
 * so who sees what follows who may read which request (SECURITY.md §27):
 * - a caller the rules let read every request (`platform.request.read` unconditionally: admins, and under
 *   the default policy everyone signed in) sees the destination's whole folder;
 * - any other caller sees only the folders of the requests they may read there (and the folders on the way),
 *   commits that change those (with their files only, and subjects only: a batched commit's message names
 *   every request it carries); everything else answers as missing.
 * @example await platform.browsing.tree(identity, 'dev', 'team-a/postgresql/orders-db')
 */
export class DestinationBrowsing {
  readonly #options: DestinationBrowsingOptions;
  readonly #browser = new RepositoryBrowser();

  constructor(options: DestinationBrowsingOptions) {
    this.#options = options;
  }

  /** The destination, where it lives, what the caller sees of it, and (when Pave can read it) its refs, latest commits and folder. */
  async summary(identity: Identity, name: string, ref?: string): Promise<DestinationSummary> {
    const destination = await this.#destination(name);
    const { branch = 'main', path = '' } = destination.spec.git;
    const dir = await localGitDir(destination.spec.git.url);
    const webUrl = webUrlOf(destination.spec.git.url);
    const base = { name, branch, path, browsable: dir !== undefined, ...(webUrl ? { webUrl } : {}) };
    if (!dir) return { ...base, sees: 'destination', branches: [], tags: [], commits: [] };
    const repo = await this.#repository(identity, destination, dir);
    return { ...base, sees: repo.wholeMessages === false ? 'requests' : 'destination', ...(await this.#browser.summary(repo, ref)) };
  }

  async tree(identity: Identity, name: string, path: string, ref?: string): Promise<TreeView> {
    return this.#browser.tree(await this.#open(identity, name), path, ref);
  }

  async blob(identity: Identity, name: string, path: string, ref?: string): Promise<BlobView> {
    return this.#browser.blob(await this.#open(identity, name), path, ref);
  }

  async commit(identity: Identity, name: string, commit: string): Promise<CommitDetail> {
    return this.#browser.commit(await this.#open(identity, name), commit);
  }

  async #destination(name: string): Promise<Destination> {
    const destination = await this.#options.destinations.get(name);
    if (!destination) throw notFound(`No destination named ${name.slice(0, 100)}`, [{ pointer: '/name', detail: 'is not a configured destination', rule: 'exists' }]);
    return destination;
  }

  /** A destination as the caller browses it; 409 naming its URL's field when its repository is not on this machine. */
  async #open(identity: Identity, name: string): Promise<BrowsedRepository> {
    const destination = await this.#destination(name);
    const dir = await localGitDir(destination.spec.git.url);
    if (!dir) {
      throw conflict(`Destination ${name} lives in a remote repository, which Pave does not browse; open it where it is hosted`, [
        { pointer: '/spec/git/url', detail: 'is not a repository on the machine Pave runs on', rule: 'local' },
      ]);
    }
    return this.#repository(identity, destination, dir);
  }

  async #repository(identity: Identity, destination: Destination, dir: string): Promise<BrowsedRepository> {
    const { branch = 'main', path = '' } = destination.spec.git;
    const whole = (await this.#options.permissions.readScope(identity, REQUEST_READ)).type === 'all';
    const folders: VisibleFolders = whole ? (path ? [path] : undefined) : await this.#requestFolders(identity, destination.metadata.name);
    return { name: destination.metadata.name, dir, defaultRef: branch, folders, wholeMessages: whole };
  }

  /**
   * The folders, in this destination, of the requests the caller may read (decided on each request's Resource, as
   * reading it is). Only the requests delivered here are read and decided on, not every request; a browse call
   * works this out once.
   */
  async #requestFolders(identity: Identity, destination: string): Promise<string[]> {
    const folders: string[] = [];
    for (const request of await this.#options.requests.deliveredTo([destination])) {
      const placed = request.status.deliveries.filter(delivery => delivery.destination === destination);
      if (!placed.length) continue;
      const { allowed } = await this.#options.permissions.decide(identity, REQUEST_READ, requestFacts(request.namespace, request.name, request.owner));
      if (allowed) folders.push(...placed.map(delivery => delivery.path));
    }
    return folders;
  }
}

/**
 * The git folder of a repository on this machine (`/srv/dev.git`, `file:///srv/dev.git`, or a work tree's
 * `.git`), resolved through links; undefined for a remote URL or a folder that holds no repository.
 */
export async function localGitDir(url: string): Promise<string | undefined> {
  const path = url.startsWith('file://') ? safeFilePath(url) : isAbsolute(url) ? url : undefined;
  if (!path) return undefined;
  const real = await realpath(path).catch(() => undefined);
  if (!real) return undefined;
  for (const dir of [real, join(real, '.git')]) {
    if ((await lstat(join(dir, 'HEAD')).catch(() => undefined))?.isFile()) return dir;
  }
  return undefined;
}

function safeFilePath(url: string): string | undefined {
  try {
    return fileURLToPath(url);
  } catch {
    return undefined;
  }
}

/**
 * The web page of a remote repository, when its URL says (`https://host/owner/repo(.git)`,
 * `git@host:owner/repo.git`, `ssh://git@host/owner/repo.git`): the same host and path over https (http
 * stays http), without credentials, port for ssh, or `.git`. Undefined for local repositories.
 * @example webUrlOf('git@github.com:acme/gitops.git') // 'https://github.com/acme/gitops'
 */
export function webUrlOf(url: string): string | undefined {
  const scp = /^[\w.-]+@([\w.-]+):(?!\/)(\S+)$/.exec(url);
  const parsed = scp ? { origin: `https://${scp[1]!}`, path: `/${scp[2]!}` } : parseRemote(url);
  if (!parsed) return undefined;
  const path = parsed.path.replace(/\.git\/?$/, '').replace(/\/+$/, '');
  return path ? `${parsed.origin}${path}` : undefined;
}

function parseRemote(url: string): { origin: string; path: string } | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'https:' || parsed.protocol === 'http:') return { origin: `${parsed.protocol}//${parsed.host}`, path: parsed.pathname };
    if (parsed.protocol === 'ssh:' || parsed.protocol === 'git:') return { origin: `https://${parsed.hostname}`, path: parsed.pathname };
  } catch {
    // Not a URL: no web page known.
  }
  return undefined;
}
