import { useState } from 'react';
import type { Entity } from '../lib/api';
import { useAsync } from '../lib/hooks';
import { refOf } from '../lib/refs';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { DoraCards } from './DoraCards';
import { getDeployments, getDora } from './deliveryApi';
import './delivery.css';
import { WindowSelect } from './WindowSelect';
import { PullRequestsSection } from './PullRequestsSection';
import { ScrollTable } from '../components/ScrollTable';

const DEPLOYMENT_COLUMNS = ['When', 'Environment', 'Outcome', 'Commit', 'Source'];

/** An entity's Delivery tab: its DORA figures (a component, a system's or a team's components) and, for a component, its latest deployments and its pull requests' lead times. */
export default function DeliveryTab({ entity }: { entity: Entity }) {
  const ref = refOf(entity);
  const [window, setWindow] = useState('30d');
  const dora = useAsync((signal) => getDora({ entity: ref, window }, signal), [ref, window]);
  const isComponent = entity.kind.toLowerCase() === 'component';
  const deployments = useAsync((signal) => (isComponent ? getDeployments(ref, signal) : Promise.resolve([])), [ref, isComponent]);
  return (
    <div className="delivery-tab">
      <div className="delivery-controls">
        <WindowSelect id="delivery-tab-window" value={window} onChange={setWindow} windows={['7d', '30d', '90d']} />
      </div>
      {dora.error ? <ErrorState error={dora.error} onRetry={dora.reload} what="delivery metrics" /> : !dora.data ? <Loading /> : <DoraCards metrics={dora.data.metrics} previous={dora.data.previous} />}
      {isComponent ? (
        <section className="card">
          <h2>Recent deployments</h2>
          {deployments.error ? (
            <ErrorState error={deployments.error} onRetry={deployments.reload} what="deployments" />
          ) : !deployments.data ? (
            <Loading />
          ) : deployments.data.length === 0 ? (
            <EmptyState title="No deployments reported yet.">
              <p>
                Annotate the component (<code>github.com/project-slug</code>, <code>argocd/app-name</code>, …) and switch on the provider’s webhook, or send events with <code>pave delivery send</code>.
              </p>
            </EmptyState>
          ) : (
            <ScrollTable label="Deployments" caption="Latest deployments, newest first" columns={DEPLOYMENT_COLUMNS} testId="deployments">
              {deployments.data.map((d) => (
                <tr key={d.id}>
                  <td className="small">{d.at.replace('T', ' ').slice(0, 16)}</td>
                  <td>{d.environment}</td>
                  <td className={d.status === 'failure' ? 'error-text' : ''}>
                    {d.status}
                    {d.rework ? ' (rework)' : ''}
                  </td>
                  <td className="mono small">{d.sha?.slice(0, 8) ?? '—'}</td>
                  <td className="small">{d.url ? <a href={d.url}>{d.source}</a> : d.source}</td>
                </tr>
              ))}
            </ScrollTable>
          )}
        </section>
      ) : null}
      {isComponent ? <PullRequestsSection entity={ref} window={window} /> : null}
    </div>
  );
}
