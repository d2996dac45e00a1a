/**
 * Sweeps: `sweep "NAME" of "SCENARIO" { vary PARAM v1, v2 …  vary seed a..b
 * trials N  report METRIC, … }`, compiled to the cartesian product of the
 * `vary` lines over the base scenario's spec. Validation needs only the
 * axes and their mistakes (sweepAxes), never the variants.
 */
import type { AstNode, ValidationAcceptor } from 'langium';
import { diagnosticData } from 'langium';
import type { ParamValue, Protocol } from '../../engine/protocol.js';
import { RUN_METRICS, type ScenarioSpec } from '../../engine/spec.js';
import type { Report, Sweep } from '../generated/ast.js';
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

/** One `vary` line (or `trials`): a parameter and its values. */
export interface SweepAxis {
  readonly name: string;
  readonly values: readonly ParamValue[];
  /** The parameter's type, so a label shows a duration as written (`5min`, not its µs). */
  readonly type?: string;
}

/** Warns on a `report` name that no run of the base scenario can produce. */
function warnUnknownMetrics(item: Report, protocol: Protocol, base: SweepBase | undefined, report: ValidationAcceptor): void {
  const known = [...protocol.vocabulary.metrics.map((m) => m.name), ...RUN_METRICS, ...(base?.measures ?? [])];
  item.metrics.forEach((name, index) => {
    if (known.includes(name)) return;
    report('warning', `metric '${name}' is not reported by ${protocol.name} or measured by the base scenario${didYouMean(name, known)}; known: ${listNames(known)}`, { node: item, property: 'metrics', index, code: 'unknown-metric', data: diagnosticData('unknown-metric') });
  });
}

/** A sweep's axes, its mistakes reported; undefined when it has more than MAX_VARIANTS variants. */
export function sweepAxes(sw: Sweep, base: SweepBase | undefined, protocol: Protocol | undefined, report: ValidationAcceptor): SweepAxis[] | undefined {
  const err = (node: AstNode, message: string, code: string, property?: string) => reportError(report, node, message, code, property);
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
      axes.push({ name: 'seed', values: seeds });
      continue;
    }
    if (item.$type === 'Report') {
      if (protocol) warnUnknownMetrics(item, protocol, base, report);
      continue;
    }
    if (item.$type !== 'Vary' || !protocol) continue;
    const specs = clusterParamSpecs(protocol);
    const spec = specs.find((p) => p.name === item.param);
    if (!spec) {
      if (item.param) err(item, `unknown parameter '${item.param}'${didYouMean(item.param, specs.map((p) => p.name))} for ${protocol.name}; parameters: ${listNames(specs.map((p) => p.name))}`, 'unknown-parameter', 'param');
      continue;
    }
    if (axes.some((a) => a.name === spec.name)) err(item, `${spec.name} is already varied in this sweep`, 'repeated-vary', 'param');
    const values: ParamValue[] = [];
    for (const v of item.values) {
      const r = convertParam(spec, v);
      if (r.ok) values.push(r.value);
      else err(v, r.message, r.code);
    }
    axes.push({ name: spec.name, values, type: spec.type });
  }
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  if (total > MAX_VARIANTS) {
    err(sw, `this sweep has ${total} variants; at most ${MAX_VARIANTS} are allowed`, 'too-many-variants', 'name');
    return undefined;
  }
  return axes;
}

/** A sweep's variants: the cartesian product of its `vary` lines over the base scenario's spec. */
export function compileSweep(sw: Sweep, base: ScenarioSpec | undefined, protocol: Protocol | undefined, report: ValidationAcceptor): SweepVariant[] {
  const measures = (base?.expectations ?? []).flatMap((e) => (e.kind === 'eventually' && e.measure !== undefined ? [e.measure] : []));
  const axes = sweepAxes(sw, base && { seed: base.seed, measures }, protocol, report);
  if (!axes || !base) return [];
  const types = new Map(axes.map((a) => [a.name, a.type]));
  let combos: Record<string, ParamValue>[] = [{}];
  for (const axis of axes) combos = combos.flatMap((c) => axis.values.map((v) => ({ ...c, [axis.name]: v })));
  return combos.map((values) => {
    const { seed, ...params } = values;
    return {
      label: Object.entries(values).map(([k, v]) => `${k}=${showValue(v, types.get(k))}`).join(', '),
      values,
      spec: { ...base, params: { ...base.params, ...params }, seed: typeof seed === 'number' ? seed : base.seed },
    };
  });
}

/** A value as a sweep label shows it (`150ms..300ms`, `md5`, a varied duration `5min` rather than its µs). */
function showValue(v: ParamValue, type?: string): string {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return `${formatDuration(v.min)}..${formatDuration(v.max)}`;
  if (type === 'duration' && typeof v === 'number') return formatDuration(v);
  return Array.isArray(v) ? v.join(' ') : String(v);
}
