import { Link } from 'react-router-dom';
import { formatSize, repositoryPath, type RepositorySource, type TreeEntry } from './repositoriesApi';

/** Drawn, not emoji: every machine has the shapes, not every machine has an emoji font. */
const ICONS: Record<TreeEntry['type'], { label: string; path: string }> = {
  tree: { label: 'Folder', path: 'M1.5 3.5h4l1.5 1.5h7.5v8.5h-13z' },
  blob: { label: 'File', path: 'M3.5 1.5h6l3 3v10h-9z M9.5 1.5v3h3' },
  symlink: { label: 'Symbolic link', path: 'M3.5 1.5h6l3 3v10h-9z M6 11l4-4 M7 7h3v3' },
  submodule: { label: 'Submodule', path: 'M2 4.5l6-3 6 3v7l-6 3-6-3z M2 4.5l6 3 6-3 M8 7.5v7' },
};

function EntryIcon({ type }: { type: TreeEntry['type'] }) {
  return (
    <svg className="repo-icon" viewBox="0 0 16 16" width="16" height="16" role="img" aria-label={ICONS[type].label}>
      <path d={ICONS[type].path} fill="none" stroke="currentColor" strokeWidth="1.2" strokeLinejoin="round" />
    </svg>
  );
}

/** The entries of one folder, folders first, each opening its folder or file page at the same ref. */
export function TreeListing({ source, refName, path, entries }: { source: RepositorySource; refName: string; path: string; entries: TreeEntry[] }) {
  const parent = path.split('/').slice(0, -1).join('/');
  return (
    <div className="table-wrap">
      <table className="table repo-tree" data-testid="repo-tree">
        <caption className="sr-only">{path ? `Files in ${path}` : 'Files'}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" className="repo-size">
              Size
            </th>
          </tr>
        </thead>
        <tbody>
          {path ? (
            <tr>
              <td colSpan={2}>
                <Link to={parent ? repositoryPath(source, { view: 'tree', path: parent, ref: refName }) : repositoryPath(source, { ref: refName })} aria-label="Parent folder">
                  ..
                </Link>
              </td>
            </tr>
          ) : null}
          {entries.map((entry) => (
            <tr key={entry.path} data-entry={entry.path}>
              <td>
                <EntryIcon type={entry.type} />{' '}
                {entry.type === 'submodule' ? (
                  <span>{entry.name}</span>
                ) : (
                  <Link to={repositoryPath(source, { view: entry.type === 'tree' ? 'tree' : 'blob', path: entry.path, ref: refName })}>{entry.name}</Link>
                )}
              </td>
              <td className="repo-size muted small">{entry.size !== undefined ? formatSize(entry.size) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
