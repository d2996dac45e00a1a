/**
 * Sweeps: `sweep "NAME" of "SCENARIO" { vary PARAM v1, v2 …  vary (P1, P2)
 * (a1, a2), (b1, b2)  vary seed a..b  trials N  report METRIC, …  chart cdf
 * METRIC }`, compiled to the cartesian product of the `vary` lines (a joint
 * `vary` is one axis whose rows set several parameters together) over the
 * base scenario's spec. Validation needs only the
 * axes and their mistakes (sweepAxes), never the variants.
 */
import type { AstNode, ValidationAcceptor } from 'langium';
import { diagnosticData } from 'langium';
import type { ParamValue, Protocol } from '../../engine/protocol.js';
import type { ParamSpec } from '../../engine/vocabulary.js';
import { RUN_METRICS, type ScenarioSpec } from '../../engine/spec.js';
import type { Chart, Report, Sweep, Value, Vary } from '../generated/ast.js';
import { clusterParamSpecs } from '../_cluster.js';
import { didYouMean, listNames } from '../_names.js';
import { convertParam, formatDuration } from '../_units.js';
import { MAX_SEED, reportError } from './context.js';

/** A sweep with more variants than this is surely a mistake. */
export const MAX_VARIANTS = 10_000;

export interface SweepVariant {
  readonly label: string;
  readonly values: Record<string, ParamValue>;
  readonly spec: ScenarioSpec;
}

/** The metrics a sweep's `report` lines name, in order, without repeats; undefined when it has none. */
export function sweepReport(sw: Sweep): string[] | undefined {
  const names = sw.items.flatMap((item) => (item.$type === 'Report' ? item.metrics : []));
  return names.length === 0 ? undefined : [...new Set(names)];
}

/** What a sweep needs of its base scenario: the seed `trials` count from (default 1) and the metrics it measures (`as NAME`). */
export interface SweepBase {
  readonly seed?: number;
  readonly measures: readonly string[];
}

/** One `vary` line (or `trials`): its parameters (one, or several varied together) and a row of values per variant. */
export interface SweepAxis {
  readonly names: readonly string[];
  readonly rows: readonly (readonly ParamValue[])[];
}

/** A chart a sweep draws: `chart cdf METRIC` (per group), `chart line|bar METRIC [by PARAM]`. */
export interface SweepChart {
  readonly kind: 'cdf' | 'line' | 'bar';
  readonly metric: string;
  /** The varied parameter on the x axis (line and bar; default: the first varied parameter). */
  readonly by?: string;
}

export const CHART_KINDS: readonly SweepChart['kind'][] = ['cdf', 'line', 'bar'];

/** Warns on a metric name (of `report` or `chart`) that no run of the base scenario can produce. */
function warnUnknownMetricNames(item: Report | Chart, names: readonly string[], property: string, protocol: Protocol, base: SweepBase | undefined, report: ValidationAcceptor): void {
  const known = [...protocol.vocabulary.metrics.map((m) => m.name), ...RUN_METRICS, ...(base?.measures ?? [])];
  names.forEach((name, index) => {
    if (known.includes(name)) return;
    const where = item.$type === 'Report' ? { property, index } : { property };
    report('warning', `metric '${name}' is not reported by ${protocol.name} or measured by the base scenario${didYouMean(name, known)}; known: ${listNames(known)}`, { node: item, ...where, code: 'unknown-metric', data: diagnosticData('unknown-metric') });
  });
}

/** A sweep's axes, its mistakes reported; undefined when it has more than MAX_VARIANTS variants. */
export function sweepAxes(sw: Sweep, base: SweepBase | undefined, protocol: Protocol | undefined, report: ValidationAcceptor): SweepAxis[] | undefined {
  const err: Err = (node, message, code, property) => reportError(report, node, message, code, property);
  const axes: SweepAxis[] = [];
  let seedAxis = false;
  for (const item of sw.items) {
    if (item.$type === 'Trials' || (item.$type === 'Vary' && item.seed)) {
      if (seedAxis) err(item, 'the seed is already varied in this sweep', 'repeated-vary');
      seedAxis = true;
      let from: number;
      let to: number;
      if (item.$type === 'Trials') {
        if (!Number.isInteger(item.count) || item.count < 1) {
          err(item, `trials expects a positive whole number, got ${item.count}`, 'out-of-range', 'count');
          continue;
        }
        from = base?.seed ?? 1;
        to = from + item.count - 1;
      } else {
        from = item.from ?? NaN;
        to = item.to ?? NaN;
        if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to > MAX_SEED) {
          err(item, `vary seed expects a range of whole numbers like 1..20, got ${from}..${to}`, 'invalid-range');
          continue;
        }
      }
      if (to - from + 1 > MAX_VARIANTS) {
        err(item, `a sweep may have at most ${MAX_VARIANTS} variants`, 'too-many-variants');
        continue;
      }
      const seeds: number[] = [];
      for (let s = from; s <= to; s++) seeds.push(s);
      axes.push({ names: ['seed'], rows: seeds.map((seed) => [seed]) });
      continue;
    }
    if (item.$type === 'Report') {
      if (protocol) warnUnknownMetricNames(item, item.metrics, 'metrics', protocol, base, report);
      continue;
    }
    if (item.$type === 'Chart') {
      checkChart(item, base, protocol, err, report);
      continue;
    }
    if (item.$type !== 'Vary' || !protocol) continue;
    const axis = varyAxis(item, protocol, axes, err);
    if (axis) axes.push(axis);
  }
  // Charts may name a parameter varied on a later line: check them again now that every axis is known.
  // Without the base's protocol no parameter axis was built: nothing to check `by` against.
  if (protocol) for (const item of sw.items) if (item.$type === 'Chart') checkChartBy(item, axes, err);
  const total = axes.reduce((n, a) => n * a.rows.length, 1);
  if (total > MAX_VARIANTS) {
    err(sw, `this sweep has ${total} variants; at most ${MAX_VARIANTS} are allowed`, 'too-many-variants', 'name');
    return undefined;
  }
  return axes;
}

type Err = (node: AstNode, message: string, code: string, property?: string) => void;

/** A `vary` line's axis: `vary PARAM v1, v2 …` or `vary (P1, P2) (a1, a2), (b1, b2) …`; undefined when a name is wrong. */
function varyAxis(item: Vary, protocol: Protocol, axes: readonly SweepAxis[], err: Err): SweepAxis | undefined {
  const specs = clusterParamSpecs(protocol);
  const joint = item.params.length > 0;
  const names = joint ? item.params : item.param !== undefined ? [item.param] : [];
  const found: ParamSpec[] = [];
  for (const name of names) {
    const spec = specs.find((p) => p.name === name);
    if (!spec) {
      err(item, `unknown parameter '${name}'${didYouMean(name, specs.map((p) => p.name))} for ${protocol.name}; parameters: ${listNames(specs.map((p) => p.name))}`, 'unknown-parameter', joint ? 'params' : 'param');
      continue;
    }
    if (axes.some((a) => a.names.includes(spec.name)) || found.includes(spec)) err(item, `${spec.name} is already varied in this sweep`, 'repeated-vary', joint ? 'params' : 'param');
    found.push(spec);
  }
  if (found.length !== names.length || found.length === 0) return undefined;
  const convert = (spec: ParamSpec, v: Value): ParamValue | undefined => {
    const r = convertParam(spec, v);
    if (r.ok) return r.value;
    err(v, r.message, r.code);
    return undefined;
  };
  if (!joint) return { names: [found[0]!.name], rows: item.values.flatMap((v) => { const x = convert(found[0]!, v); return x === undefined ? [] : [[x]]; }) };
  const rows: ParamValue[][] = [];
  for (const row of item.rows) {
    if (row.values.length !== found.length) {
      err(row, `this row has ${row.values.length} value${row.values.length === 1 ? '' : 's'}; (${names.join(', ')}) needs ${found.length}`, 'wrong-row-length');
      continue;
    }
    const values = row.values.map((v, k) => convert(found[k]!, v));
    if (values.every((v) => v !== undefined)) rows.push(values as ParamValue[]);
  }
  return { names: found.map((p) => p.name), rows };
}

/** A `chart` line: a known kind, a metric the runs produce (warning otherwise). */
function checkChart(item: Chart, base: SweepBase | undefined, protocol: Protocol | undefined, err: Err, report: ValidationAcceptor): void {
  if (!(CHART_KINDS as readonly string[]).includes(item.kind)) {
    err(item, `unknown chart '${item.kind}'${didYouMean(item.kind, CHART_KINDS)}; a sweep draws ${listNames(CHART_KINDS)}`, 'unknown-chart', 'kind');
  }
  if (item.kind === 'cdf' && item.by !== undefined) err(item, 'a cdf chart draws one curve per group of trials: it takes no `by`', 'unexpected-argument', 'by');
  if (protocol) warnUnknownMetricNames(item, [item.metric], 'metric', protocol, base, report);
}

/** A `chart … by PARAM` names a parameter the sweep varies. */
function checkChartBy(item: Chart, axes: readonly SweepAxis[], err: Err): void {
  if (item.by === undefined || item.kind === 'cdf') return;
  const varied = axes.flatMap((a) => a.names).filter((n) => n !== 'seed');
  if (!varied.includes(item.by)) err(item, `'${item.by}' is not varied in this sweep${didYouMean(item.by, varied)}; varied: ${listNames(varied)}`, 'unknown-parameter', 'by');
}

/** The charts a sweep's `chart` lines draw (mistakes were reported by validation). */
export function sweepCharts(sw: Sweep): SweepChart[] {
  return sw.items.flatMap((item) => (item.$type === 'Chart' && (CHART_KINDS as readonly string[]).includes(item.kind)
    ? [{ kind: item.kind as SweepChart['kind'], metric: item.metric, ...(item.by !== undefined ? { by: item.by } : {}) }]
    : []));
}

/** A sweep's variants: the cartesian product of its `vary` lines over the base scenario's spec. */
export function compileSweep(sw: Sweep, base: ScenarioSpec | undefined, protocol: Protocol | undefined, report: ValidationAcceptor): SweepVariant[] {
  const measures = [
    ...(base?.expectations ?? []).flatMap((e) => (e.kind === 'eventually' && e.measure !== undefined ? [e.measure] : [])),
    ...(base?.measures ?? []).map((m) => m.name),
  ];
  const axes = sweepAxes(sw, base && { seed: base.seed, measures }, protocol, report);
  if (!axes || !base) return [];
  const specs = protocol ? clusterParamSpecs(protocol) : [];
  let combos: Record<string, ParamValue>[] = [{}];
  for (const axis of axes) combos = combos.flatMap((c) => axis.rows.map((row) => ({ ...c, ...Object.fromEntries(axis.names.map((name, k) => [name, row[k]!])) })));
  return combos.map((values) => {
    const { seed, ...params } = values;
    return {
      label: Object.entries(values).map(([k, v]) => `${k}=${showValue(v, specs.find((p) => p.name === k))}`).join(', '),
      values,
      spec: { ...base, params: { ...base.params, ...params }, seed: typeof seed === 'number' ? seed : base.seed },
    };
  });
}

/** A value as a sweep label shows it (`150ms..300ms`, `75ms`, `md5`). */
function showValue(v: ParamValue, spec: ParamSpec | undefined): string {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return `${formatDuration(v.min)}..${formatDuration(v.max)}`;
  if (typeof v === 'number' && spec?.type === 'duration') return formatDuration(v);
  return Array.isArray(v) ? v.join(' ') : String(v);
}
