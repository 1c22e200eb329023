import { lazy, Suspense } from 'react';
import { ScrollTable } from '../components/ScrollTable';
import { Loading } from '../components/States';
import type { TrendSeries } from './TrendChart';

const TrendChart = lazy(() => import('./TrendChart'));

/** One chart: a few lines over the same weeks. */
export interface WeeklyTrend {
  id: string;
  title: string;
  series: TrendSeries[];
}

/**
 * Weekly figures as a card of lines per trend, then one table of every figure by week (what a screen reader
 * reads; the charts are pictures). A missing figure (no sample that week) is a gap in the line and a dash.
 */
export function WeeklyTrends({ weeks, trends, label }: { weeks: readonly string[]; trends: readonly WeeklyTrend[]; label: string }) {
  const column = (trend: WeeklyTrend, series: TrendSeries) => (trend.series.length === 1 ? trend.title : `${trend.title}: ${series.name.toLowerCase()}`);
  return (
    <>
      <div className="grid-2">
        {trends.map((trend) => (
          <section key={trend.id} className="card" aria-labelledby={`trend-${trend.id}`} data-trend={trend.id}>
            <h2 id={`trend-${trend.id}`}>{trend.title}</h2>
            <Suspense fallback={<Loading rows={1} />}>
              <TrendChart weeks={weeks} series={trend.series} label={`${trend.title} by week`} />
            </Suspense>
          </section>
        ))}
      </div>
      <section className="card">
        <h2>Week by week</h2>
        <ScrollTable label={label} caption={`${label}: each week of the window`} columns={['Week of', ...trends.flatMap((trend) => trend.series.map((s) => column(trend, s)))]}>
          {weeks.map((week, i) => (
            <tr key={week}>
              <th scope="row">{week}</th>
              {trends.flatMap((trend) => trend.series.map((s) => <td key={`${trend.id}-${s.name}`}>{s.values[i] ?? '—'}</td>))}
            </tr>
          ))}
        </ScrollTable>
      </section>
    </>
  );
}
