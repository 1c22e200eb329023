import { Link } from 'react-router-dom';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { listRepositories, repositoryPath } from './repositoriesApi';
import './repositories.css';

/** The git repositories Pave hosts (made by golden paths), newest commit and description of each. */
export default function RepositoryListPage() {
  useDocumentTitle('Repositories');
  const list = useAsync((signal) => listRepositories(signal), []);
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Repositories</h1>
          <p className="muted">The git repositories Pave hosts: what golden paths create. Clone any of them over HTTP with an API token.</p>
        </div>
      </div>
      {list.error ? (
        <ErrorState error={list.error} onRetry={list.reload} what="repositories" />
      ) : !list.data ? (
        <Loading label="Loading repositories…" />
      ) : list.data.items.length === 0 ? (
        <EmptyState title="No repositories yet.">
          <p>
            Run a golden path in <Link to="/create">Create</Link>: the repository it publishes appears here.
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="repo-list">
            <caption className="sr-only">Repositories</caption>
            <thead>
              <tr>
                <th scope="col">Repository</th>
                <th scope="col">Default branch</th>
                <th scope="col">Latest commit</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((r) => (
                <tr key={r.name}>
                  <td className="name-cell">
                    <Link to={repositoryPath({ kind: 'hosted', owner: r.owner, repo: r.repo })}>{r.name}</Link>
                    {r.description ? <div className="cell-desc">{r.description}</div> : null}
                  </td>
                  <td className="mono small">{r.defaultBranch ?? '—'}</td>
                  <td className="small">
                    {r.lastCommit ? (
                      <>
                        {r.lastCommit.subject} <span className="muted">· {new Date(r.lastCommit.date).toLocaleDateString()}</span>
                      </>
                    ) : (
                      <span className="muted">no commits yet</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
