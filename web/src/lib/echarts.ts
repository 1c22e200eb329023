/**
 * ECharts with only what the portal's charts use (line series, grid, tooltip, legend, mark lines, the SVG
 * renderer), so the bundle carries no more of it. Imported lazily by the chart components: a page without a
 * chart never loads it.
 */
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, SVGRenderer]);

export { echarts };
