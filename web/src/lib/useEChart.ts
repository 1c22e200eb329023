import { useEffect, useRef, useState, type RefObject } from 'react';

/**
 * Draws an ECharts option into a box (SVG renderer; ECharts loaded lazily with the first chart), follows the
 * window's size, and disposes of the chart when the option changes or the component goes. Answers the box to
 * render and whether the chart has been drawn.
 * @example const [box, drawn] = useEChart(option); return <div ref={box} data-ready={drawn} />;
 */
export function useEChart(option: Record<string, unknown>): [RefObject<HTMLDivElement | null>, boolean] {
  const box = useRef<HTMLDivElement>(null);
  const [drawn, setDrawn] = useState(false);
  useEffect(() => {
    let disposed = false;
    let dispose: (() => void) | undefined;
    void import('./echarts').then(({ echarts }) => {
      if (disposed || !box.current) return;
      const chart = echarts.init(box.current, undefined, { renderer: 'svg' });
      chart.setOption(option);
      setDrawn(true);
      const resize = () => chart.resize();
      window.addEventListener('resize', resize);
      dispose = () => {
        window.removeEventListener('resize', resize);
        chart.dispose();
      };
    });
    return () => {
      disposed = true;
      setDrawn(false);
      dispose?.();
    };
  }, [option]);
  return [box, drawn];
}
