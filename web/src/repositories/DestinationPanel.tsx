import type { DestinationSummary } from './repositoriesApi';

/** Where a destination lives and what the reader sees of it (its whole folder, or their requests' folders). */
export function DestinationPanel({ summary }: { summary: DestinationSummary }) {
  return (
    <section className="card" aria-labelledby="destination-title" data-testid="destination-panel">
      <h2 id="destination-title" className="repo-card-title">
        Destination
      </h2>
      <p className="small">
        Pave commits requests’ manifests to <code className="small-code">{summary.branch}</code>
        {summary.path ? (
          <>
            {' '}
            under <code className="small-code">{summary.path}</code>
          </>
        ) : null}
        .
      </p>
      <p className="small muted">
        {summary.sees === 'destination' ? 'You see the whole destination.' : 'You see the folders of the requests you may read; the rest of this destination is not shown.'}
      </p>
      {summary.webUrl ? (
        <p className="small">
          <a href={summary.webUrl} target="_blank" rel="noreferrer">
            Open the repository where it is hosted
          </a>
        </p>
      ) : null}
    </section>
  );
}
