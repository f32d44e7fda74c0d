/**
 * `npm run load:report [-- --in <results.json> --out <file.svg>]`
 * Renders the latest load results (load-tests/results/load-latest.json) to one SVG with Apache ECharts'
 * server-side renderer: throughput per scenario with its share of the same-run express floor, latency
 * percentiles, and the soak's RSS and event-loop delay over time. docs/performance.md links the committed copy.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as echarts from 'echarts';
import { stringOption } from './harness';
import { LATEST_FILE, readLatest, type LatestResults } from './results';
import { SCENARIOS } from './scenarios';

export const DEFAULT_REPORT = resolve(__dirname, '..', '..', 'load-tests', 'report.svg');

const WIDTH = 1100;
const PANEL = 330;

export function renderReport(results: LatestResults): string {
  // In the order the scenarios are defined, each at its tool delays.
  const order = (name: string) => SCENARIOS.findIndex((s) => s.name === name);
  const rows = Object.entries(results.scenarios).sort(([, a], [, b]) => order(a.scenario) - order(b.scenario) || a.toolDelayMs - b.toolDelayMs);
  const ratioMax = Math.max(1, Math.ceil(Math.max(0, ...rows.map(([, r]) => r.ratio)) * 2) / 2);
  if (rows.length === 0 && !results.soak) throw new Error('no results to chart: run npm run load:all (and the soak) first');
  const labels = rows.map(([key]) => key.replace('@0ms', '').replace('@5ms', ' (5 ms tools)'));
  const soak = results.soak?.samples ?? [];
  const machine = results.machine;
  const dates = [...rows.map(([, r]) => r.date ?? ''), results.soak?.date ?? ''].filter(Boolean).sort();
  const subtitle = machine
    ? `${machine.cpus} cores (${machine.cpuModel}), Node ${machine.node}, load generator on the same machine; ${dates[0]?.slice(0, 10) ?? ''}${dates.length > 1 && dates[0]?.slice(0, 10) !== dates[dates.length - 1]?.slice(0, 10) ? ` to ${dates[dates.length - 1]?.slice(0, 10) ?? ''}` : ''}`
    : '';
  const top = (panel: number) => 90 + panel * (PANEL + 80);

  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height: top(3) - 20 });
  chart.setOption({
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: 'Helvetica, Arial, sans-serif' },
    title: [
      { text: 'scriptgate load tests', subtext: subtitle, left: 'center', top: 8 },
      { text: 'Throughput: req/s, and share of the express hello-world floor measured in the same run', left: 20, top: top(0) - 30, textStyle: { fontSize: 14 } },
      { text: 'Latency at 50 connections (ms)', left: 20, top: top(1) - 30, textStyle: { fontSize: 14 } },
      {
        text: results.soak
          ? `Soak: ${results.soak.durationS} s, mixed blend at ${results.soak.targetRps} req/s (70 % of ${results.soak.capacityRps}); RSS growth ${results.soak.rssGrowthPct} %, errors ${results.soak.errors + results.soak.non2xx + results.soak.failedAnswers}`
          : 'Soak: not run yet (npm run load -- soak --duration 600)',
        left: 20,
        top: top(2) - 30,
        textStyle: { fontSize: 14 },
      },
    ],
    legend: [
      { data: ['req/s', 'share of floor'], top: top(0) - 6, right: 110 },
      { data: ['p50', 'p95', 'p99'], top: top(1) - 6, right: 110 },
      { data: ['front RSS', 'executors RSS', 'total RSS', 'event-loop p99'], top: top(2) - 6, right: 110 },
    ],
    grid: [0, 1, 2].map((panel) => ({ left: 70, right: 70, top: top(panel) + 30, height: PANEL - (panel < 2 ? 110 : 50) })),
    xAxis: [
      { gridIndex: 0, type: 'category', data: labels, axisLabel: { rotate: 30, interval: 0, fontSize: 11 } },
      { gridIndex: 1, type: 'category', data: labels, axisLabel: { rotate: 30, interval: 0, fontSize: 11 } },
      { gridIndex: 2, type: 'value', name: 'seconds of load', nameLocation: 'middle', nameGap: 26, min: 0, max: 'dataMax' },
    ],
    yAxis: [
      { gridIndex: 0, type: 'value', name: 'req/s' },
      { gridIndex: 0, type: 'value', name: 'floor', min: 0, max: ratioMax, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)} %` }, splitLine: { show: false } },
      { gridIndex: 1, type: 'value', name: 'ms' },
      { gridIndex: 2, type: 'value', name: 'MiB', min: 0 },
      { gridIndex: 2, type: 'value', name: 'loop ms', min: 0, splitLine: { show: false } },
    ],
    series: [
      { name: 'req/s', type: 'bar', xAxisIndex: 0, yAxisIndex: 0, data: rows.map(([, r]) => r.rps), label: { show: true, position: 'top', fontSize: 10 } },
      { name: 'share of floor', type: 'line', xAxisIndex: 0, yAxisIndex: 1, data: rows.map(([, r]) => r.ratio), symbolSize: 7 },
      ...(['p50', 'p95', 'p99'] as const).map((p) => ({ name: p, type: 'bar', xAxisIndex: 1, yAxisIndex: 2, data: rows.map(([, r]) => r[p]) })),
      { name: 'front RSS', type: 'line', xAxisIndex: 2, yAxisIndex: 3, data: soak.map((s) => [s.t, s.frontMb]), showSymbol: false },
      { name: 'executors RSS', type: 'line', xAxisIndex: 2, yAxisIndex: 3, data: soak.map((s) => [s.t, s.executorsMb]), showSymbol: false },
      { name: 'total RSS', type: 'line', xAxisIndex: 2, yAxisIndex: 3, data: soak.map((s) => [s.t, s.totalMb]), showSymbol: false, lineStyle: { width: 3 } },
      { name: 'event-loop p99', type: 'line', xAxisIndex: 2, yAxisIndex: 4, data: soak.map((s) => [s.t, s.loopP99Ms]), showSymbol: false, lineStyle: { type: 'dashed' } },
    ],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

if (require.main === module) {
  const input = stringOption('in') ?? LATEST_FILE;
  const out = stringOption('out') ?? DEFAULT_REPORT;
  writeFileSync(out, renderReport(readLatest(input)));
  console.log(JSON.stringify({ report: out, from: input }));
}
