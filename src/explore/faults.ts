/**
 * Random fault schedules for `explore`: the fault budget, the faults
 * themselves, how a run's schedule is drawn from its index, and how faults
 * become ordinary scenario items.
 *
 * Every fault is one thing a scenario can say, so a counterexample prints as
 * a plain scenario file:
 * - `crash`, `restart`, `pause`, `resume`, `partition`, `cut`, `heal`,
 *   `drift` — one `at T …` line each;
 * - `loss`, `duplicate` — the network's `loss` / `duplicate` for the whole run;
 * - `delay` — a message rule: `on send [from A] [to B] during T1..T2 { delay D }`.
 *
 * A schedule comes in episodes, the shapes failures take: a crash often
 * followed by the same node's restart (a role-query crash, `crash leader`,
 * by a restart of every node, since which one went down is known only at
 * run time), a pause by its resume, a partition or cut often by a heal —
 * the gap drawn on a log scale, so a restart a few milliseconds after its
 * crash is as likely as one seconds later.
 * The budget caps faults per kind (a resume counts under `pause`) and in
 * total. Times fall on whole milliseconds inside the run.
 *
 * Run `k` of search seed `s` draws its schedule and its scenario seed from
 * an Rng of its own (seed `s`, stream `run:k`), so a run is reproduced from
 * (s, k) alone, whatever machine, shard or worker ran it.
 */
import type { NodeId, Protocol } from '../engine/protocol.js';
import { Rng } from '../engine/rng.js';
import type { Action, NetworkSpec, RuleSpec, ScenarioSpec, Target, TimedAction } from '../engine/spec.js';
import { FAULT_KINDS, type FaultKind } from '../engine/fault-kinds.js';

export { FAULT_KINDS, type FaultKind };

export interface FaultBudget {
  /** The most faults of each kind in one run; kinds absent are not used. */
  readonly kinds: Readonly<Partial<Record<FaultKind, number>>>;
  /** The most faults in one run, all kinds together. */
  readonly max: number;
}

/** Every kind, up to `max` in all and each kind at most that often. */
export function defaultBudget(max = 4): FaultBudget {
  return { kinds: Object.fromEntries(FAULT_KINDS.map((k) => [k, max])), max };
}

export type Fault =
  | { readonly kind: 'crash' | 'restart' | 'pause' | 'resume'; readonly at: number; readonly target: Target }
  /**
   * A crash triggered by a message: `node` crashes `delay` µs after the
   * first `message` it receives (`on: 'deliver'`) or sends (`on: 'send'`:
   * right after acknowledging something) from time `from` on, and restarts
   * `restartAfter` µs later. Shrinking turns it into timed lines when that
   * reproduces the finding.
   */
  | { readonly kind: 'crash-on'; readonly on: 'deliver' | 'send'; readonly message: string; readonly node: NodeId; readonly from: number; readonly delay: number; readonly restartAfter?: number }
  | { readonly kind: 'partition'; readonly at: number; readonly groups: readonly (readonly NodeId[])[] }
  | { readonly kind: 'cut'; readonly at: number; readonly from: NodeId; readonly to: NodeId }
  | { readonly kind: 'heal'; readonly at: number }
  | { readonly kind: 'drift'; readonly at: number; readonly node: NodeId; readonly rate: number }
  | { readonly kind: 'loss' | 'duplicate'; readonly rate: number }
  | { readonly kind: 'delay'; readonly from: number; readonly until: number; readonly src?: NodeId; readonly dst?: NodeId; readonly by: number };

/** The budget kind a fault counts under. */
export function budgetKind(f: Fault): FaultKind {
  return f.kind === 'resume' ? 'pause' : f.kind === 'crash-on' ? 'crash' : f.kind;
}

/** What a schedule is drawn against: the nodes faults may hit, the role queries that name nodes, the run's length. */
export interface FaultTargets {
  readonly nodes: readonly NodeId[];
  /** Role queries without arguments (`leader`), for `crash leader`. */
  readonly roles: readonly string[];
  /** The protocol's message types, for crashes triggered by a delivery. */
  readonly messages: readonly string[];
  /** Faults fall in [0, horizon) µs. */
  readonly horizon: number;
}

export function faultTargets(base: ScenarioSpec, protocol: Protocol): FaultTargets {
  let implicit: readonly { id: NodeId }[] = [];
  try {
    implicit = protocol.implicitNodes?.(base.params) ?? [];
  } catch {
    implicit = [];
  }
  const nodes = [...base.nodes, ...implicit.map((n) => n.id).filter((id) => !base.nodes.includes(id))];
  const roles = protocol.vocabulary.queries.filter((q) => q.returns === 'nodes' && q.args.length === 0).map((q) => q.name);
  return { nodes, roles, messages: protocol.vocabulary.messages.map((m) => m.type), horizon: horizonOf(base) };
}

/** How long the run is: its `run until`, or (for `run until CONDITION`) its max time, at most 10 s. */
export function horizonOf(spec: ScenarioSpec): number {
  return spec.run.until ?? Math.min(spec.run.maxTime, 10_000_000);
}

const MS = 1000;

/** The scenario seed and fault schedule of run `k` of a search. */
export function scheduleOf(searchSeed: number, k: number, budget: FaultBudget, t: FaultTargets): { seed: number; faults: Fault[] } {
  const rng = new Rng(searchSeed).fork(`run:${k}`);
  const seed = rng.nextUint32();
  return { seed, faults: drawFaults(rng, budget, t) };
}

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(0, xs.length - 1)]!;
}

/** A time in [lo, hi) on a whole millisecond (lo itself when the range is shorter). */
function timeIn(rng: Rng, lo: number, hi: number): number {
  const a = Math.ceil(lo / MS);
  const b = Math.floor((hi - 1) / MS);
  return (b <= a ? a : rng.int(a, b)) * MS;
}

/** A value between lo and hi, uniform on a log scale. */
function logUniform(rng: Rng, lo: number, hi: number): number {
  return Math.exp(Math.log(lo) + rng.next() * (Math.log(hi) - Math.log(lo)));
}

function drawFaults(rng: Rng, budget: FaultBudget, t: FaultTargets): Fault[] {
  const left = new Map<FaultKind, number>(FAULT_KINDS.map((k) => [k, Math.max(0, budget.kinds[k] ?? 0)]));
  // A restart or heal is drawn with what it ends, not on its own.
  const starters = FAULT_KINDS.filter((k) => k !== 'restart' && k !== 'heal' && (left.get(k) ?? 0) > 0 && (k !== 'partition' && k !== 'cut' || t.nodes.length >= 2));
  const out: Fault[] = [];
  if (starters.length === 0 || budget.max <= 0 || t.nodes.length === 0) return out;
  let room = rng.int(1, budget.max);
  const take = (k: FaultKind) => {
    left.set(k, left.get(k)! - 1);
    room--;
  };
  const can = (k: FaultKind) => room > 0 && left.get(k)! > 0;
  const H = Math.max(t.horizon, 2 * MS);
  for (let guard = 0; room > 0 && guard < 100; guard++) {
    const open = starters.filter(can);
    if (open.length === 0) break;
    // Crashes twice as often as any other kind: most consensus and durability bugs need one.
    const kind = pick<FaultKind>(rng, open.includes('crash') ? [...open, 'crash'] : open);
    take(kind);
    const at = timeIn(rng, 0, H);
    // The end of an episode: short gaps as likely as long ones (a restart 3 ms after the crash catches an election in flight).
    const later = () => Math.min(H, at + Math.max(MS, Math.round(logUniform(rng, MS, Math.max(2 * MS, H - at)) / MS) * MS));
    switch (kind) {
      case 'crash': {
        if (t.messages.length > 0 && rng.next() < 0.5) {
          // Right after a message arrives: the instants where durability and vote bugs hide.
          const restart = can('restart') && rng.next() < 0.8;
          if (restart) take('restart');
          const delay = rng.next() < 0.3 ? 0 : Math.round(logUniform(rng, 100, 5 * MS));
          out.push({
            // Half the time from the start: the first election or request is where most happens.
            kind: 'crash-on', on: rng.next() < 0.5 ? 'deliver' : 'send', message: pick(rng, t.messages), node: pick(rng, t.nodes), from: rng.next() < 0.5 ? 0 : at, delay,
            ...(restart ? { restartAfter: Math.round(logUniform(rng, 100, 50 * MS)) } : {}),
          });
          break;
        }
        const byRole = t.roles.length > 0 && rng.next() < 0.4;
        const node = pick(rng, t.nodes);
        const target: Target = byRole ? { kind: 'query', query: pick(rng, t.roles), args: {} } : { kind: 'nodes', nodes: [node] };
        out.push({ kind: 'crash', at, target });
        if (can('restart') && rng.next() < 0.8) {
          take('restart');
          out.push({ kind: 'restart', at: later(), target: byRole ? { kind: 'nodes', nodes: [...t.nodes] } : { kind: 'nodes', nodes: [node] } });
        }
        break;
      }
      case 'pause': {
        const node = pick(rng, t.nodes);
        out.push({ kind: 'pause', at, target: { kind: 'nodes', nodes: [node] } });
        if (can('pause')) {
          take('pause');
          out.push({ kind: 'resume', at: later(), target: { kind: 'nodes', nodes: [node] } });
        }
        break;
      }
      case 'partition':
      case 'cut': {
        if (kind === 'partition') {
          const shuffled = t.nodes.map((n) => ({ n, r: rng.next() })).sort((a, b) => a.r - b.r).map((x) => x.n);
          const size = rng.int(1, Math.max(1, Math.floor(shuffled.length / 2)));
          const side = shuffled.slice(0, size);
          out.push({ kind: 'partition', at, groups: [t.nodes.filter((n) => side.includes(n)), t.nodes.filter((n) => !side.includes(n))] });
        } else {
          const from = pick(rng, t.nodes);
          const to = pick(rng, t.nodes.filter((n) => n !== from));
          out.push({ kind: 'cut', at, from, to });
        }
        if (can('heal') && rng.next() < 0.7) {
          take('heal');
          out.push({ kind: 'heal', at: later() });
        }
        break;
      }
      case 'drift':
        out.push({ kind: 'drift', at, node: pick(rng, t.nodes), rate: Math.round(logUniform(rng, 0.25, 4) * 100) / 100 });
        break;
      case 'loss':
        out.push({ kind: 'loss', rate: pick(rng, [0.01, 0.02, 0.05, 0.1, 0.2]) });
        break;
      case 'duplicate':
        out.push({ kind: 'duplicate', rate: pick(rng, [0.01, 0.02, 0.05, 0.1]) });
        break;
      case 'delay': {
        const until = Math.min(H, at + Math.round(logUniform(rng, 10 * MS, Math.max(11 * MS, H / 4)) / MS) * MS);
        const by = Math.max(MS, Math.round(logUniform(rng, MS, Math.max(2 * MS, H / 10)) / MS) * MS);
        const onLink = t.nodes.length >= 2 && rng.next() < 0.6;
        const src = onLink ? pick(rng, t.nodes) : undefined;
        const dst = onLink ? pick(rng, t.nodes.filter((n) => n !== src)) : undefined;
        out.push({ kind: 'delay', from: at, until: Math.max(until, at + MS), by, ...(src !== undefined ? { src } : {}), ...(dst !== undefined ? { dst } : {}) });
        break;
      }
      case 'restart':
      case 'heal':
        break; // drawn with their episodes
    }
  }
  return out;
}

/** The time a fault happens (the start of its window; 0 for whole-run settings), for ordering and shrinking. */
export function faultTime(f: Fault): number {
  switch (f.kind) {
    case 'loss': case 'duplicate': return 0;
    case 'delay': case 'crash-on': return f.from;
    default: return f.at;
  }
}

/** A fault as the scenario items it stands for. */
export function faultItems(f: Fault): { action?: TimedAction; rule?: RuleSpec; network?: Partial<NetworkSpec> } {
  switch (f.kind) {
    case 'crash': case 'restart': case 'pause': case 'resume':
      return { action: { at: f.at, action: { kind: f.kind, target: f.target } } };
    case 'partition': return { action: { at: f.at, action: { kind: 'partition', groups: f.groups } } };
    case 'cut': return { action: { at: f.at, action: { kind: 'cut', from: f.from, to: f.to } } };
    case 'heal': return { action: { at: f.at, action: { kind: 'heal' } } };
    case 'drift': return { action: { at: f.at, action: { kind: 'drift', target: { kind: 'nodes', nodes: [f.node] }, rate: f.rate } } };
    case 'crash-on': {
      const target: Target = { kind: 'nodes', nodes: [f.node] };
      const actions: { delay: number; action: Action }[] = [{ delay: f.delay, action: { kind: 'crash', target } }];
      if (f.restartAfter !== undefined) actions.push({ delay: f.delay + f.restartAfter, action: { kind: 'restart', target } });
      return { rule: { on: f.on, pattern: f.on === 'deliver' ? { type: f.message, to: f.node } : { type: f.message, from: f.node }, times: 'next', from: f.from, actions } };
    }
    case 'loss': return { network: { loss: f.rate } };
    case 'duplicate': return { network: { duplicate: f.rate } };
    case 'delay': {
      const pattern = { ...(f.src !== undefined ? { from: f.src } : {}), ...(f.dst !== undefined ? { to: f.dst } : {}) };
      return { rule: { on: 'send', pattern, times: 'every', from: f.from, until: f.until, disposition: { kind: 'delay', by: f.by }, actions: [] } };
    }
  }
}

/** One line describing a fault, for progress output and JSON. */
export function describeFault(f: Fault): string {
  const t = (us: number) => `${us / 1000}ms`;
  const target = (x: Target) => (x.kind === 'nodes' ? x.nodes.join(' ') : x.query);
  switch (f.kind) {
    case 'crash': case 'restart': case 'pause': case 'resume': return `${t(f.at)} ${f.kind} ${target(f.target)}`;
    case 'partition': return `${t(f.at)} partition ${f.groups.map((g) => `{${g.join(' ')}}`).join(' | ')}`;
    case 'cut': return `${t(f.at)} cut ${f.from} -> ${f.to}`;
    case 'heal': return `${t(f.at)} heal`;
    case 'drift': return `${t(f.at)} drift ${f.node} ${f.rate}`;
    case 'crash-on': return `crash ${f.node} ${t(f.delay)} after the first ${f.message} it ${f.on === 'deliver' ? 'receives' : 'sends'} from ${t(f.from)}${f.restartAfter !== undefined ? `, restart ${t(f.restartAfter)} later` : ''}`;
    case 'loss': case 'duplicate': return `${f.kind} ${Math.round(f.rate * 1000) / 10}%`;
    case 'delay': return `${t(f.from)}..${t(f.until)} delay ${f.src ?? '*'} -> ${f.dst ?? '*'} by ${t(f.by)}`;
  }
}
