/**
 * Runs compiled scenarios: the glue between the scenario language, the
 * protocol registry, the simulator and the trace writer. Pure (no node:*),
 * so the CLI, the extension's worker and the browser use the same code.
 *
 * A sweep runs its base scenario once per variant; variants that differ only
 * in their seed are grouped, and each metric is summarised over the group
 * (min, median, p99, max, mean) — that is how a distribution such as
 * leader-election downtime over many trials is reported.
 */
import type { ScenarioSpec } from '../engine/spec.js';
import type { ParamValue, Protocol } from '../engine/protocol.js';
import { simulate, type SimulationResult } from '../engine/simulate.js';
import { protocols } from '../protocols/registry.js';
import { toTraceDocument } from '../trace/write.js';
import type { TraceDocument } from '../trace/format.js';
import type { TraceRecorder } from '../trace/recorder.js';
import type { CompiledFile, SweepChart, SweepSpec } from '../dsl/compile.js';
import { clientMetrics, quantile } from '../checks/client-metrics.js';
import { clientEvents, linearizableCheck, type LinearizableExpectation } from './linearizable.js';

export { quantile };

export interface RunOptions {
  readonly cancel?: { readonly cancelled: boolean };
  readonly onProgress?: (p: { time: number; events: number }) => void;
  /** The scenario file's text, embedded in traces for standalone viewers. */
  readonly text?: string;
  /** A sweep calls this after each of its runs (for progress: run k of n). */
  readonly onRunDone?: () => void;
  /** The protocols to run scenarios against (default: the registry); tests add protocols of their own. */
  readonly protocols?: ReadonlyMap<string, Protocol>;
  /** End each run at its first invariant violation (see SimulateOptions). */
  readonly stopAtViolation?: boolean;
}

export interface ScenarioOutcome {
  readonly name: string;
  readonly spec: ScenarioSpec;
  readonly result: SimulationResult;
  readonly passed: boolean;
}

export interface MetricSummary {
  /** How many runs of the group recorded the metric (a measurement that never ended records none). */
  readonly count: number;
  readonly min: number;
  readonly median: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * One run of a sweep, without its trace: a sweep of thousands of trials keeps
 * only what its table, charts and `--json` show.
 */
export interface SweepRun {
  readonly seed: number;
  readonly passed: boolean;
  readonly end: SimulationResult['end'];
  readonly checks: SimulationResult['checks'];
  readonly metrics: SimulationResult['metrics'];
}

export interface SweepGroup {
  /** The varied values other than the seed, e.g. `vnodes=100`. */
  readonly label: string;
  readonly values: Readonly<Record<string, ParamValue>>;
  readonly runs: readonly SweepRun[];
  readonly passed: boolean;
  /** With one run per group, each summary has min = median = max. */
  readonly metrics: Readonly<Record<string, MetricSummary>>;
}

export interface SweepOutcome {
  readonly name: string;
  readonly base: string;
  /** The metrics to show, from the sweep's `report` lines (absent: every metric that varies). */
  readonly report?: readonly string[];
  /** What its `chart` lines draw. */
  readonly charts?: readonly SweepChart[];
  readonly groups: readonly SweepGroup[];
  readonly passed: boolean;
}

export function runScenario(spec: ScenarioSpec, options: RunOptions = {}): ScenarioOutcome {
  const known = options.protocols ?? protocols;
  const protocol = known.get(spec.protocol);
  if (!protocol) {
    // The validator reports unknown protocols, so this only happens for hand-built specs.
    throw new RangeError(`runScenario: unknown protocol "${spec.protocol}" (known: ${[...known.keys()].join(', ')})`);
  }
  // The simulator evaluates the step-wise expectations; `expect linearizable` needs the whole history, so it is checked here.
  const linearizable = spec.expectations.filter((e): e is LinearizableExpectation => e.kind === 'linearizable');
  const simSpec = linearizable.length === 0 ? spec : { ...spec, expectations: spec.expectations.filter((e) => e.kind !== 'linearizable') };
  const history = protocol.vocabulary.history;
  // What the clients saw (availability, latencies, stale reads), for protocols with a client model.
  const traceMetrics = history === undefined ? undefined : (trace: TraceRecorder) => clientMetrics(clientEvents(trace), history);
  const result = simulate(simSpec, protocol, { cancel: options.cancel, onProgress: options.onProgress, ...(traceMetrics ? { traceMetrics } : {}), ...(options.stopAtViolation === true ? { stopAtViolation: true } : {}) });
  for (const exp of linearizable) {
    result.checks.push(history === undefined
      ? { name: 'linearizable', kind: 'linearizable', status: 'failed', message: `${protocol.name} declares no client model` , ...(exp.source ? { source: exp.source } : {}) }
      : linearizableCheck(exp, result.trace, history));
  }
  const passed = result.checks.every((c) => c.status === 'held');
  return { name: spec.name, spec, result, passed };
}

export function traceOf(outcome: ScenarioOutcome, text?: string): TraceDocument {
  const { spec } = outcome;
  return toTraceDocument(outcome.result, {
    name: spec.name,
    ...(spec.file !== undefined ? { file: spec.file } : {}),
    protocol: spec.protocol,
    seed: spec.seed,
    params: spec.params,
    ...(spec.source !== undefined ? { source: spec.source } : {}),
    ...(text !== undefined ? { text } : {}),
  });
}

/** The sweep's group label of a variant: its values other than the seed (`all` when only the seed varies). */
function groupLabel(label: string): string {
  // The compiler's label shows values as written (150ms..175ms, not µs); drop the seed to group trials.
  return label.split(', ').filter((part) => !part.startsWith('seed=')).join(', ') || 'all';
}

/**
 * The sweep with at most `trials` runs per group (its first seeds): a quick
 * look at a sweep of thousands of trials (`run --trials 20`), and the size
 * the test suite runs the examples at.
 */
export function capTrials(sweep: SweepSpec, trials: number): SweepSpec {
  const taken = new Map<string, number>();
  const variants = sweep.variants.filter((v) => {
    const label = groupLabel(v.label);
    const n = taken.get(label) ?? 0;
    taken.set(label, n + 1);
    return n < trials;
  });
  return { ...sweep, variants };
}

export function runSweep(sweep: SweepSpec, options: RunOptions = {}): SweepOutcome {
  const byLabel = new Map<string, { values: Record<string, ParamValue>; runs: SweepRun[] }>();
  for (const variant of sweep.variants) {
    if (options.cancel?.cancelled) break;
    const values = Object.fromEntries(Object.entries(variant.values).filter(([k]) => k !== 'seed'));
    const label = groupLabel(variant.label);
    let group = byLabel.get(label);
    if (!group) byLabel.set(label, (group = { values, runs: [] }));
    const { spec, passed, result } = runScenario(variant.spec, options);
    group.runs.push({ seed: spec.seed, passed, end: result.end, checks: result.checks, metrics: result.metrics });
    options.onRunDone?.();
  }
  const groups: SweepGroup[] = [...byLabel].map(([label, g]) => ({
    label,
    values: g.values,
    runs: g.runs,
    passed: g.runs.every((r) => r.passed),
    metrics: summarise(g.runs.map((r) => r.metrics)),
  }));
  return {
    name: sweep.name, base: sweep.base, ...(sweep.report ? { report: sweep.report } : {}), ...(sweep.charts ? { charts: sweep.charts } : {}),
    groups, passed: groups.every((g) => g.passed),
  };
}

export interface FileOutcome {
  readonly scenarios: readonly ScenarioOutcome[];
  readonly sweeps: readonly SweepOutcome[];
  readonly passed: boolean;
}

/**
 * Runs what `select` names (a scenario or a sweep), or everything in the file:
 * each scenario once, then each sweep. A scenario that is only the base of a
 * sweep still runs on its own with its own seed.
 */
export function runFile(file: CompiledFile, select?: string, options: RunOptions = {}): FileOutcome {
  const scenarios = file.scenarios.filter((s) => select === undefined || s.name === select);
  const sweeps = file.sweeps.filter((s) => select === undefined || s.name === select);
  const scenarioOutcomes: ScenarioOutcome[] = [];
  for (const spec of scenarios) {
    if (options.cancel?.cancelled) break;
    scenarioOutcomes.push(runScenario(spec, options));
  }
  const sweepOutcomes = sweeps.map((s) => runSweep(s, options));
  return {
    scenarios: scenarioOutcomes,
    sweeps: sweepOutcomes,
    passed: scenarioOutcomes.every((s) => s.passed) && sweepOutcomes.every((s) => s.passed),
  };
}

export function summarise(runs: readonly Readonly<Record<string, number>>[]): Record<string, MetricSummary> {
  const names = new Set(runs.flatMap((m) => Object.keys(m)));
  const out: Record<string, MetricSummary> = {};
  for (const name of [...names].sort()) {
    const xs = runs.map((m) => m[name]).filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
    if (xs.length === 0) continue;
    out[name] = {
      count: xs.length,
      min: xs[0]!,
      median: quantile(xs, 0.5),
      p99: quantile(xs, 0.99),
      max: xs[xs.length - 1]!,
      mean: xs.reduce((a, b) => a + b, 0) / xs.length,
    };
  }
  return out;
}

