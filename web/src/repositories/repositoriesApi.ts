/**
 * Typed calls to the repository view and the portal paths of its pages. One view browses two kinds of
 * repository: the ones Pave hosts (/api/repositories) and the platform's destinations
 * (/api/platform/destinations), which answer the same shapes for folders, files and commits. The shapes are
 * the server's own (type-only imports of its JSON Schemas' types).
 */
import { apiRequest } from '../lib/api';
import type { BlobView, BrowseSummary, CommitDetail, CommitView, ReadmeView, RepositoryListItem, RepositorySummary, TreeEntry, TreeView } from '../../../src/repositories/repository-views.js';
import type { DestinationSummary } from '../../../src/platform/model/destination-views.js';

export type { BlobView, CommitDetail, CommitView, DestinationSummary, ReadmeView, RepositoryListItem, RepositorySummary, TreeEntry, TreeView };

/** Which repository a page browses: one Pave hosts (`owner/repo`), or a destination by name. */
export type RepositorySource = { kind: 'hosted'; owner: string; repo: string } | { kind: 'destination'; name: string };

/** What every repository page shows at a ref, whichever kind it is. */
export type SourceSummary = BrowseSummary & { name: string };

export type RepositoryView = 'tree' | 'blob' | 'commit';

/** A path inside a repository, each segment encoded for a URL. */
function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function api(source: RepositorySource, rest: string, query: Record<string, string | undefined> = {}): string {
  const search = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined)).toString();
  const base = source.kind === 'hosted' ? `/api/repositories/${encodeURIComponent(source.owner)}/${encodeURIComponent(source.repo)}` : `/api/platform/destinations/${encodeURIComponent(source.name)}`;
  return `${base}${rest}${search ? `?${search}` : ''}`;
}

export function listRepositories(signal?: AbortSignal): Promise<{ items: RepositoryListItem[] }> {
  return apiRequest('/api/repositories', { signal });
}

export function getRepository(owner: string, repo: string, ref?: string, signal?: AbortSignal): Promise<RepositorySummary> {
  return apiRequest(api({ kind: 'hosted', owner, repo }, '', { ref }), { signal });
}

export function getDestination(name: string, ref?: string, signal?: AbortSignal): Promise<DestinationSummary> {
  return apiRequest(api({ kind: 'destination', name }, '/repository', { ref }), { signal });
}

export function getTree(source: RepositorySource, path: string, ref?: string, signal?: AbortSignal): Promise<TreeView> {
  return apiRequest(api(source, '/tree', { path, ref }), { signal });
}

export function getBlob(source: RepositorySource, path: string, ref?: string, signal?: AbortSignal): Promise<BlobView> {
  return apiRequest(api(source, '/blob', { path, ref }), { signal });
}

export function getCommit(source: RepositorySource, id: string, signal?: AbortSignal): Promise<CommitDetail> {
  return apiRequest(api(source, `/commits/${encodeURIComponent(id)}`), { signal });
}

/**
 * The portal page of a repository, or of a folder (`tree`), file (`blob`) or commit in it; the ref rides in
 * the query so branch names with slashes stay unambiguous. Destinations live under `/repositories/-/destination/`,
 * where no hosted owner can be (`-` is no repository name).
 * @example repositoryPath({ kind: 'hosted', owner: 'acme', repo: 'shop' }, { view: 'blob', path: 'src/index.ts', ref: 'main' }) // '/repositories/acme/shop/blob/src/index.ts?ref=main'
 *          repositoryPath({ kind: 'destination', name: 'dev' }, { view: 'commit', path: 'f1c3…' })                          // '/repositories/-/destination/dev/commit/f1c3…'
 */
export function repositoryPath(source: RepositorySource, at: { view?: RepositoryView; path?: string; ref?: string } = {}): string {
  const base = source.kind === 'hosted' ? `/repositories/${encodeURIComponent(source.owner)}/${encodeURIComponent(source.repo)}` : `/repositories/-/destination/${encodeURIComponent(source.name)}`;
  const where = at.view ? `${base}/${at.view}/${encodePath(at.path ?? '')}` : base;
  return at.ref ? `${where}?ref=${encodeURIComponent(at.ref)}` : where;
}

/** Bytes as people read them. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
