import { useMemo } from 'react';
import { useEChart } from '../lib/useEChart';

/** One line: its name in the legend and a value for each week. */
export interface TrendSeries {
  name: string;
  /** null: no figure that week (a gap in the line). */
  values: ReadonlyArray<number | null>;
}

/**
 * Weekly figures as lines with ECharts. The chart is a picture for the eye; the page's table holds the same
 * figures for screen readers. `data-ready` says when it has been drawn.
 */
export default function TrendChart({ weeks, series, label }: { weeks: readonly string[]; series: readonly TrendSeries[]; label: string }) {
  const option = useMemo(
    () => ({
      animation: false,
      grid: { left: 40, right: 24, top: 36, bottom: 32 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: [...weeks] },
      yAxis: { type: 'value', min: 0, minInterval: 1 },
      series: series.map((s) => ({ name: s.name, type: 'line', showSymbol: weeks.length < 30, data: [...s.values] })),
    }),
    [weeks, series],
  );
  const [box, drawn] = useEChart(option);
  return <div ref={box} className="trend-chart" data-testid="trend-chart" data-ready={drawn ? 'true' : 'false'} aria-hidden="true" title={label} />;
}
