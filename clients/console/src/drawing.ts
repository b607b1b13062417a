// ECharts, only the parts the console draws (tree-shaken: line, bar and heat map on a canvas). Loaded
// on demand through chart.ts.
import { BarChart, HeatmapChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([
  LineChart,
  BarChart,
  HeatmapChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export function lines(host: HTMLElement, days: string[], series: { name: string; values: number[] }[]): void {
  const chart = echarts.init(host, undefined, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 32, bottom: 24 },
    xAxis: { type: "category", data: days },
    yAxis: { type: "value", minInterval: 1 },
    series: series.map((s) => ({ name: s.name, type: "line", data: s.values, showSymbol: false })),
  });
}

export function bars(host: HTMLElement, names: string[], values: number[]): void {
  const chart = echarts.init(host, undefined, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    tooltip: {},
    grid: { left: 120, right: 24, top: 8, bottom: 24 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: names, inverse: true },
    series: [{ type: "bar", data: values, label: { show: true, position: "right" } }],
  });
}

// Cohorts: one row per registration month, one column per month since; the cell is the share (%)
// of the cohort who bought that month.
export function heat(host: HTMLElement, months: string[], cells: [number, number, number][]): void {
  const chart = echarts.init(host, undefined, { renderer: "canvas" });
  const since = Math.max(0, ...cells.map(([s]) => s)) + 1;
  chart.setOption({
    animation: false,
    tooltip: {},
    grid: { left: 72, right: 24, top: 8, bottom: 64 },
    xAxis: { type: "category", data: Array.from({ length: since }, (_, n) => String(n)) },
    yAxis: { type: "category", data: months, inverse: true },
    visualMap: { min: 0, max: 100, calculable: true, orient: "horizontal", left: "center", bottom: 0 },
    series: [{ type: "heatmap", data: cells, label: { show: true } }],
  });
}
