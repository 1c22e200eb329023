import { useMemo } from 'react';
import { useEChart } from '../lib/useEChart';
import type { ScorecardTrendView, ScorecardView } from './scorecardsApi';

export interface TrendChartProps {
  scorecard: ScorecardView;
  trend: ScorecardTrendView;
}

/**
 * A scorecard's trend with ECharts: entities per level day by day, stacked from unranked up to the highest
 * level in the levels' colours, and their mean score on the right-hand axis. A picture for the eye: the page
 * says the same in words (today's counts per level and the change over the window).
 */
export default function TrendChart({ scorecard, trend }: TrendChartProps) {
  const option = useMemo(() => {
    const levels = [{ name: 'unranked', colour: '#9ca3af' }, ...[...scorecard.levels].sort((a, b) => a.rank - b.rank)];
    return {
      animation: false,
      grid: { left: 40, right: 48, top: 36, bottom: 32 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'time' },
      yAxis: [
        { type: 'value', min: 0, minInterval: 1, name: 'Entities' },
        { type: 'value', min: 0, max: 100, name: 'Score', splitLine: { show: false } },
      ],
      series: [
        ...levels.map((level) => ({
          name: level.name,
          type: 'line',
          stack: 'levels',
          step: 'end',
          showSymbol: false,
          areaStyle: { opacity: 0.6 },
          ...(level.colour ? { itemStyle: { color: level.colour }, lineStyle: { color: level.colour } } : {}),
          data: trend.points.map((point) => [point.date, point.levels[level.name] ?? 0]),
        })),
        { name: 'Mean score', type: 'line', yAxisIndex: 1, showSymbol: false, lineStyle: { type: 'dashed' }, data: trend.points.filter((point) => point.averageScore !== null).map((point) => [point.date, point.averageScore]) },
      ],
    };
  }, [scorecard, trend]);
  const [box, drawn] = useEChart(option);
  return <div ref={box} data-ready={drawn} className="trend-chart" data-testid="trend-chart" aria-hidden="true" />;
}
