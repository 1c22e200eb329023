/**
 * A task's workspace: the one folder actions write into. Every path is confined to it, nothing is read
 * or written through a symbolic link, files are opened with O_NOFOLLOW, and sizes are bounded.
 */
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { conflict, invalidInput } from '../../core/problem.js';
import { assertNoSymlinks, confinePath } from './safe-path.js';
import { DeclaredDocuments } from './declared-documents.js';

/** One entry of a workspace listing (paths use `/`). */
export interface WorkspaceEntry {
  path: string;
  type: 'file' | 'directory' | 'symlink';
  size: number;
  executable: boolean;
}

export interface WorkspaceLimits {
  /** Most files a workspace may hold. */
  maxFiles: number;
  /** Largest single file, in bytes. */
  maxFileBytes: number;
}

export const DEFAULT_WORKSPACE_LIMITS: WorkspaceLimits = { maxFiles: 20_000, maxFileBytes: 50 * 1024 * 1024 };

/**
 * @example
 *   const ws = new Workspace('/data/scaffolder/tasks/123/workspace');
 *   await ws.writeFile('src/index.ts', 'export {}');
 *   await ws.writeFile('../escape', 'x'); // throws 422: "../escape" points outside the workspace
 */
export class Workspace {
  readonly root: string;
  readonly limits: WorkspaceLimits;
  /** The entity kinds each catalog file written here may hold (see `declared-documents.ts`). */
  readonly declarations = new DeclaredDocuments();

  constructor(root: string, limits: Partial<WorkspaceLimits> = {}) {
    this.root = root;
    this.limits = Object.freeze({ ...DEFAULT_WORKSPACE_LIMITS, ...limits });
  }

  /** The absolute path of a relative one, confined (lexically) to the workspace. */
  resolve(path: unknown, what = 'path'): string {
    return confinePath(this.root, path, what);
  }

  /** Confined and free of symbolic links on the way (the final component may be a link when allowed). */
  async resolveSafe(path: unknown, what = 'path', options: { allowFinalLink?: boolean } = {}): Promise<string> {
    const absolute = this.resolve(path, what);
    await assertNoSymlinks(this.root, absolute, what, options);
    return absolute;
  }

  /** The workspace-relative form of an absolute path inside it, with `/` separators. */
  relative(absolute: string): string {
    return relative(this.root, absolute).split(sep).join('/') || '.';
  }

  async ensureRoot(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }

  async exists(path: string, what = 'path'): Promise<boolean> {
    const absolute = await this.resolveSafe(path, what, { allowFinalLink: true });
    return (await lstat(absolute).catch(() => undefined)) !== undefined;
  }

  async mkdir(path: string, what = 'path'): Promise<string> {
    const absolute = await this.resolveSafe(path, what);
    await mkdir(absolute, { recursive: true });
    // mkdir -p may have raced with nothing else, but check again that no link appeared on the way.
    await assertNoSymlinks(this.root, absolute, what);
    return absolute;
  }

  /**
   * Writes a file (parents created). Refuses to replace a symbolic link or a folder; with `overwrite: false`
   * an existing file is left as it is and false is returned.
   */
  async writeFile(path: string, content: string | Uint8Array, options: { executable?: boolean; overwrite?: boolean; what?: string } = {}): Promise<boolean> {
    const what = options.what ?? 'path';
    const absolute = await this.resolveSafe(path, what);
    if (absolute === this.root) throw invalidInput(`${what} must name a file, not the workspace itself`);
    const size = typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
    if (size > this.limits.maxFileBytes) throw invalidInput(`${what} "${path}" would be ${size} bytes; the limit is ${this.limits.maxFileBytes}`);
    const existing = await lstat(absolute).catch(() => undefined);
    if (existing?.isDirectory()) throw conflict(`${what} "${path}" is a folder in the workspace; cannot write a file there`);
    if (existing && options.overwrite === false) return false;
    await mkdir(dirname(absolute), { recursive: true });
    await assertNoSymlinks(this.root, absolute, what);
    // O_NOFOLLOW: even a link created between the check and the open is never followed.
    const handle = await open(absolute, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, options.executable ? 0o755 : 0o644);
    try {
      await handle.writeFile(content);
      await handle.chmod(options.executable ? 0o755 : 0o644);
    } finally {
      await handle.close();
    }
    return true;
  }

  async readFile(path: string, what = 'path'): Promise<Buffer> {
    const absolute = await this.resolveSafe(path, what);
    const handle = await open(absolute, constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') throw invalidInput(`${what} "${path}" does not exist in the workspace`);
      if (error.code === 'ELOOP') throw invalidInput(`${what} "${path}" is a symbolic link; Pave never reads through links`);
      throw error;
    });
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw invalidInput(`${what} "${path}" is not a file`);
      if (info.size > this.limits.maxFileBytes) throw invalidInput(`${what} "${path}" is larger than ${this.limits.maxFileBytes} bytes`);
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  /** Removes a file, folder or link (a link itself, never its target). Missing paths are fine. */
  async remove(path: string, what = 'path'): Promise<boolean> {
    const absolute = await this.resolveSafe(path, what, { allowFinalLink: true });
    if (absolute === this.root) throw invalidInput(`${what} "${path}" is the whole workspace; name files inside it`);
    const existed = (await lstat(absolute).catch(() => undefined)) !== undefined;
    await rm(absolute, { recursive: true, force: true });
    return existed;
  }

  /** Moves a file or folder inside the workspace. */
  async rename(from: string, to: string, options: { overwrite?: boolean; what?: [string, string] } = {}): Promise<void> {
    const [fromWhat, toWhat] = options.what ?? ['from', 'to'];
    const source = await this.resolveSafe(from, fromWhat, { allowFinalLink: true });
    const target = await this.resolveSafe(to, toWhat);
    if (source === this.root || target === this.root) throw invalidInput('fs:rename cannot move the workspace itself');
    if (!(await lstat(source).catch(() => undefined))) throw invalidInput(`${fromWhat} "${from}" does not exist in the workspace`);
    const existing = await lstat(target).catch(() => undefined);
    if (existing) {
      if (!options.overwrite) throw conflict(`${toWhat} "${to}" already exists; set overwrite: true to replace it`);
      await rm(target, { recursive: true, force: true });
    }
    await mkdir(dirname(target), { recursive: true });
    await assertNoSymlinks(this.root, target, toWhat);
    await rename(source, target);
  }

  /** Every entry below a folder (default: the whole workspace), sorted, links listed but never followed. */
  async list(under = '.'): Promise<WorkspaceEntry[]> {
    const start = await this.resolveSafe(under, 'path');
    const out: WorkspaceEntry[] = [];
    const walk = async (dir: string): Promise<void> => {
      const names = (await readdir(dir).catch(() => [] as string[])).sort();
      for (const name of names) {
        const absolute = join(dir, name);
        const info = await lstat(absolute);
        const path = this.relative(absolute);
        if (info.isSymbolicLink()) out.push({ path, type: 'symlink', size: 0, executable: false });
        else if (info.isDirectory()) {
          out.push({ path, type: 'directory', size: 0, executable: false });
          await walk(absolute);
        } else if (info.isFile()) out.push({ path, type: 'file', size: info.size, executable: (info.mode & 0o111) !== 0 });
        if (out.length > this.limits.maxFiles) throw invalidInput(`the workspace holds more than ${this.limits.maxFiles} entries`);
      }
    };
    await walk(start);
    return out;
  }

  /** Deletes everything (used before a resumed task replays its workspace steps). */
  async reset(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
    await mkdir(this.root, { recursive: true });
  }
}
