import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { isInside } from '../../core/is-inside.js';
import fg from 'fast-glob';
import { formatGitTarget, type GitTarget } from './location-target.js';

/** Where a path landed: its real path inside the tree, or why it cannot be read. */
export type Located = { path: string } | { refused: 'outside' | 'missing' };

/** What reading a file of a tree gave: its bytes, or why there are none. */
export type TreeRead = { path: string; content: Buffer } | { refused: 'outside' | 'missing' | 'not-a-file' | 'too-large'; size?: number };

/**
 * A folder that reads are confined to: a git checkout, the folder of a file location, or one of
 * `catalog.allowedRoots`. This is the one place where Pave decides whether a path from a location
 * (a target, a placeholder, a docs page) may be read: the path is resolved with `realpath`, symbolic
 * links included, and refused when its real path is outside the tree's real root. Reads are bounded.
 * @example
 * const tree = new SourceTree('/srv/catalog', p => `file:${p}`);
 * const read = await tree.read('../etc/passwd', { from: '/srv/catalog/team-a', maxBytes: 1 << 20 });
 * // { refused: 'outside' }
 */
export class SourceTree {
  #realRoot: Promise<string | undefined> | undefined;

  constructor(
    readonly root: string,
    /** How paths in this tree are named in annotations and errors (`file:` or a git target prefix). */
    readonly describe: (absolutePath: string) => string,
    /** The repository the tree is a clone of (none for a folder on this machine): what its placeholders may read signed in. */
    readonly repository?: string,
  ) {}

  /** The root with its symbolic links resolved (undefined when it does not exist). */
  realRoot(): Promise<string | undefined> {
    this.#realRoot ??= realpath(this.root).catch(() => undefined);
    return this.#realRoot;
  }

  /**
   * Resolves `path` (relative to `from`; an absolute path is taken as it is) to its real path, which must
   * be inside the tree. A path that does not exist, or a dangling link, is `missing`.
   * @example await tree.locate('docs/index.md') // { path: '/srv/catalog/docs/index.md' }
   */
  async locate(path: string, from: string = this.root): Promise<Located> {
    const realRoot = await this.realRoot();
    if (!realRoot) return { refused: 'missing' };
    const candidate = resolve(from, path);
    // Cheap refusal first: a path that does not even name a place under the root.
    if (!isInside(this.root, candidate) && !isInside(realRoot, candidate)) return { refused: 'outside' };
    const real = await realpath(candidate).catch(() => undefined);
    if (real === undefined) return { refused: 'missing' };
    return isInside(realRoot, real) ? { path: real } : { refused: 'outside' };
  }

  /** Like `locate`, answering only the real path (undefined when outside or missing). */
  async confine(path: string, from: string = this.root): Promise<string | undefined> {
    const located = await this.locate(path, from);
    return 'path' in located ? located.path : undefined;
  }

  /**
   * Reads a regular file of the tree, at most `maxBytes` of it: the size is checked before reading and
   * again while reading (a file that grows is still cut off), so a huge file costs nothing.
   * @example const read = await tree.read('catalog-info.yaml', { maxBytes: 8 << 20 }); if ('content' in read) …
   */
  async read(path: string, options: { from?: string; maxBytes: number }): Promise<TreeRead> {
    const located = await this.locate(path, options.from);
    if (!('path' in located)) return located;
    return readBounded(located.path, options.maxBytes);
  }
}

/**
 * Reads a file without following a final symbolic link (it was resolved already; one swapped in since is
 * refused) and without blocking on a FIFO, up to `maxBytes`.
 */
async function readBounded(path: string, maxBytes: number): Promise<TreeRead> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => undefined);
  if (!handle) return { refused: 'missing' };
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { refused: 'not-a-file' };
    if (info.size > maxBytes) return { refused: 'too-large', size: info.size };
    const chunks: Buffer[] = [];
    let total = 0;
    while (true) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) return { refused: 'too-large', size: total };
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return { path, content: Buffer.concat(chunks, total) };
  } catch {
    return { refused: 'missing' };
  } finally {
    await handle.close();
  }
}

/**
 * The tree a `file` location reads from: the one of `catalog.allowedRoots` that holds the target, or,
 * when none are configured, the folder of the target (before its first glob character). Undefined when
 * allowed roots are configured and none holds the target.
 * @example fileLocationTree('/srv/catalog/team-a/*.yaml', []) // root /srv/catalog/team-a
 */
export function fileLocationTree(target: string, allowedRoots: string[]): SourceTree | undefined {
  const allowed = allowedRoots.find(root => isInside(root, target));
  if (allowedRoots.length && !allowed) return undefined;
  return new SourceTree(allowed ?? globBase(target), path => `file:${path}`);
}

/**
 * The tree of a git clone in `dir`, naming its files as `url:<repository>#<ref>:<path>`.
 * @example cloneTree('/tmp/pave-clone-1', parseGitTarget('file:///srv/git/shop.git#main'))
 */
export function cloneTree(dir: string, git: GitTarget): SourceTree {
  return new SourceTree(dir, path => `url:${formatGitTarget({ ...git, path: relative(dir, path) })}`, git.repository);
}

/** The folder part of a path before its first glob character. */
export function globBase(path: string): string {
  if (!fg.isDynamicPattern(path)) return dirname(path);
  const parts = path.split('/');
  const firstDynamic = parts.findIndex(part => part !== '' && fg.isDynamicPattern(part));
  return parts.slice(0, firstDynamic).join('/') || '/';
}
