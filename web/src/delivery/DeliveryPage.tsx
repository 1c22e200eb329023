import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { queryEntities } from '../lib/api';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { entityPath, humanRef, refOf } from '../lib/refs';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { BarChart } from './BarChart';
import { DoraCards } from './DoraCards';
import { getAdoption, getDora, getUnmapped } from './deliveryApi';
import { MapForm } from './MapForm';
import { AdoptionFacts } from './AdoptionFacts';
import { WindowSelect, chosenWindow } from './WindowSelect';
import { WeeklyTrends, type WeeklyTrend } from './WeeklyTrends';
import type { DoraReport } from './deliveryApi';
import { useMayDo } from '../lib/useMayDo';
import { ScrollTable } from '../components/ScrollTable';
import './delivery.css';

/** DORA's headline figures week by week, as trend lines (the change failure and rework rates in percent). */
function doraTrends(weeks: NonNullable<DoraReport['byWeek']>): WeeklyTrend[] {
  const percent = (rate: number | null) => (rate === null ? null : Math.round(rate * 1000) / 10);
  return [
    { id: 'deployments', title: 'Production deployments', series: [{ name: 'Deployments', values: weeks.map((w) => w.deployments) }] },
    { id: 'lead-time', title: 'Change lead time (median hours)', series: [{ name: 'Lead time', values: weeks.map((w) => w.leadTimeMedianHours) }] },
    {
      id: 'failures',
      title: 'Change failure and rework (%)',
      series: [
        { name: 'Change failure rate', values: weeks.map((w) => percent(w.changeFailureRate)) },
        { name: 'Rework rate', values: weeks.map((w) => percent(w.reworkRate)) },
      ],
    },
    { id: 'recovery', title: 'Failed deployment recovery (median hours)', series: [{ name: 'Recovery time', values: weeks.map((w) => w.recoveryMedianHours) }] },
  ];
}

/**
 * The delivery dashboard: DORA's five metrics with bands and trends for the organisation or one team,
 * deployments per component as a chart, adoption, and the unmapped events. The choices live in the URL
 * (`?team=group:default/x&window=90d`), so a view can be shared.
 */
export default function DeliveryPage() {
  useDocumentTitle('Delivery');
  const [params, setParams] = useSearchParams();
  const team = params.get('team') ?? '';
  const window = chosenWindow(params);
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const teams = useAsync((signal) => queryEntities({ filters: { kind: 'group' }, limit: 200, fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title'] }, signal), []);
  const dora = useAsync((signal) => getDora({ ...(team ? { entity: team } : {}), window, weekly: 'true' }, signal), [team, window]);
  const weeks = useMemo(() => dora.data?.byWeek?.map((w) => w.week) ?? [], [dora.data]);
  const trends = useMemo(() => (dora.data?.byWeek ? doraTrends(dora.data.byWeek) : []), [dora.data]);
  const adoption = useAsync((signal) => getAdoption({ window }, signal), [window]);
  const unmapped = useAsync((signal) => getUnmapped(signal), []);
  const may = useMayDo(['delivery.mapping.write']);
  const [mappedNote, setMappedNote] = useState<string>();

  return (
    <div className="page delivery-page">
      <div className="page-head">
        <div>
          <h1>Delivery</h1>
          <p className="muted">DORA’s five metrics from the deployments, commits and incidents your tools report, with the performance band of each and how it moved since the window before.</p>
        </div>
        <div className="delivery-controls">
          <div className="field">
            <label htmlFor="delivery-team">Team</label>
            <select id="delivery-team" value={team} onChange={(e) => set('team', e.target.value)}>
              <option value="">Whole organisation</option>
              {(teams.data?.items ?? []).map((g) => (
                <option key={refOf(g)} value={refOf(g)}>
                  {g.metadata.title ?? g.metadata.name}
                </option>
              ))}
            </select>
          </div>
          <WindowSelect id="delivery-window" value={window} onChange={(w) => set('window', w)} />
        </div>
      </div>

      {dora.error ? (
        <ErrorState error={dora.error} onRetry={dora.reload} what="delivery metrics" />
      ) : !dora.data ? (
        <Loading label="Computing delivery metrics…" />
      ) : (
        <>
          <h2 className="sr-only">{team ? humanRef(team, 'group') : 'Organisation'}</h2>
          <p className="small muted" data-testid="dora-scope">
            {team ? humanRef(team, 'group') : 'Organisation'}: {dora.data.components} component(s), {dora.data.window.days} days to {dora.data.window.end.slice(0, 10)}
          </p>
          <DoraCards metrics={dora.data.metrics} previous={dora.data.previous} />
          <WeeklyTrends weeks={weeks} trends={trends} label="Delivery week by week" />
          <section className="card">
            <h2>Deployments per component</h2>
            {(dora.data.byComponent ?? []).some((c) => c.metrics.deploymentFrequency.deployments > 0) ? (
              <BarChart
                caption={`Successful production deployments in the window, coloured by each component’s deployment-frequency band`}
                unit="deployments"
                bars={(dora.data.byComponent ?? [])
                  .filter((c) => c.metrics.deploymentFrequency.deployments > 0)
                  .sort((a, b) => b.metrics.deploymentFrequency.deployments - a.metrics.deploymentFrequency.deployments)
                  .slice(0, 25)
                  .map((c) => ({ label: humanRef(c.entityRef, 'component'), value: c.metrics.deploymentFrequency.deployments, band: c.metrics.deploymentFrequency.band, href: entityPath(c.entityRef, 'delivery') }))}
              />
            ) : (
              <EmptyState title="No production deployments in this window.">
                <p>
                  Send them from CI with <code>pave delivery send</code>, or switch on a webhook receiver (see <code>docs/delivery-metrics.md</code>).
                </p>
              </EmptyState>
            )}
          </section>
          <section className="card">
            <h2>Change lead time per component</h2>
            {(dora.data.byComponent ?? []).some((c) => c.metrics.leadTime.medianHours !== null) ? (
              <BarChart
                caption="Median hours from commit to production, coloured by band"
                unit="h"
                bars={(dora.data.byComponent ?? [])
                  .filter((c) => c.metrics.leadTime.medianHours !== null)
                  .sort((a, b) => b.metrics.leadTime.medianHours! - a.metrics.leadTime.medianHours!)
                  .slice(0, 25)
                  .map((c) => ({ label: humanRef(c.entityRef, 'component'), value: c.metrics.leadTime.medianHours!, band: c.metrics.leadTime.band, href: entityPath(c.entityRef, 'delivery') }))}
              />
            ) : (
              <p className="muted">No change reached production in this window.</p>
            )}
          </section>
        </>
      )}

      <div className="grid-2">
        <section className="card" aria-labelledby="adoption-title">
          <h2 id="adoption-title">Adoption</h2>
          {adoption.error ? (
            <ErrorState error={adoption.error} onRetry={adoption.reload} what="adoption" />
          ) : !adoption.data ? (
            <Loading />
          ) : (
            <>
              <AdoptionFacts adoption={adoption.data} />
              <p>
                <Link to={`/delivery/adoption?window=${window}`}>Adoption week by week</Link>
              </p>
            </>
          )}
        </section>
        <section className="card" aria-labelledby="unmapped-title">
          <h2 id="unmapped-title">Unmapped events</h2>
          {unmapped.error ? (
            <ErrorState error={unmapped.error} onRetry={unmapped.reload} what="unmapped events" />
          ) : !unmapped.data ? (
            <Loading />
          ) : unmapped.data.length === 0 ? (
            <p className="muted">
              {mappedNote ? `${mappedNote} ` : ''}Every event is attributed to a component.
            </p>
          ) : (
            <>
              <p className="small muted">
                No component carries these keys. Add the annotation to the component, or map the key: <code>pave delivery map &lt;key&gt; &lt;value&gt; &lt;component&gt;</code>.
              </p>
              <ScrollTable label="Unmapped events" caption="Keys no component carries, with their events" columns={['Key', 'Value', 'Events', 'Last', ...(may?.['delivery.mapping.write'] ? ['Map to'] : [])]} testId="unmapped">
                {unmapped.data.map((u) => (
                  <tr key={`${u.key}=${u.value}`}>
                    <td className="mono small">{u.key}</td>
                    <td className="mono small">{u.value}</td>
                    <td>{u.events}</td>
                    <td className="small">{u.lastAt.slice(0, 10)}</td>
                    {may?.['delivery.mapping.write'] ? (
                      <td>
                        <MapForm
                          target={u}
                          onMapped={(events) => {
                            setMappedNote(`${u.value}: ${events} event(s) attributed.`);
                            unmapped.reload();
                            dora.reload();
                            adoption.reload();
                          }}
                        />
                      </td>
                    ) : null}
                  </tr>
                ))}
              </ScrollTable>
            </>
          )}
        </section>
      </div>
    </div>
  );
}
