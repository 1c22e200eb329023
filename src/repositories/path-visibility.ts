/**
 * Which paths of a repository a reader sees, when they see only some folders of it (a destination's
 * reader sees the folders of the requests they may read). Pure: no I/O.
 * - a path *inside* a visible folder is shown whole (folders, files, changes);
 * - a folder *on the way* to one (an ancestor) is listed with only the entries that lead on;
 * - anything else is hidden, answered as if it did not exist.
 * `undefined` folders mean the whole repository.
 */
export type VisibleFolders = readonly string[] | undefined;

export type PathSight = 'inside' | 'on-the-way' | 'hidden';

/**
 * How a path ('' is the root) stands to the visible folders.
 * @example pathSight('apps/team-a/Db/main/db.yaml', ['apps/team-a/Db/main']) // 'inside'
 *          pathSight('apps/team-a', ['apps/team-a/Db/main'])                 // 'on-the-way'
 *          pathSight('apps/team-b', ['apps/team-a/Db/main'])                 // 'hidden'
 */
export function pathSight(path: string, folders: VisibleFolders): PathSight {
  if (folders === undefined) return 'inside';
  let sight: PathSight = 'hidden';
  for (const folder of folders) {
    if (folder === '' || path === folder || path.startsWith(`${folder}/`)) return 'inside';
    if (path === '' || folder.startsWith(`${path}/`)) sight = 'on-the-way';
  }
  return sight;
}

/** Whether a path is shown at all (inside a visible folder or on the way to one). */
export function isVisible(path: string, folders: VisibleFolders): boolean {
  return pathSight(path, folders) !== 'hidden';
}
