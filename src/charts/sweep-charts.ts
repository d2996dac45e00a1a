/**
 * Sweep charts as Vega-Lite specifications: `chart cdf METRIC` draws the
 * metric's empirical distribution per group of trials (the form of the Raft
 * paper's Figure 16), `chart line|bar METRIC [by PARAM]` its median against a
 * varied parameter. Pure data in, plain JSON out: src/charts/svg.ts renders
 * it to SVG (CLI, HTML pages, the extension's panel) with Vega.
 *
 * A CDF counts every trial of its group: trials that recorded no value (a
 * measurement that never ended) keep the curve below 1, as the paper's curves
 * do for runs that time out. Its x axis is logarithmic when the values span
 * more than a decade (Figure 16's axis runs from 100 ms to 10 s).
 */
import type { ParamValue } from '../engine/protocol.js';
import type { SweepChart } from '../dsl/compile.js';
import { formatDuration } from '../dsl/_units.js';
import type { SweepGroup, SweepOutcome } from '../runner/run.js';

/** A Vega-Lite top-level specification (plain JSON). */
export type ChartSpec = Record<string, unknown>;

const WIDTH = 520;
const HEIGHT = 300;

/** A parameter's value as a chart shows it: `150ms..300ms`, `75ms`, `md5`. */
export function showParam(name: string, v: ParamValue | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return `${formatDuration(v.min)}..${formatDuration(v.max)}`;
  if (typeof v === 'number' && /timeout|heartbeat|latency|interval|delay/.test(name)) return formatDuration(v);
  return Array.isArray(v) ? v.join(' ') : String(v);
}

/** The chart's title: what it shows and of which sweep. */
export function chartTitle(sweep: Pick<SweepOutcome, 'name'>, chart: SweepChart): string {
  return chart.kind === 'cdf' ? `${sweep.name}: CDF of ${chart.metric}` : `${sweep.name}: ${chart.metric} by ${chart.by ?? 'parameter'}`;
}

/** A file name for the chart: `<sweep>-<kind>-<metric>.svg`. */
export function chartFileName(sweep: Pick<SweepOutcome, 'name'>, chart: SweepChart): string {
  const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `${slug(sweep.name) || 'sweep'}-${chart.kind}-${slug(chart.metric)}${chart.by ? `-by-${slug(chart.by)}` : ''}.svg`;
}

/** The empirical CDF of each group: one point per recorded value, `p` the fraction of the group's trials at or below it. */
export function cdfPoints(groups: readonly SweepGroup[], metric: string): { group: string; value: number; p: number }[] {
  const points: { group: string; value: number; p: number }[] = [];
  for (const g of groups) {
    const xs = g.runs.map((r) => r.metrics[metric]).filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
    xs.forEach((value, k) => points.push({ group: g.label, value, p: (k + 1) / g.runs.length }));
  }
  return points;
}

function cdfSpec(sweep: SweepOutcome, chart: SweepChart): ChartSpec {
  const values = cdfPoints(sweep.groups, chart.metric);
  const xs = values.map((v) => v.value);
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  const log = xs.length > 0 && min > 0 && max >= 10 * min;
  return {
    title: chartTitle(sweep, chart),
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'value', type: 'quantitative', title: chart.metric, scale: log ? { type: 'log', domain: [min, max], nice: false } : { zero: false } },
      y: { field: 'p', type: 'quantitative', title: 'fraction of trials', scale: { domain: [0, 1] } },
      color: { field: 'group', type: 'nominal', title: null, sort: sweep.groups.map((g) => g.label), legend: { orient: 'bottom', columns: 2, labelLimit: 400 } },
    },
  };
}

/** The parameter on the x axis: `by`, or the first one the groups vary. */
function xParam(sweep: SweepOutcome, chart: SweepChart): string | undefined {
  return chart.by ?? Object.keys(sweep.groups[0]?.values ?? {})[0];
}

function byParamSpec(sweep: SweepOutcome, chart: SweepChart): ChartSpec {
  const by = xParam(sweep, chart);
  const numeric = by !== undefined && sweep.groups.every((g) => typeof g.values[by] === 'number');
  const values = sweep.groups.flatMap((g) => {
    const m = g.metrics[chart.metric];
    if (!m || by === undefined) return [];
    const x = g.values[by];
    // The other varied parameters tell the series apart (one series when only `by` varies).
    const series = Object.entries(g.values).filter(([k]) => k !== by).map(([k, v]) => `${k}=${showParam(k, v)}`).join(', ');
    return [{ x: numeric ? x : showParam(by, x), median: m.median, series }];
  });
  const several = new Set(values.map((v) => v.series)).size > 1;
  return {
    title: chartTitle(sweep, chart),
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: chart.kind === 'bar' ? { type: 'bar' } : { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: numeric && chart.kind === 'line' ? 'quantitative' : 'nominal', title: by ?? '', sort: null, axis: { labelAngle: 0 } },
      y: { field: 'median', type: 'quantitative', title: `${chart.metric} (median)` },
      ...(several ? { color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom' } } } : {}),
      ...(several && chart.kind === 'bar' ? { xOffset: { field: 'series' } } : {}),
    },
  };
}

/** The Vega-Lite specification of one chart of a sweep's outcome. */
export function chartSpec(sweep: SweepOutcome, chart: SweepChart): ChartSpec {
  return chart.kind === 'cdf' ? cdfSpec(sweep, chart) : byParamSpec(sweep, chart);
}
