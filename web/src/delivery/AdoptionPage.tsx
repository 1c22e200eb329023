import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { ErrorState, Loading } from '../components/States';
import { AdoptionFacts } from './AdoptionFacts';
import { getAdoption, type AdoptionReport } from './deliveryApi';
import { WeeklyTrends, type WeeklyTrend } from './WeeklyTrends';
import { WindowSelect, chosenWindow } from './WindowSelect';
import './delivery.css';

/** The weekly lines the page draws, each chart a few series over the window's weeks. */
function trends(adoption: AdoptionReport): WeeklyTrend[] {
  const users = new Map(adoption.activeUsersByWeek.map((w) => [w.week, w.users]));
  return [
    {
      id: 'people',
      title: 'People and teams',
      series: [
        { name: 'Active people', values: adoption.teamsOnboardedByWeek.map((w) => users.get(w.week) ?? 0) },
        { name: 'Teams onboarded (total)', values: adoption.teamsOnboardedByWeek.map((w) => w.total) },
      ],
    },
    {
      id: 'golden-paths',
      title: 'Golden-path runs',
      series: [
        { name: 'Started', values: adoption.templateRunsByWeek.map((w) => w.started) },
        { name: 'Completed', values: adoption.templateRunsByWeek.map((w) => w.completed) },
        { name: 'Failed', values: adoption.templateRunsByWeek.map((w) => w.failed) },
      ],
    },
    {
      id: 'components',
      title: 'New components',
      series: [
        { name: 'Created', values: adoption.newComponentsByWeek.map((w) => w.created) },
        { name: 'From a golden path', values: adoption.newComponentsByWeek.map((w) => w.fromTemplates) },
      ],
    },
    {
      id: 'requests',
      title: 'Platform requests',
      series: [
        { name: 'Applied', values: adoption.platformRequestsByWeek.map((w) => w.applied) },
        { name: 'Became Ready', values: adoption.platformRequestsByWeek.map((w) => w.ready) },
      ],
    },
  ];
}

/**
 * The platform's adoption over a window (`?window=90d`): the figures, and week by week as lines (people and
 * teams, golden-path runs, new components, platform requests), with a table of the same weekly figures.
 */
export default function AdoptionPage() {
  useDocumentTitle('Adoption');
  const [params, setParams] = useSearchParams();
  const window = chosenWindow(params, '90d');
  const adoption = useAsync((signal) => getAdoption({ window }, signal), [window]);
  const charts = useMemo(() => (adoption.data ? trends(adoption.data) : []), [adoption.data]);
  const weeks = useMemo(() => adoption.data?.teamsOnboardedByWeek.map((w) => w.week) ?? [], [adoption.data]);

  return (
    <div className="page delivery-page">
      <div className="page-head">
        <div>
          <h1>Adoption</h1>
          <p className="muted">
            Is the platform used: who deploys, how many components come from golden paths, how golden paths and platform requests fare, and which teams have come on board, week by week. From the event log; see also <Link to="/delivery">Delivery</Link>.
          </p>
        </div>
        <div className="delivery-controls">
          <WindowSelect id="adoption-window" value={window} onChange={(w) => setParams(new URLSearchParams({ window: w }), { replace: true })} />
        </div>
      </div>
      {adoption.error ? (
        <ErrorState error={adoption.error} onRetry={adoption.reload} what="adoption" />
      ) : !adoption.data ? (
        <Loading label="Computing adoption…" />
      ) : (
        <>
          <section className="card" aria-labelledby="adoption-figures-title">
            <h2 id="adoption-figures-title">Over the window</h2>
            <AdoptionFacts adoption={adoption.data} />
          </section>
          <WeeklyTrends weeks={weeks} trends={charts} label="Adoption week by week" />
        </>
      )}
    </div>
  );
}
