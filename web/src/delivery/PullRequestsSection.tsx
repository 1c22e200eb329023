import { useAsync } from '../lib/hooks';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { getPullRequests } from './deliveryApi';
import { hours } from './DoraCards';
import { ScrollTable } from '../components/ScrollTable';

const PULL_REQUEST_COLUMNS = ['Pull request', 'State', 'Started', 'Merged', 'Deployed', 'To merge', 'To production', 'Lead time'];

const when = (at?: string) => (at ? at.replace('T', ' ').slice(0, 16) : '—');

/** A component's pull requests over the window: first commit (or opening) → merged → deployed to production. */
export function PullRequestsSection({ entity, window }: { entity: string; window: string }) {
  const report = useAsync((signal) => getPullRequests(entity, window, signal), [entity, window]);
  return (
    <section className="card" aria-labelledby="pull-requests-title">
      <h2 id="pull-requests-title">Pull requests</h2>
      {report.error ? (
        <ErrorState error={report.error} onRetry={report.reload} what="pull requests" />
      ) : !report.data ? (
        <Loading />
      ) : report.data.items.length === 0 ? (
        <EmptyState title="No pull requests in this window.">
          <p>
            Switch on GitHub’s <code>pull_request</code> or GitLab’s merge request webhook, or send changes of kind <code>pull-request</code>.
          </p>
        </EmptyState>
      ) : (
        <>
          <p data-testid="pull-request-summary">
            {report.data.summary.merged} merged, {report.data.summary.deployed} deployed to production; median {hours(report.data.summary.medianToMergeHours)} to merge,{' '}
            {hours(report.data.summary.medianToDeployHours)} from merge to production, {hours(report.data.summary.medianLeadTimeHours)} lead time
            {report.data.summary.open ? `; ${report.data.summary.open} open` : ''}.
          </p>
          <ScrollTable label="Pull requests" caption="Pull requests of the window, newest first" columns={PULL_REQUEST_COLUMNS} testId="pull-requests">
            {report.data.items.map((pr) => (
              <tr key={`${pr.entityRef} ${pr.key}`}>
                <td>
                  {pr.url ? <a href={pr.url}>{pr.key}</a> : pr.key}
                  {pr.title ? <div className="small">{pr.title}</div> : null}
                </td>
                <td>{pr.state}</td>
                <td className="small">{when(pr.firstCommitAt && (!pr.openedAt || pr.firstCommitAt < pr.openedAt) ? pr.firstCommitAt : pr.openedAt)}</td>
                <td className="small">{when(pr.mergedAt)}</td>
                <td className="small">{when(pr.deployedAt)}</td>
                <td>{hours(pr.hours.toMerge)}</td>
                <td>{hours(pr.hours.toDeploy)}</td>
                <td>{hours(pr.hours.leadTime)}</td>
              </tr>
            ))}
          </ScrollTable>
        </>
      )}
    </section>
  );
}
