import { useEffect, type RefObject } from 'react';

/**
 * Draws an ECharts option into `box` (SVG renderer), loading ECharts on first use, following window resizes
 * and disposing of the chart when the option changes or the component goes. Pass a memoised option: a new
 * object draws the chart anew.
 * @example const box = useRef<HTMLDivElement>(null); useEChart(box, option); return <div ref={box} />;
 */
export function useEChart(box: RefObject<HTMLDivElement | null>, option: Record<string, unknown>): void {
  useEffect(() => {
    let disposed = false;
    let dispose: (() => void) | undefined;
    void import('./echarts').then(({ echarts }) => {
      if (disposed || !box.current) return;
      const chart = echarts.init(box.current, undefined, { renderer: 'svg' });
      chart.setOption(option);
      const resize = () => chart.resize();
      window.addEventListener('resize', resize);
      dispose = () => {
        window.removeEventListener('resize', resize);
        chart.dispose();
      };
    });
    return () => {
      disposed = true;
      dispose?.();
    };
  }, [box, option]);
}
