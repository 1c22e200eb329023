import type { CommitView } from './repositoriesApi';

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** The latest commits, newest first: subject, author, date and short id. */
export function CommitList({ commits }: { commits: CommitView[] }) {
  return (
    <ol className="repo-commits" data-testid="repo-commits">
      {commits.map((c) => (
        <li key={c.id}>
          <span className="repo-commit-subject">{c.subject}</span>
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
