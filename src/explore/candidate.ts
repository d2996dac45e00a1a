/**
 * One explore run: the base scenario made ready for exploring, a candidate
 * (a scenario seed, a fault schedule, and what shrinking removed or moved),
 * the spec they make together, and what the run found.
 *
 * The base keeps its own actions, rules and network; `every` client lines
 * are written out one by one (up to MAX_EXPANDED) so shrinking can drop
 * single operations. Its expectations become the ones a search checks:
 * - `safety` (the default): `expect always` lines and `expect
 *   linearizable` as written, `expect violated X` read as `expect always
 *   X` (a bug scenario with its faults removed asks for the bug), and one
 *   more `always` line for every invariant the scenario does not name —
 *   every invariant is checked, named or not;
 * - `all`: the same plus `eventually` and `at end` lines, which faults
 *   break on purpose (a crashed leader commits nothing), so only for
 *   scenarios whose faults are bounded by design.
 *
 * The base drops the scenario's `explore { … }` block (the budget the
 * search was given), so no counterexample printed from it carries one.
 *
 * A finding is the earliest failed check: an invariant's first violation
 * (its time and event), a protocol error, or a failed end-of-run check.
 */
import type { Protocol } from '../engine/protocol.js';
import type { Expectation, ScenarioSpec, TimedAction } from '../engine/spec.js';
import { runScenario, type ScenarioOutcome } from '../runner/run.js';
import { faultItems, faultTime, horizonOf, type Fault } from './faults.js';

export type ExpectMode = 'safety' | 'all';

/** `every` lines with more repetitions than this stay one line (not shrinkable one by one). */
export const MAX_EXPANDED = 200;

export interface ExploreBase {
  readonly spec: ScenarioSpec;
  readonly protocol: Protocol;
}

export interface Candidate {
  readonly seed: number;
  readonly faults: readonly Fault[];
  /** Base actions (by index) that shrinking removed. */
  readonly dropped: ReadonlySet<number>;
  /** Base client actions (by index) that shrinking moved earlier: index → new time. */
  readonly moved: ReadonlyMap<number, number>;
  /** A shorter `run until` than the base's. */
  readonly until?: number;
}

export interface Finding {
  /** The invariant (or `linearizable`, `protocol error`, an expect line's name in `all` mode). */
  readonly check: string;
  readonly message: string;
  /** When it happened (µs): the violation's time, or the end of the run. */
  readonly time: number;
  readonly event?: number;
}

export function prepareBase(spec: ScenarioSpec, protocol: Protocol, mode: ExpectMode = 'safety'): ExploreBase {
  const horizon = horizonOf(spec);
  const actions: TimedAction[] = [];
  for (const a of spec.actions) {
    if (a.every === undefined || a.every <= 0 || a.action.kind !== 'client') {
      actions.push(a);
      continue;
    }
    const end = Math.min(a.until ?? horizon, horizon);
    const count = Math.floor((end - a.at) / a.every) + 1;
    if (count > MAX_EXPANDED || count < 1) {
      actions.push(a);
      continue;
    }
    for (let k = 0; k < count; k++) actions.push({ at: a.at + k * a.every, action: a.action, ...(a.source !== undefined ? { source: a.source } : {}) });
  }
  actions.sort((x, y) => x.at - y.at);
  const expectations: Expectation[] = [];
  const named = new Set<string>();
  for (const e of spec.expectations) {
    if (e.kind === 'always') {
      expectations.push(e);
      e.invariants.forEach((n) => named.add(n));
    } else if (e.kind === 'violated') {
      if (!named.has(e.invariant)) expectations.push({ kind: 'always', invariants: [e.invariant], ...(e.source !== undefined ? { source: e.source } : {}) });
      named.add(e.invariant);
    } else if (e.kind === 'linearizable' || mode === 'all') expectations.push(e);
  }
  const rest = protocol.vocabulary.invariants.map((i) => i.name).filter((n) => !named.has(n));
  if (rest.length > 0) expectations.push({ kind: 'always', invariants: rest });
  // The `explore` block was the search's budget, spent by now. A counterexample is for `run`, its
  // faults written out as lines: exploring it with the same budget would add faults on top of them.
  const { explore: _spent, ...runnable } = spec;
  return { spec: { ...runnable, actions, expectations }, protocol };
}

export function emptyCandidate(seed: number, faults: readonly Fault[]): Candidate {
  return { seed, faults, dropped: new Set(), moved: new Map() };
}

/** The scenario a candidate runs: the base's items (less what was dropped) and the faults', in time order. */
export function candidateSpec(base: ExploreBase, c: Candidate): ScenarioSpec {
  const b = base.spec;
  const actions: TimedAction[] = [];
  b.actions.forEach((a, k) => {
    if (c.dropped.has(k)) return;
    const at = c.moved.get(k);
    actions.push(at === undefined ? a : { ...a, at });
  });
  let network = b.network;
  const rules = [...b.rules];
  for (const f of c.faults) {
    const items = faultItems(f);
    if (items.action) actions.push(items.action);
    if (items.rule) rules.push(items.rule);
    if (items.network) {
      network = {
        ...network,
        ...(items.network.loss !== undefined ? { loss: Math.max(network.loss, items.network.loss) } : {}),
        ...(items.network.duplicate !== undefined ? { duplicate: Math.max(network.duplicate, items.network.duplicate) } : {}),
      };
    }
  }
  // Stable: at equal times the base's lines come first, then the faults in schedule order (the order the printed file keeps).
  const ordered = actions.map((a, k) => ({ a, k })).sort((x, y) => x.a.at - y.a.at || x.k - y.k).map((x) => x.a);
  const run = c.until === undefined ? b.run : { ...b.run, until: c.until };
  return { ...b, seed: c.seed, network, actions: ordered, rules, run };
}

export interface RunRecord {
  readonly finding: Finding | null;
  readonly events: number;
  readonly outcome: ScenarioOutcome;
}

/** Runs a candidate, stopping at the first invariant violation. */
export function runCandidate(base: ExploreBase, c: Candidate, options: { stopAtViolation?: boolean } = {}): RunRecord {
  const spec = candidateSpec(base, c);
  const outcome = runScenario(spec, { protocols: new Map([[base.protocol.name, base.protocol]]), stopAtViolation: options.stopAtViolation ?? true });
  return { finding: findingOf(outcome), events: outcome.result.end.events, outcome };
}

/** The earliest failed check of a run, or null when every check held. */
export function findingOf(outcome: ScenarioOutcome): Finding | null {
  const { result } = outcome;
  let best: Finding | null = null;
  for (const c of result.checks) {
    if (c.status !== 'failed') continue;
    let f: Finding;
    if (c.kind === 'always' && c.event !== undefined) {
      const e = result.trace.event(c.event);
      f = e.kind === 'violation' ? { check: e.invariant, message: c.message ?? '', time: e.t, event: c.event } : { check: c.name, message: c.message ?? '', time: e.t, event: c.event };
    } else if (c.name === 'protocol error' && c.event !== undefined) {
      f = { check: 'protocol error', message: c.message ?? '', time: result.trace.event(c.event).t, event: c.event };
    } else {
      f = { check: c.kind === 'linearizable' ? 'linearizable' : c.name, message: c.message ?? '', time: result.end.time };
    }
    if (best === null || f.time < best.time || (f.time === best.time && (f.event ?? Infinity) < (best.event ?? Infinity))) best = f;
  }
  return best;
}

/** How small a counterexample is, for shrinking and for merging shards: fewer faults, fewer operations, an earlier end. */
export function sizeOf(base: ExploreBase, c: Candidate, finding: Finding): readonly number[] {
  const clients = base.spec.actions.filter((a, k) => a.action.kind === 'client' && !c.dropped.has(k)).length;
  const faultTimes = c.faults.reduce((t, f) => t + faultTime(f), 0);
  return [c.faults.length, clients, finding.time, faultTimes];
}

export function smaller(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

