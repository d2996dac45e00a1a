/**
 * A scenario as a whole: its `use` line picks the cluster, whose parameters
 * and nodes it starts from (../_cluster.ts, computed once per cluster); then
 * each statement in order — `seed`, `set PARAM VALUE` (over the protocol's
 * defaults and the cluster's settings), `network`, `storage`, timed lines
 * (`after` lines become absolute times, or times after a line whose time is
 * drawn at run time), rules, `run until`, `max events`, `expect`, `measure`,
 * `explore` — and the ScenarioSpec they make. Units become µs and fractions,
 * node ranges are expanded, and every action, rule and expectation carries
 * its source range.
 */
import { diagnosticData, type AstNode, type ValidationAcceptor } from 'langium';
import type { NodeId, ParamValue, Protocol } from '../../engine/protocol.js';
import {
  DEFAULT_MAX_EVENTS, DEFAULT_MAX_TIME, DEFAULT_NETWORK, DEFAULT_STORAGE,
  type Action, type Condition as SpecCondition, type Distribution as SpecDistribution,
  type Expectation, type ExploreSpec, type LinkSpec, type MeasureSpec, type NetworkSpec, type RuleSpec, type ScenarioSpec, type StorageSpec, type TimedAction,
} from '../../engine/spec.js';
import type { Run, Scenario, SetParam, Timed } from '../generated/ast.js';
import { clusterFacts, clusterParamSpecs, declaredNodes, usedCluster } from '../_cluster.js';
import { didYouMean, listNames } from '../_names.js';
import { convertParam, literalText, quantityTime } from '../_units.js';
import { compileAction } from './actions.js';
import { CompileContext, MAX_SEED, rangeOf, type Mutable, type Writable } from './context.js';
import { compileCondition, compileExpect, compileMeasure, measuredMetrics } from './expectations.js';
import { compileExplore } from './explore.js';
import { compileNetwork, compileStorage } from './network.js';
import { compileRule } from './rules.js';

export interface CompileEnv {
  readonly protocols: ReadonlyMap<string, Protocol>;
  /** The file's workspace-relative path, copied into the spec. */
  readonly file?: string;
  /** Overrides every scenario's seed. */
  readonly seed?: number;
}

/** The outcome of compiling one scenario: a spec (when it has a cluster and a protocol) and its error count. */
export interface CompiledScenario {
  readonly spec?: ScenarioSpec;
  readonly errors: number;
}

type RunBounds = { until?: number; untilCondition?: SpecCondition; maxTime: number; maxEvents: number };

/** `set PARAM VALUE`: into `params` when it is a valid cluster parameter. */
function setParam(cx: CompileContext, st: SetParam, params: Record<string, ParamValue>): void {
  if (typeof st.name !== 'string') return;
  const spec = cx.protocol.vocabulary.params.find((p) => p.name === st.name);
  if (!spec) {
    const names = clusterParamSpecs(cx.protocol).map((p) => p.name);
    cx.error(st, `unknown parameter '${st.name}'${didYouMean(st.name, names)} for ${cx.protocol.name}; parameters: ${listNames(names)}`, 'unknown-parameter', 'name');
  } else if ((spec.scope ?? 'cluster') === 'node') {
    cx.error(st, `${spec.name} is a per-node parameter: set it in the cluster's \`node NAME { ${spec.name} … }\``, 'node-parameter', 'name');
  } else if (st.value) {
    const v = cx.take(convertParam(spec, st.value), st.value);
    if (v !== undefined) params[spec.name] = v;
  }
}

/**
 * Where the clock of `after` lines stands: the previous timed line's time,
 * and when that time is drawn at run time (`at 1s..1.075s`, or an `after`
 * line counting from one), the index in `actions` of that line.
 */
interface Clock {
  readonly at: number;
  readonly drawn?: number;
}

/** `at T`, `at T1..T2`, `after D`, `after D1..D2`: the line's time, relative to a drawn line when the clock stands on one. */
function lineTime(cx: CompileContext, st: Timed, t: number, clock: Clock): Writable<Pick<TimedAction, 'at' | 'atMax' | 'after'>> | undefined {
  const relative = st.when === 'after';
  if (!st.timeMax) return relative && clock.drawn !== undefined ? { at: t, after: clock.drawn } : { at: relative ? clock.at + t : t };
  const max = cx.take(quantityTime(st.timeMax, st.when), st, 'timeMax');
  if (max === undefined) return undefined;
  if (max < t) {
    cx.error(st, `the time ${literalText(st.time)}..${literalText(st.timeMax)} ends before it starts`, 'invalid-range', 'timeMax');
    return undefined;
  }
  if (relative && clock.drawn !== undefined) return { at: t, atMax: max, after: clock.drawn };
  const base = relative ? clock.at : 0;
  return { at: base + t, atMax: base + max };
}

/**
 * A timed line (`at T`, `after D`, `every P [from T] [until T]`, with a
 * random `T1..T2` for `at` and `after`) on the clock of the lines before;
 * undefined (with the error reported) when its time is wrong. The action may
 * be undefined (its mistake reported): the line still moves the clock for the
 * `after` lines that follow.
 */
function timedLine(cx: CompileContext, st: Timed, clock: Clock): { timed: Writable<TimedAction>; action?: Action } | undefined {
  const t = cx.take(quantityTime(st.time, st.when === 'every' ? 'every' : st.when), st, 'time');
  const action = compileAction(cx, st.action);
  if (t === undefined) return undefined;
  if (st.when !== 'every') {
    const when = lineTime(cx, st, t, clock);
    return when && { timed: { ...when, action: action as Action, source: rangeOf(st) }, action };
  }
  const timed: Writable<TimedAction> = { at: t, action: action as Action, source: rangeOf(st) };
  if (t <= 0) {
    cx.error(st, 'every expects a positive period like 100ms', 'out-of-range', 'time');
    return undefined;
  }
  const from = st.from ? cx.take(quantityTime(st.from, 'from'), st, 'from') : 0;
  const until = st.until ? cx.take(quantityTime(st.until, 'until'), st, 'until') : undefined;
  if (from === undefined || (st.until && until === undefined)) return undefined;
  if (until !== undefined && until < from) cx.error(st, `until ${literalText(st.until)} is before from ${literalText(st.from)}`, 'invalid-range', 'until');
  timed.at = from;
  timed.every = t;
  if (until !== undefined) timed.until = until;
  return { timed, action };
}

/** `run until T` or `run until CONDITION [max T]`, over the bounds so far. */
function runLine(cx: CompileContext, st: Run, run: RunBounds): RunBounds {
  const next = { ...run };
  if (st.time) {
    const until = cx.take(quantityTime(st.time, 'run until'), st, 'time');
    if (until !== undefined) next.until = until;
  } else {
    const cond = compileCondition(cx, st.condition);
    if (cond) next.untilCondition = cond;
    if (st.max) {
      const max = cx.take(quantityTime(st.max, 'max'), st, 'max');
      if (max !== undefined) next.maxTime = max;
    }
  }
  return next;
}

function compileStatements(cx: CompileContext, sc: Scenario, env: CompileEnv): ScenarioSpec {
  const params: Record<string, ParamValue> = { ...cx.facts.params };
  let seed = 1;
  let seedNode: AstNode | undefined;
  const network: Mutable<NetworkSpec> = {};
  const links: { from: NodeId; to: NodeId; spec: LinkSpec }[] = [];
  let storage: StorageSpec = DEFAULT_STORAGE;
  const perNode: Record<NodeId, SpecDistribution> = {};
  const actions: TimedAction[] = [];
  const rules: RuleSpec[] = [];
  const expectations: Expectation[] = [];
  let run: RunBounds = { maxTime: DEFAULT_MAX_TIME, maxEvents: DEFAULT_MAX_EVENTS };
  let runNode: AstNode | undefined;
  let maxEventsNode: AstNode | undefined;
  const measures: MeasureSpec[] = [];
  let explore: ExploreSpec | undefined;
  let exploreNode: AstNode | undefined;
  let clock: Clock = { at: 0 };
  cx.measures = measuredMetrics(cx, sc);

  // Statement kinds by `$type` (each is a concrete type with no subtypes): the generated `isX` guards go through the reflection's subtype cache, ten of them per statement.
  for (const st of sc.statements) {
    switch (st.$type) {
      case 'Use':
        break;
      case 'Seed':
        if (seedNode) cx.error(st, 'seed is already set for this scenario', 'repeated-seed');
        seedNode = st;
        if (!Number.isInteger(st.value) || st.value < 0 || st.value > MAX_SEED) cx.error(st, `seed expects a whole number from 0 to ${MAX_SEED}, got ${st.value}`, 'out-of-range', 'value');
        else seed = st.value;
        break;
      case 'SetParam':
        setParam(cx, st, params);
        break;
      case 'Network':
        compileNetwork(cx, st, network, links);
        break;
      case 'Storage':
        storage = compileStorage(cx, st, storage, perNode);
        break;
      case 'Explore':
        explore = compileExplore(cx, st, exploreNode !== undefined) ?? explore;
        exploreNode ??= st;
        break;
      case 'Timed': {
        const line = timedLine(cx, st, clock);
        if (!line) break;
        const drawn = line.timed.atMax !== undefined || line.timed.after !== undefined;
        // A drawn line whose action failed is not in `actions`: later lines count from its earliest time (the file has an error anyway).
        clock = drawn && line.action ? { at: line.timed.at, drawn: actions.length } : { at: line.timed.at };
        if (line.action) actions.push(line.timed);
        break;
      }
      case 'Rule': {
        const r = compileRule(cx, st);
        if (r) rules.push(r);
        break;
      }
      case 'Run':
        if (runNode) cx.error(st, 'the scenario already has a run line', 'repeated-run');
        runNode = st;
        run = runLine(cx, st, run);
        break;
      case 'MaxEvents':
        if (maxEventsNode) cx.error(st, 'max events is already set for this scenario', 'repeated-max-events');
        maxEventsNode = st;
        if (!Number.isInteger(st.value) || st.value < 1) cx.error(st, `max events expects a positive whole number, got ${st.value}`, 'out-of-range', 'value');
        else run = { ...run, maxEvents: st.value };
        break;
      case 'Expect': {
        const e = compileExpect(cx, st);
        if (e) expectations.push(e);
        break;
      }
      case 'Measure': {
        const m = compileMeasure(cx, st);
        if (m) measures.push(m);
        break;
      }
    }
  }
  if (env.seed !== undefined) seed = env.seed;
  if (Object.keys(perNode).length > 0) storage = { ...storage, perNode };
  return {
    name: sc.name,
    ...(env.file !== undefined ? { file: env.file } : {}),
    source: rangeOf(sc),
    protocol: cx.protocol.name,
    params,
    nodes: declaredNodes(cx.cluster).names,
    // Shared by every scenario on the cluster (specs are read-only).
    nodeParams: cx.facts.nodeParams,
    seed,
    network: { ...DEFAULT_NETWORK, ...network, links } as NetworkSpec,
    storage,
    actions,
    rules,
    run,
    expectations,
    ...(measures.length > 0 ? { measures } : {}),
    ...(explore !== undefined ? { explore } : {}),
  };
}

/**
 * The last compilation of each scenario node with no file or seed override
 * (the validator's), so compiling right after validation does not walk it
 * again. Keyed by AST node: a re-parse makes new nodes, and every re-link of
 * a document is followed by its re-validation, which replaces the entry.
 */
const lastCompiled = new WeakMap<Scenario, { readonly protocols: ReadonlyMap<string, Protocol>; readonly result: CompiledScenario }>();

/** The validator's last compilation of this scenario with these protocols, if any. */
export function lastCompilation(sc: Scenario, protocols: ReadonlyMap<string, Protocol>): CompiledScenario | undefined {
  const hit = lastCompiled.get(sc);
  return hit && hit.protocols === protocols ? hit.result : undefined;
}

/** Compile one scenario, reporting its mistakes (not those of its cluster, validated on the cluster). */
export function compileScenario(sc: Scenario, env: CompileEnv, report: ValidationAcceptor): CompiledScenario {
  const result = compileUncached(sc, env, report);
  if (env.file === undefined && env.seed === undefined) lastCompiled.set(sc, { protocols: env.protocols, result });
  return result;
}

function compileUncached(sc: Scenario, env: CompileEnv, report: ValidationAcceptor): CompiledScenario {
  const uses = sc.statements.filter((st) => st.$type === 'Use');
  let errors = 0;
  if (uses.length === 0) {
    report('error', `scenario "${sc.name}" needs a \`use CLUSTER\` line naming the cluster it runs`, { node: sc, property: 'name', code: 'missing-use', data: diagnosticData('missing-use') });
    return { errors: 1 };
  }
  for (const extra of uses.slice(1)) {
    errors++;
    report('error', 'a scenario uses exactly one cluster; remove this second `use` line', { node: extra, code: 'repeated-use', data: diagnosticData('repeated-use') });
  }
  const cluster = usedCluster(sc);
  const protocol = cluster ? env.protocols.get(cluster.protocol) : undefined;
  if (!cluster || !protocol) return { errors: errors + 1 };
  const cx = new CompileContext(cluster, protocol, clusterFacts(cluster, protocol), report, env.protocols);
  const spec = compileStatements(cx, sc, env);
  return { spec, errors: errors + cx.errorCount };
}
