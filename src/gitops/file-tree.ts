import { createHash } from 'node:crypto';

/** One folder of a commit's tree as this process holds it: files by name (their blob ids), sub-folders by name. */
interface Folder {
  files: Map<string, string>;
  folders: Map<string, Folder>;
}

/**
 * The files of one commit (path → blob id), held in memory so a batch of writes can be compared with what the
 * branch holds without a checkout or a git process per file. Content is compared by blob id, which is computed
 * here the way git computes it.
 * @example const tree = FileTree.fromLsTree(lsTreeOutput); tree.list('team/postgresql/db'); // Map { 'cluster.yaml' => 'e69d…' }
 */
export class FileTree {
  readonly #root: Folder;

  private constructor(root: Folder) {
    this.#root = root;
  }

  static empty(): FileTree {
    return new FileTree(newFolder());
  }

  /** Reads the output of `git ls-tree -r -z --full-tree <commit>` (`<mode> <type> <id>\t<path>` records, NUL-ended). */
  static fromLsTree(output: string): FileTree {
    const tree = FileTree.empty();
    for (const record of output.split('\0')) {
      const tab = record.indexOf('\t');
      if (tab < 0) continue;
      const [, type, id] = record.slice(0, tab).split(' ');
      // Submodules (type commit) are no file of ours to compare; they are left as they are.
      if (type === 'blob' && id) tree.set(record.slice(tab + 1), id);
    }
    return tree;
  }

  /** The blob id of a file, undefined when there is none. */
  get(path: string): string | undefined {
    const { folder, name } = this.#parent(path, false);
    return folder?.files.get(name);
  }

  set(path: string, id: string): void {
    const { folder, name } = this.#parent(path, true);
    folder!.files.set(name, id);
  }

  /** Removes a file, and the folders it leaves empty (git keeps no empty folders). */
  delete(path: string): void {
    const segments = path.split('/');
    const trail: Folder[] = [this.#root];
    for (const segment of segments.slice(0, -1)) {
      const next = trail.at(-1)!.folders.get(segment);
      if (!next) return;
      trail.push(next);
    }
    trail.at(-1)!.files.delete(segments.at(-1)!);
    for (let i = trail.length - 1; i > 0; i--) {
      const folder = trail[i]!;
      if (folder.files.size || folder.folders.size) break;
      trail[i - 1]!.folders.delete(segments[i - 1]!);
    }
  }

  /** Every file under `folder` ('' for all), by path relative to it. */
  list(folder: string): Map<string, string> {
    const files = new Map<string, string>();
    let start: Folder | undefined = this.#root;
    for (const segment of folder ? folder.split('/') : []) start = start?.folders.get(segment);
    const walk = (at: Folder, prefix: string) => {
      for (const [name, id] of at.files) files.set(prefix + name, id);
      for (const [name, sub] of at.folders) walk(sub, `${prefix}${name}/`);
    };
    if (start) walk(start, '');
    return files;
  }

  /** A copy to change without touching this one. */
  clone(): FileTree {
    const copy = (at: Folder): Folder => ({ files: new Map(at.files), folders: new Map([...at.folders].map(([name, sub]) => [name, copy(sub)])) });
    return new FileTree(copy(this.#root));
  }

  #parent(path: string, create: boolean): { folder: Folder | undefined; name: string } {
    const segments = path.split('/');
    let folder: Folder | undefined = this.#root;
    for (const segment of segments.slice(0, -1)) {
      let next: Folder | undefined = folder.folders.get(segment);
      if (!next) {
        if (!create) return { folder: undefined, name: '' };
        next = newFolder();
        folder.folders.set(segment, next);
      }
      folder = next;
    }
    return { folder, name: segments.at(-1)! };
  }
}

function newFolder(): Folder {
  return { files: new Map(), folders: new Map() };
}

/** The id git gives a file with this content (SHA-1 of `blob <length>\0<bytes>`, as in a SHA-1 repository). */
export function blobId(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
