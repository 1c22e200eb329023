import { useMemo } from 'react';
import { useEChart } from '../lib/useEChart';

export interface BurnupChartProps {
  /** Entities done at the end of each day, oldest first. */
  points: ReadonlyArray<{ date: string; done: number }>;
  /** Entities to bring over the line (exempt ones left out). */
  goal: number;
  start: string;
  target: string;
}

/**
 * A campaign's burn-up with ECharts: entities done over time against the target line (from none at the start
 * to all by the target date) and the total. The chart is a picture for the eye; the page's table holds the
 * same figures for screen readers.
 */
export default function BurnupChart({ points, goal, start, target }: BurnupChartProps) {
  const option = useMemo(
    () => ({
      animation: false,
      grid: { left: 40, right: 64, top: 36, bottom: 32 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'time', min: start, max: target },
      yAxis: { type: 'value', min: 0, max: Math.max(goal, 1), minInterval: 1 },
      series: [
        { name: 'Done', type: 'line', step: 'end', showSymbol: points.length < 40, data: points.map((point) => [point.date, point.done]), markLine: { silent: true, symbol: 'none', label: { formatter: `Total ${goal}` }, data: [{ yAxis: goal }] } },
        { name: 'Target', type: 'line', showSymbol: false, lineStyle: { type: 'dashed' }, data: [[start, 0], [target, goal]] },
      ],
    }),
    [points, goal, start, target],
  );
  const [box, drawn] = useEChart(option);
  const last = points.at(-1);
  return <div ref={box} data-ready={drawn} className="burnup-chart" data-testid="burnup-chart" aria-hidden="true" title={`${last?.done ?? 0} of ${goal} done`} />;
}
