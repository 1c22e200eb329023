/**
 * Typed calls to the repository view (/api/repositories) and the portal paths of its pages. The
 * shapes are the server's own (type-only imports of its JSON Schemas' types).
 */
import { apiRequest } from '../lib/api';
import type { BlobView, CommitView, ReadmeView, RepositoryListItem, RepositorySummary, TreeEntry, TreeView } from '../../../src/repositories/repository-views.js';

export type { BlobView, CommitView, ReadmeView, RepositoryListItem, RepositorySummary, TreeEntry, TreeView };

/** A path inside a repository, each segment encoded for a URL. */
function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function api(owner: string, repo: string, rest: string, query: Record<string, string | undefined>): string {
  const search = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined)).toString();
  return `/api/repositories/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}${rest}${search ? `?${search}` : ''}`;
}

export function listRepositories(signal?: AbortSignal): Promise<{ items: RepositoryListItem[] }> {
  return apiRequest('/api/repositories', { signal });
}

export function getRepository(owner: string, repo: string, ref?: string, signal?: AbortSignal): Promise<RepositorySummary> {
  return apiRequest(api(owner, repo, '', { ref }), { signal });
}

export function getTree(owner: string, repo: string, path: string, ref?: string, signal?: AbortSignal): Promise<TreeView> {
  return apiRequest(api(owner, repo, '/tree', { path, ref }), { signal });
}

export function getBlob(owner: string, repo: string, path: string, ref?: string, signal?: AbortSignal): Promise<BlobView> {
  return apiRequest(api(owner, repo, '/blob', { path, ref }), { signal });
}

/**
 * The portal page of a repository, or of a folder (`tree`) or file (`blob`) in it; the ref rides in
 * the query so branch names with slashes stay unambiguous.
 * @example repositoryPath('acme', 'shop', { view: 'blob', path: 'src/index.ts', ref: 'main' }) // '/repositories/acme/shop/blob/src/index.ts?ref=main'
 */
export function repositoryPath(owner: string, repo: string, at: { view?: 'tree' | 'blob'; path?: string; ref?: string } = {}): string {
  const base = `/repositories/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
  const where = at.view ? `${base}/${at.view}/${encodePath(at.path ?? '')}` : base;
  return at.ref ? `${where}?ref=${encodeURIComponent(at.ref)}` : where;
}

/** Bytes as people read them. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
