/**
 * An exhaustive search's path (an order of deliveries, timer firings,
 * scripted actions and crashes, with no times) → a timed scenario the
 * discrete-event simulator replays exactly, so the shortest counterexample
 * is an ordinary scenario file that `run` reproduces.
 *
 * Step k of the path happens at time T_k (Δ apart; a step that fires a
 * timer armed at start-up happens when that timer is due). Then:
 * - every message is sent with zero latency and held until the step that
 *   delivers it: `on next send TYPE from A to B during T..T { hold until
 *   T_k }`, or dropped when the path never delivers it;
 * - every timer is made due exactly when the path fires it: the handler
 *   that arms it runs after `at T drift NODE RATE` with RATE = (T_k − T) /
 *   duration, the duration being what the simulator's own random stream
 *   for that node gives (the path is replayed with those streams first);
 *   a timer the path does not fire gets a rate that makes it due after the
 *   run ends (or after the step that re-arms or cancels it);
 * - scripted client operations, crashes and restarts become `at T_k` lines.
 * Timers armed at start-up run before any scripted line, at rate 1: their
 * times depend on the seed, so several seeds (and spacings Δ) are tried
 * until one fits, and each candidate is run to check that it fails the
 * same way. Anything the path needs that the language cannot time (a
 * handler arming two timers the path fires at unrelated steps, two equal
 * messages sent at one instant) is reported as a problem.
 */
import type { NodeId, Protocol } from '../engine/protocol.js';
import { Rng } from '../engine/rng.js';
import { DEFAULT_NETWORK, DEFAULT_STORAGE, type Action, type RuleSpec, type ScenarioSpec, type TimedAction } from '../engine/spec.js';
import { runScenario } from '../runner/run.js';
import { findingOf } from './candidate.js';
import { ExhaustiveSearch, describeStep, type ExhaustiveBudget, type Handled, type Step } from './exhaustive.js';

export type Concretized =
  | {
    readonly ok: true; readonly spec: ScenarioSpec; readonly seed: number; readonly spacing: number;
    /** Comments for the printed file: which step each line stands for. */
    readonly actionNotes: ReadonlyMap<number, string>; readonly ruleNotes: ReadonlyMap<number, string>;
  }
  | { readonly ok: false; readonly problem: string };

interface TimerLife {
  readonly node: number;
  readonly name: string;
  /** The step whose handler armed it (0: start-up) and its duration. */
  readonly setAt: number;
  readonly duration: number;
  /** The handler call that armed it (timers armed together share a drift). */
  readonly call: number;
  /** The step that fires it, if the path does. */
  firedAt?: number;
  /** The step that re-arms or cancels it, or crashes its node (it must not be due before). */
  endedAt?: number;
}

/** A write issued in the path (storage with latency): the step whose handler issued it, and the step that completes or loses it. */
interface WriteLife {
  readonly node: number;
  readonly issuedAt: number;
  doneAt?: number;
  /** A crash of its node loses it. */
  lostAt?: number;
}

interface Sent {
  readonly step: number;
  readonly from: number;
  readonly to: number;
  readonly type: string;
  readonly key: string;
  deliveredAt?: number;
}

const SPACINGS = [1000, 100, 10];
/** Write latencies tried, in step spacings: long enough for the steps a write spans, short enough for start-up timers. */
const WRITE_SPANS = [4, 16, 64];
const SEEDS = 40;

export function concretize(base: ScenarioSpec, protocol: Protocol, budget: ExhaustiveBudget, path: readonly Step[], check: string): Concretized {
  let last = 'no seed fitted';
  for (let attempt = 0; attempt < SEEDS; attempt++) {
    const seed = attempt === 0 ? base.seed : attempt;
    const plan = replayPlan(base, protocol, budget, path, seed);
    if (typeof plan === 'string') return { ok: false, problem: plan };
    for (const [spacing, writeLatency] of SPACINGS.flatMap((sp) => (plan.writes.length > 0 ? WRITE_SPANS.map((m) => [sp, sp * m] as const) : [[sp, 0] as const]))) {
      const spec = timed(base, plan, path, seed, spacing, writeLatency);
      if (typeof spec === 'string') {
        last = spec;
        continue;
      }
      const outcome = runScenario(spec.spec, { protocols: new Map([[protocol.name, protocol]]) });
      const f = findingOf(outcome);
      if (f !== null && f.check === check) return { ok: true, spec: spec.spec, seed, spacing, actionNotes: spec.actionNotes, ruleNotes: spec.ruleNotes };
      last = `the timed run ${f === null ? 'fails no check' : `fails ${f.check} instead`} (seed ${seed})`;
    }
  }
  return { ok: false, problem: last };
}

interface Plan {
  readonly ids: readonly NodeId[];
  readonly timers: TimerLife[];
  readonly sent: Sent[];
  /** Per handler call: its step and node. */
  readonly calls: { step: number; node: number }[];
  /** Writes that take a step to complete (empty with instant storage). */
  readonly writes: WriteLife[];
}

/** Replays the path with the seed's streams and works out every timer's and message's life. */
function replayPlan(base: ScenarioSpec, protocol: Protocol, budget: ExhaustiveBudget, path: readonly Step[], seed: number): Plan | string {
  const search = new ExhaustiveSearch(base, protocol, budget);
  const root = new Rng(seed);
  const rngs = search.ids.map((id) => root.fork(`node:${id}`));
  const handled: Handled[] = [];
  const problem = search.replay(path, rngs, (h) => handled.push(h));
  if (problem !== undefined) return problem;
  const ids = search.ids;
  const timers: TimerLife[] = [];
  const sent: Sent[] = [];
  const calls: { step: number; node: number }[] = [];
  const writes: WriteLife[] = [];
  const inFlight = ids.map((): WriteLife[] => []);
  const armed = new Map<string, TimerLife>(); // `${node}/${name}`
  const end = (key: string, step: number) => {
    const t = armed.get(key);
    if (t !== undefined && t.firedAt === undefined && t.endedAt === undefined) t.endedAt = step;
    armed.delete(key);
  };
  let h = 0;
  for (let k = 0; k <= path.length; k++) {
    const step = k === 0 ? undefined : path[k - 1]!;
    // What the step itself does to timers, before its handler runs.
    if (step?.kind === 'timer') {
      const key = `${ids.indexOf(step.node)}/${step.name}`;
      const t = armed.get(key);
      if (t === undefined) return `step ${k} fires ${step.node}'s ${step.name} timer, which the replay never armed`;
      t.firedAt = k;
      armed.delete(key);
    }
    // A crash clears the node's timers (a restart arms its own, recorded below) and loses its writes in flight.
    for (const n of crashed(step, ids)) {
      for (const key of [...armed.keys()]) if (key.startsWith(`${n}/`)) end(key, k);
      for (const w of inFlight[n]!.splice(0)) w.lostAt = k;
    }
    if (step?.kind === 'durable') {
      const w = inFlight[ids.indexOf(step.node)]!.shift();
      if (w === undefined) return `step ${k} completes a write of ${step.node}'s that the replay never issued`;
      w.doneAt = k;
    }
    if (step?.kind === 'deliver') {
      const key = `${ids.indexOf(step.from)}>${ids.indexOf(step.to)}:`;
      const m = [...sent].reverse().find((x) => x.deliveredAt === undefined && x.key.startsWith(key) && x.type === step.message.type && x.key === `${key}${JSON.stringify(step.message)}`);
      if (m === undefined) return `step ${k} delivers a message the replay never sent (${describeStep(step)})`;
      if (!step.duplicate) m.deliveredAt = k;
    }
    for (; h < handled.length && handled[h]!.step === k; h++) {
      const call = calls.length;
      calls.push({ step: k, node: handled[h]!.node });
      for (const t of handled[h]!.timers) {
        const key = `${handled[h]!.node}/${t.name}`;
        end(key, k);
        if (t.set) {
          const life: TimerLife = { node: handled[h]!.node, name: t.name, setAt: k, duration: t.after, call };
          timers.push(life);
          armed.set(key, life);
        }
      }
      for (const s of handled[h]!.sends) sent.push({ step: k, from: handled[h]!.node, to: s.to, type: s.type, key: s.key });
      for (let n = 0; n < handled[h]!.writes; n++) {
        const w: WriteLife = { node: handled[h]!.node, issuedAt: k };
        writes.push(w);
        inFlight[w.node]!.push(w);
      }
    }
  }
  return { ids, timers, sent, calls, writes };
}

/** The nodes a step crashes or restarts (a scripted role-query target: every node, to be safe). */
function crashed(step: Step | undefined, ids: readonly NodeId[]): number[] {
  if (step === undefined) return [];
  if (step.kind === 'crash' || step.kind === 'restart') return [ids.indexOf(step.node)];
  if (step.kind === 'script' && (step.action.kind === 'crash' || step.action.kind === 'restart')) {
    const t = step.action.target;
    return t.kind === 'nodes' ? t.nodes.map((n) => ids.indexOf(n)) : ids.map((_, i) => i);
  }
  return [];
}

interface Timed {
  readonly spec: ScenarioSpec;
  readonly actionNotes: ReadonlyMap<number, string>;
  readonly ruleNotes: ReadonlyMap<number, string>;
}

/**
 * When each step happens: Δ apart, except that a step firing a start-up
 * timer happens when it is due, and — storage with latency — a write
 * completes exactly `writeLatency` after the step that issued it, and one
 * the path loses is still in flight at the crash (or the end). These are
 * difference constraints; the earliest times that meet them are longest
 * paths from step 0 (Bellman–Ford), and a positive cycle means none do.
 */
export function stepTimes(K: number, fixed: ReadonlyMap<number, number>, writes: readonly WriteLife[], spacing: number, writeLatency: number): number[] | string {
  const edges: { from: number; to: number; w: number }[] = []; // T[to] ≥ T[from] + w
  const atLeast = (to: number, from: number, w: number) => edges.push({ from, to, w });
  for (let k = 1; k <= K; k++) atLeast(k, k - 1, fixed.has(k) ? 1 : spacing);
  for (const [k, at] of fixed) {
    atLeast(k, 0, at);
    atLeast(0, k, -at);
  }
  for (const w of writes) {
    if (w.doneAt !== undefined) {
      atLeast(w.doneAt, w.issuedAt, writeLatency);
      atLeast(w.issuedAt, w.doneAt, -writeLatency);
    } else {
      // Still in flight at the crash that loses it, or past the end of the run (T[K] + 1).
      const until = w.lostAt ?? K;
      atLeast(w.issuedAt, until, (w.lostAt === undefined ? 2 : 1) - writeLatency);
    }
  }
  const T = new Array<number>(K + 1).fill(-Infinity);
  T[0] = 0;
  for (let round = 0; round <= K + 1; round++) {
    let moved = false;
    for (const e of edges) {
      if (T[e.from]! + e.w > T[e.to]!) {
        T[e.to] = T[e.from]! + e.w;
        moved = true;
      }
    }
    if (!moved) return T[0] === 0 ? T : 'the step times contradict each other';
  }
  return writes.length > 0 ? `no step times complete every write ${writeLatency} µs after it is issued` : 'a start-up timer is due before the steps that must precede it';
}

/** The timed scenario for one seed and spacing, or why it cannot be timed. */
function timed(base: ScenarioSpec, plan: Plan, path: readonly Step[], seed: number, spacing: number, writeLatency: number): Timed | string {
  const K = path.length;
  const fixed = new Map<number, number>();
  for (const t of plan.timers) if (t.setAt === 0 && t.firedAt !== undefined) fixed.set(t.firedAt, t.duration);
  const T = stepTimes(K, fixed, plan.writes, spacing, writeLatency);
  if (typeof T === 'string') return T;
  const runEnd = T[K]! + 1;
  const actions: { a: TimedAction; note?: string }[] = [];
  // Start-up timers the path does not fire must not be due while they matter.
  for (const t of plan.timers.filter((x) => x.setAt === 0 && x.firedAt === undefined)) {
    const until = t.endedAt === undefined ? runEnd : T[t.endedAt]!;
    if (t.duration <= until) return `${plan.ids[t.node]}'s ${t.name} timer from start-up is due at ${t.duration} µs, before the path is done with it`;
  }
  // One drift per handler call that arms timers after start-up.
  const byCall = new Map<number, TimerLife[]>();
  for (const t of plan.timers) if (t.setAt > 0) byCall.set(t.call, [...(byCall.get(t.call) ?? []), t]);
  for (const [call, lives] of byCall) {
    const { step, node } = plan.calls[call]!;
    const fired = lives.filter((t) => t.firedAt !== undefined);
    let rate: number;
    if (fired.length > 0) {
      const t = fired[0]!;
      rate = (T[t.firedAt!]! - T[step]!) / t.duration;
      for (const other of fired.slice(1)) {
        if (Math.round(other.duration * rate) !== T[other.firedAt!]! - T[step]!) return `${plan.ids[node]} arms two timers at step ${step} that the path fires at unrelated times`;
      }
    } else {
      const latest = Math.max(...lives.map((t) => (t.endedAt === undefined ? runEnd : T[t.endedAt]!)));
      const shortest = Math.min(...lives.map((t) => t.duration));
      rate = (latest - T[step]! + spacing) / Math.max(1, shortest);
    }
    for (const t of lives) {
      const due = T[step]! + Math.round(t.duration * rate);
      const until = t.firedAt !== undefined ? T[t.firedAt]! : t.endedAt === undefined ? runEnd : T[t.endedAt]!;
      if (t.firedAt === undefined ? due <= until : due !== until) return `${plan.ids[t.node]}'s ${t.name} timer cannot be timed for step ${t.firedAt ?? t.endedAt}`;
    }
    if (!(rate > 0) || !Number.isFinite(rate)) return `no drift rate times ${plan.ids[node]}'s timers at step ${step}`;
    const why = fired.length > 0 ? `its ${fired.map((t) => t.name).join(', ')} timer fires at step ${fired[0]!.firedAt}` : `its ${lives.map((t) => t.name).join(', ')} timer stays quiet`;
    actions.push({ a: { at: T[step]!, action: { kind: 'drift', target: { kind: 'nodes', nodes: [plan.ids[node]!] }, rate } }, note: why });
  }
  // Scripted steps and faults, after the drift lines of their instant.
  for (let k = 1; k <= K; k++) {
    const step = path[k - 1]!;
    let action: Action | undefined;
    if (step.kind === 'crash' || step.kind === 'restart') action = { kind: step.kind, target: { kind: 'nodes', nodes: [step.node] } };
    else if (step.kind === 'script') {
      const a = step.action;
      action = a.kind === 'client' && step.node !== undefined ? { ...a, target: { kind: 'nodes', nodes: [step.node] } } : a;
    }
    if (action !== undefined) actions.push({ a: { at: T[k]!, action }, note: `step ${k}: ${describeStep(step)}` });
  }
  // Messages: held until the step that delivers them, or dropped.
  const rules: RuleSpec[] = [];
  const ruleNotes = new Map<number, string>();
  const seen = new Set<string>();
  for (const m of plan.sent) {
    const id = `${m.step}/${m.from}/${m.to}/${m.type}`;
    if (seen.has(id)) return `${plan.ids[m.from]} sends two ${m.type} messages to ${plan.ids[m.to]} at step ${m.step}: one rule cannot tell them apart`;
    seen.add(id);
    rules.push({
      on: 'send', pattern: { type: m.type, from: plan.ids[m.from]!, to: plan.ids[m.to]! }, times: 'next', from: T[m.step]!, until: T[m.step]!,
      disposition: m.deliveredAt === undefined ? { kind: 'drop' } : { kind: 'hold', until: T[m.deliveredAt]! }, actions: [],
    });
    ruleNotes.set(rules.length - 1, m.deliveredAt === undefined ? 'never delivered' : `step ${m.deliveredAt}: ${describeStep(path[m.deliveredAt - 1]!)}`);
  }
  const ordered = actions.map((x, i) => ({ ...x, i })).sort((x, y) => x.a.at - y.a.at || x.i - y.i);
  const actionNotes = new Map<number, string>();
  ordered.forEach((x, k) => { if (x.note !== undefined) actionNotes.set(k, x.note); });
  // Steps that are timers firing have no line of their own: the drift that times them says which.
  const spec: ScenarioSpec = {
    ...base, seed, actions: ordered.map((x) => x.a), rules,
    network: { ...DEFAULT_NETWORK, latency: { kind: 'fixed', value: 0 } },
    storage: plan.writes.length > 0 ? { latency: { kind: 'fixed', value: writeLatency } } : DEFAULT_STORAGE,
    run: { until: runEnd, maxTime: Math.max(base.run.maxTime, runEnd), maxEvents: base.run.maxEvents },
  };
  return { spec, actionNotes, ruleNotes };
}
