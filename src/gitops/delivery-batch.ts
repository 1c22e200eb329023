import { blobId, type FileTree } from './file-tree.js';

/** One file a delivery added, changed or removed, relative to the repository root. */
export interface FileChange {
  path: string;
  change: 'added' | 'modified' | 'deleted';
}

/**
 * What one delivery wants a folder of the repository to hold. The folder is owned exclusively: files in
 * it that `files` does not list are removed, and `files: null` removes the folder. `extra` sets (or, with
 * null, removes) single files elsewhere, such as the ownership index.
 */
export interface FolderWrite {
  folder: string;
  /** Contents keyed by path relative to `folder`; null removes the whole folder. */
  files: ReadonlyMap<string, string> | null;
  extra?: ReadonlyMap<string, string | null>;
}

/** A batch of writes laid over a branch's files: what each changes, and what the one commit carrying them holds. */
export interface PlannedBatch {
  /** The branch's files once the commit is made. */
  tree: FileTree;
  /** What each write changes (sorted by path), in the order given; each sees the writes before it. */
  diffs: FileChange[][];
  /** The commit's changes: new content by path, null for a removed file. */
  contents: Map<string, string | null>;
}

/**
 * Lays `writes` over `base` (which is left as it is), in order, comparing content by blob id.
 * @example planBatch(tree, [{ folder: 'team/postgresql/db', files: new Map([['cluster.yaml', '…']]) }]).diffs // [[{ path: 'team/postgresql/db/cluster.yaml', change: 'added' }]]
 */
export function planBatch(base: FileTree, writes: readonly FolderWrite[]): PlannedBatch {
  const tree = base.clone();
  const contents = new Map<string, string | null>();
  const diffs = writes.map(write => {
    const changes: FileChange[] = [];
    const put = (path: string, content: string | null) => {
      const before = tree.get(path);
      if (content === null) {
        if (before === undefined) return;
        tree.delete(path);
        changes.push({ path, change: 'deleted' });
      } else {
        const id = blobId(content);
        if (before === id) return;
        tree.set(path, id);
        changes.push({ path, change: before === undefined ? 'added' : 'modified' });
      }
      contents.set(path, content);
    };
    const desired = write.files ?? new Map<string, string>();
    for (const path of tree.list(write.folder).keys()) if (!desired.has(path)) put(joinPath(write.folder, path), null);
    for (const [path, content] of desired) put(joinPath(write.folder, path), content);
    for (const [path, content] of write.extra ?? []) put(path, content);
    return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  });
  return { tree, diffs, contents };
}

/**
 * The message of a commit carrying several deliveries: a subject counting them, each one's subject, then every
 * one's trailers (the last paragraph of its message) in one trailer block, so `git interpret-trailers` and
 * readers of `Pave-*` trailers see each delivery. A single delivery keeps its own message.
 * @example batchMessage(['pave: configure a\n\nPave-Run: 1', 'pave: configure b\n\nPave-Run: 2'])
 * // 'pave: 2 changes\n\npave: configure a\npave: configure b\n\nPave-Run: 1\nPave-Run: 2'
 */
export function batchMessage(messages: readonly string[]): string {
  if (messages.length === 1) return messages[0]!;
  const subjects = messages.map(message => message.split('\n')[0]!);
  const trailers = messages.map(message => {
    const paragraphs = message.trim().split(/\n\s*\n/);
    return paragraphs.length > 1 ? paragraphs.at(-1)! : '';
  });
  return [`pave: ${messages.length} changes`, subjects.join('\n'), trailers.filter(Boolean).join('\n')].filter(Boolean).join('\n\n');
}

function joinPath(folder: string, path: string): string {
  return folder ? `${folder}/${path}` : path;
}
