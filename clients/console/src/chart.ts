// ECharts, only the parts the console draws (tree-shaken: a line and bar chart on a canvas).
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([LineChart, BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

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
