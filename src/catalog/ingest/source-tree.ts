import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';

/**
 * A folder that reads are confined to: a git checkout, or the allowed root of a file location.
 * Every path is resolved (symlinks included) and refused when it lands outside the root.
 */
export class SourceTree {
  constructor(
    readonly root: string,
    /** How paths in this tree are named in annotations and errors (`file:` or a git target prefix). */
    readonly describe: (absolutePath: string) => string,
  ) {}

  /** Resolves `path` (relative to `from`) inside the tree; undefined when it escapes, with symlinks followed. */
  async confine(path: string, from: string = this.root): Promise<string | undefined> {
    const candidate = resolve(from, path);
    if (!isInside(this.root, candidate)) return undefined;
    const real = await realpath(candidate).catch(() => candidate);
    const realRoot = await realpath(this.root).catch(() => this.root);
    return isInside(realRoot, real) ? candidate : undefined;
  }
}

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
