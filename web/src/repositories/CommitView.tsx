import { Link } from 'react-router-dom';
import { when } from './CommitList';
import { repositoryPath, type CommitDetail, type RepositorySource } from './repositoriesApi';

/**
 * One commit: its subject and the rest of its message, who made it and when, its parents, and the files it
 * changed, each opening the file as the commit left it (a deleted one as its parent had it).
 */
export function CommitView({ source, commit }: { source: RepositorySource; commit: CommitDetail }) {
  const body = commit.message.slice(commit.subject.length).trim();
  return (
    <section className="card repo-commit" aria-labelledby="commit-title" data-testid="repo-commit" data-commit={commit.id}>
      <h2 id="commit-title" className="repo-card-title">
        {commit.subject}
      </h2>
      <p className="muted small">
        {commit.author} · <time dateTime={commit.date}>{when(commit.date)}</time> · <code className="small-code">{commit.id}</code>
      </p>
      {body ? <pre className="code">{body}</pre> : null}
      {commit.parents.length ? (
        <p className="small">
          {commit.parents.length > 1 ? 'Parents' : 'Parent'}:{' '}
          {commit.parents.map((parent) => (
            <Link key={parent} to={repositoryPath(source, { view: 'commit', path: parent })}>
              <code className="small-code">{parent.slice(0, 12)}</code>{' '}
            </Link>
          ))}
        </p>
      ) : null}
      <h3>Files changed</h3>
      {commit.files.length ? (
        <ul className="location-list" data-testid="commit-files">
          {commit.files.map((file) => {
            const at = file.change === 'deleted' ? commit.parents[0] : commit.id;
            return (
              <li key={file.path}>
                <span className="diff-change" data-change={file.change}>
                  {file.change}
                </span>{' '}
                {at ? (
                  <Link className="mono small" to={repositoryPath(source, { view: 'blob', path: file.path, ref: at })}>
                    {file.path}
                  </Link>
                ) : (
                  <span className="mono small">{file.path}</span>
                )}
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="muted">No files changed.</p>
      )}
    </section>
  );
}
