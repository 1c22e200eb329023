import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { listGeneratedRepositories, upgradeGeneratedRepository, type GeneratedRepository, type UpgradeResult } from '../lib/api';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { humanRef } from '../lib/refs';
import { ScrollTable } from '../components/ScrollTable';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { wizardPath } from './GalleryPage';
import './templates.css';

/**
 * The repositories golden paths created, by template: which are behind their template (the version their
 * content came from and the template's now), and a button that merges the template's change into one as
 * a review branch (a pull or merge request where the provider has them). Conflicts are listed, never forced.
 * Each shows what became of its last review: open, merged (then it is at that version) or declined.
 */
export default function UpgradesPage() {
  useDocumentTitle('Template upgrades');
  const [params, setParams] = useSearchParams();
  const all = params.get('show') === 'all';
  const repositories = useAsync((signal) => listGeneratedRepositories({ behind: !all }, signal), [all]);
  const [opened, setOpened] = useState<Record<string, UpgradeResult | Error | 'working'>>({});

  const open = async (repository: GeneratedRepository) => {
    setOpened((was) => ({ ...was, [repository.id]: 'working' }));
    try {
      const result = await upgradeGeneratedRepository(repository.id);
      setOpened((was) => ({ ...was, [repository.id]: result }));
    } catch (error) {
      setOpened((was) => ({ ...was, [repository.id]: error as Error }));
    }
  };
  const byTemplate = new Map<string, GeneratedRepository[]>();
  for (const repository of repositories.data?.items ?? []) byTemplate.set(repository.templateRef, [...(byTemplate.get(repository.templateRef) ?? []), repository]);

  return (
    <div className="page tpl-upgrades">
      <p className="muted small">
        <Link to="/create">Create</Link> / upgrades
      </p>
      <div className="page-head">
        <div>
          <h1>Template upgrades</h1>
          <p className="muted">Repositories made from a golden path whose template changed since. Opening an upgrade renders the template again with the values the repository was made with, merges it with git and proposes it for review.</p>
        </div>
        <div className="row">
          <label className="row small">
            <input type="checkbox" checked={all} onChange={(e) => setParams(e.target.checked ? { show: 'all' } : {})} /> Show up-to-date repositories too
          </label>
          <button type="button" className="btn" onClick={repositories.reload} disabled={repositories.loading}>
            {repositories.loading ? 'Refreshing…' : 'Refresh'}
          </button>
        </div>
      </div>
      {repositories.error ? (
        <ErrorState error={repositories.error} onRetry={repositories.reload} what="generated repositories" />
      ) : !repositories.data ? (
        <Loading label="Loading repositories…" />
      ) : byTemplate.size === 0 ? (
        <EmptyState title={all ? 'No repositories were made from golden paths yet.' : 'Every repository is up to date with its template.'} />
      ) : (
        [...byTemplate].map(([templateRef, items]) => (
          <section key={templateRef} className="card" aria-label={`Repositories from ${humanRef(templateRef, 'template')}`}>
            <h2>
              <Link to={wizardPath(templateRef)}>{humanRef(templateRef, 'template')}</Link>
            </h2>
            <p className="muted small">
              {items.filter((r) => r.behind).length} of {items.length} behind
            </p>
            <ScrollTable label={`Repositories from ${humanRef(templateRef, 'template')}`} caption="Repositories made from this template, oldest first" columns={['Repository', 'Version', 'Created by', 'Upgrade']}>
              {items.map((repository) => (
                <tr key={repository.id} data-repository={repository.id} data-behind={repository.behind}>
                  <td>
                    <a href={repository.webUrl}>{repository.repoUrl}</a>
                  </td>
                  <td className="mono small">
                    {repository.templateVersion || '—'} {repository.behind ? <>→ {repository.currentVersion}</> : <span className="muted">(current)</span>}
                  </td>
                  <td>{repository.createdBy ? humanRef(repository.createdBy, 'user') : <span className="muted">—</span>}</td>
                  <td>
                    <UpgradeCell repository={repository} state={opened[repository.id]} onOpen={() => void open(repository)} />
                  </td>
                </tr>
              ))}
            </ScrollTable>
          </section>
        ))
      )}
    </div>
  );
}

function UpgradeCell({ repository, state, onOpen }: { repository: GeneratedRepository; state: UpgradeResult | Error | 'working' | undefined; onOpen: () => void }) {
  if (state === 'working') return <span aria-live="polite">Merging…</span>;
  if (state instanceof Error) return <span className="error-text" role="alert">{state.message}</span>;
  const result = state ?? repository.lastUpgrade;
  const review = state ? undefined : repository.review;
  // An open review for the version the template is at now is the upgrade to look at; opening another would show the same.
  const reviewing = review?.state === 'open' && review.toVersion === repository.currentVersion;
  return (
    <div className="tpl-upgrade-cell" aria-live="polite">
      {result && review?.state !== 'merged' ? <UpgradeSummary result={result} /> : null}
      {review ? <ReviewState review={review} /> : null}
      {repository.behind && !state && !reviewing ? (
        <button type="button" className="btn" onClick={onOpen}>
          Open upgrade
        </button>
      ) : null}
    </div>
  );
}

/** What became of the review the last upgrade opened, as Pave last saw it. */
function ReviewState({ review }: { review: NonNullable<GeneratedRepository['review']> }) {
  const words = { open: 'Review open', merged: 'Merged', closed: 'Declined (closed unmerged)' }[review.state];
  return (
    <p className="small" data-review={review.state}>
      <span className="tpl-status" data-status={review.state === 'merged' ? 'completed' : review.state === 'closed' ? 'cancelled' : 'processing'}>
        {words}
      </span>{' '}
      {review.toVersion}
      {review.url ? (
        <>
          {' '}
          <a href={review.url}>{review.state === 'open' ? 'review' : 'see it'}</a>
        </>
      ) : null}
    </p>
  );
}

function UpgradeSummary({ result }: { result: UpgradeResult }) {
  if (result.outcome === 'up-to-date') return <span className="muted">Nothing to change for {result.toVersion}</span>;
  const where = result.reviewUrl ? <a href={result.reviewUrl}>{result.branch}</a> : <span className="mono">{result.branch}</span>;
  return (
    <div data-outcome={result.outcome}>
      <span className="tpl-status" data-status={result.outcome === 'clean' ? 'completed' : 'failed'}>
        {result.outcome === 'clean' ? 'clean' : `${result.conflicts.length} conflict(s)`}
      </span>{' '}
      {result.toVersion}: {where}
      {result.conflicts.length ? <p className="small">Resolve on the branch: {result.conflicts.join(', ')}</p> : null}
    </div>
  );
}
