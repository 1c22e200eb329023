import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isInside } from '../../core/is-inside.js';
import type { RepositoryService } from '../../repositories/repository-service.js';

/** The largest file a collector reads (a manifest or a version file is far smaller). */
export const MAX_READ_BYTES = 256 * 1024;

/** One entry of a folder. */
export interface FileEntry {
  name: string;
  type: 'file' | 'folder';
}

/**
 * A repository's files as the repository collector reads them, wherever the repository is: folder listings
 * and small text files, at one commit. Both answer empty (never throw) for what is missing or unreadable.
 */
export interface RepositoryFiles {
  /** How the facts name the repository: `owner/repo` when hosted, else its URL. */
  readonly name: string;
  /** A folder's entries (`''` is the root); [] when it is missing. */
  entries(folder: string): Promise<FileEntry[]>;
  /** A file's text, or undefined when missing, binary or larger than {@link MAX_READ_BYTES}. */
  read(path: string): Promise<string | undefined>;
}

/**
 * The files of a repository Pave hosts, read with git through the repositories service at the commit its
 * default branch pointed at when the first folder was read (so one collection sees one commit). Each folder
 * is listed once, however often it is asked for.
 */
export function hostedFiles(repositories: RepositoryService, owner: string, repo: string): RepositoryFiles {
  let commit: string | undefined;
  const listed = new Map<string, Promise<FileEntry[]>>();
  const list = async (folder: string): Promise<FileEntry[]> => {
    const tree = await repositories.tree(owner, repo, folder, commit).catch(() => undefined);
    if (!tree) return [];
    commit ??= tree.commit;
    return tree.entries.filter(entry => entry.type !== 'submodule').map(entry => ({ name: entry.name, type: entry.type === 'tree' ? 'folder' : 'file' }));
  };
  return {
    name: `${owner}/${repo}`,
    entries(folder) {
      let entries = listed.get(folder);
      if (!entries) listed.set(folder, (entries = list(folder)));
      return entries;
    },
    async read(path) {
      const blob = await repositories.blob(owner, repo, path, commit).catch(() => undefined);
      if (!blob || blob.binary || blob.truncated || blob.type !== 'blob' || blob.size > MAX_READ_BYTES) return undefined;
      return blob.content;
    },
  };
}

/**
 * The files of a checked-out copy in `dir` (a clone made under the reading policy). Symbolic links are never
 * followed, and no path leads outside `dir`.
 */
export function checkedOutFiles(name: string, dir: string): RepositoryFiles {
  const inside = (path: string) => {
    const full = join(dir, path);
    return isInside(dir, full) ? full : undefined;
  };
  return {
    name,
    async entries(folder) {
      const full = inside(folder);
      const found = full ? await readdir(full, { withFileTypes: true }).catch(() => []) : [];
      return found.filter(entry => entry.name !== '.git' && (entry.isFile() || entry.isDirectory())).map(entry => ({ name: entry.name, type: entry.isDirectory() ? 'folder' : 'file' }));
    },
    async read(path) {
      const full = inside(path);
      const stat = full ? await lstat(full).catch(() => undefined) : undefined;
      if (!full || !stat?.isFile() || stat.size > MAX_READ_BYTES) return undefined;
      const content = await readFile(full);
      return content.includes(0) ? undefined : content.toString('utf8');
    },
  };
}
