import { Link } from 'react-router-dom';
import { repositoryPath, type CommitView, type RepositorySource } from './repositoriesApi';

export function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** The latest commits, newest first: subject (opening the commit's page), author, date and short id. */
export function CommitList({ source, commits }: { source: RepositorySource; commits: CommitView[] }) {
  return (
    <ol className="repo-commits" data-testid="repo-commits">
      {commits.map((c) => (
        <li key={c.id}>
          <Link className="repo-commit-subject" to={repositoryPath(source, { view: 'commit', path: c.id })}>
            {c.subject}
          </Link>
          <span className="muted small">
            {c.author} · <time dateTime={c.date}>{when(c.date)}</time> ·{' '}
            <code className="small-code" title={c.id}>
              {c.id.slice(0, 12)}
            </code>
          </span>
        </li>
      ))}
    </ol>
  );
}
