/**
 * Shrinking a failing run to a small one that fails the same way (the same
 * invariant, or linearizability, or protocol error), in the manner of
 * QuickCheck and Hypothesis: try a simpler candidate, keep it if it still
 * fails, repeat until no step applies. The scenario seed stays fixed, so
 * every candidate is one deterministic run. The steps, in order:
 *
 * 1. fewer faults — all at once, then halves, then one by one (ddmin);
 * 2. fewer client operations of the base scenario, the same way;
 * 3. simpler faults — a crash triggered by a message becomes plain `at`
 *    lines at the times it happened; `crash leader` becomes the node it
 *    hit; a restart of every node becomes one node's; a partition isolates
 *    one node; rates, delays and drifts move toward nothing;
 * 4. earlier times — each fault and operation moves toward the one before
 *    it (halving the gap; then whole milliseconds);
 * 5. a shorter run — `run until` just after the failure.
 *
 * Every accepted step makes the counterexample smaller (sizeOf: fewer
 * faults, fewer operations, an earlier failure), so shrinking ends; a run
 * budget bounds it as well.
 */
import type { NodeId } from '../engine/protocol.js';
import type { Target } from '../engine/spec.js';
import { candidateSpec, runCandidate, sizeOf, smaller, type Candidate, type ExploreBase, type Finding } from './candidate.js';
import { faultTime, type Fault } from './faults.js';

export interface ShrinkOptions {
  /** The most candidate runs (default 2 000). */
  readonly maxRuns?: number;
  /** Called after each candidate run. */
  readonly onRun?: (runs: number) => void;
}

export interface ShrinkResult {
  readonly candidate: Candidate;
  readonly finding: Finding;
  /** Candidate runs tried. */
  readonly runs: number;
  /** Whether it stopped because nothing could be removed (false: the run budget ran out). */
  readonly complete: boolean;
}

const MS = 1000;

class Shrinker {
  runs = 0;
  best: Candidate;
  finding: Finding;
  size: readonly number[];

  constructor(private readonly base: ExploreBase, start: Candidate, finding: Finding, private readonly options: ShrinkOptions) {
    this.best = start;
    this.finding = finding;
    this.size = sizeOf(base, start, finding);
  }

  get exhausted(): boolean {
    return this.runs >= (this.options.maxRuns ?? 2000);
  }

  /** Runs a candidate; keeps it when it fails the same way and is no bigger. */
  try(c: Candidate): boolean {
    if (this.exhausted) return false;
    this.runs++;
    const r = runCandidate(this.base, c);
    this.options.onRun?.(this.runs);
    if (r.finding === null || r.finding.check !== this.finding.check) return false;
    const size = sizeOf(this.base, c, r.finding);
    if (smaller(this.size, size)) return false;
    this.best = c;
    this.finding = r.finding;
    this.size = size;
    return true;
  }

  /** ddmin over a list: remove chunks (all, halves, quarters …) while the rest still fails. */
  removeChunks<T>(items: readonly T[], make: (keep: readonly T[]) => Candidate): boolean {
    let current = [...items];
    let chunks = 1;
    let changed = false;
    while (current.length > 0 && !this.exhausted) {
      const size = Math.ceil(current.length / chunks);
      let removed = false;
      for (let start = 0; start < current.length; start += size) {
        const keep = [...current.slice(0, start), ...current.slice(start + size)];
        if (this.try(make(keep))) {
          current = keep;
          removed = true;
          changed = true;
          break;
        }
      }
      if (removed) {
        chunks = Math.max(1, chunks - 1);
        continue;
      }
      if (size === 1) break;
      chunks = Math.min(chunks * 2, current.length);
    }
    return changed;
  }

  fewerFaults(): boolean {
    return this.removeChunks(this.best.faults, (keep) => ({ ...this.best, faults: keep }));
  }

  fewerClientOps(): boolean {
    const clients = this.base.spec.actions.map((a, k) => ({ a, k })).filter((x) => x.a.action.kind === 'client' && !this.best.dropped.has(x.k)).map((x) => x.k);
    return this.removeChunks(clients, (keep) => {
      const dropped = new Set(this.best.dropped);
      for (const k of clients) if (!keep.includes(k)) dropped.add(k);
      return { ...this.best, dropped };
    });
  }

  /** Replace fault i by each of the simpler versions in turn; true when one was kept. */
  simplifyFaults(): boolean {
    let changed = false;
    for (let i = 0; i < this.best.faults.length && !this.exhausted; i++) {
      for (const simpler of this.simpler(this.best.faults[i]!, i)) {
        const faults = [...this.best.faults.slice(0, i), ...simpler, ...this.best.faults.slice(i + 1)];
        if (this.try({ ...this.best, faults })) {
          changed = true;
          break;
        }
      }
    }
    return changed;
  }

  /** Simpler replacements for a fault (each a list: a triggered crash becomes two timed lines). */
  private simpler(f: Fault, i: number): Fault[][] {
    const out: Fault[][] = [];
    const nodes = (t: Target): NodeId[] => (t.kind === 'nodes' ? [...t.nodes] : []);
    switch (f.kind) {
      case 'crash-on': {
        const timed = this.observedCrash(f, i);
        if (timed) out.push(timed);
        if (f.restartAfter !== undefined && f.restartAfter > MS) out.push([{ ...f, restartAfter: Math.round(f.restartAfter / 2) }]);
        if (f.delay > 0) out.push([{ ...f, delay: 0 }]);
        break;
      }
      case 'crash': case 'pause': case 'restart': case 'resume': {
        if (f.target.kind === 'query') for (const n of this.hitBy(f)) out.push([{ ...f, target: { kind: 'nodes', nodes: [n] } }]);
        const ns = nodes(f.target);
        if (ns.length > 1) for (const n of ns) out.push([{ ...f, target: { kind: 'nodes', nodes: [n] } }]);
        break;
      }
      case 'partition': {
        const all = f.groups.flat();
        if (f.groups.length > 2 || f.groups.every((g) => g.length > 1)) for (const n of all) out.push([{ ...f, groups: [[n], all.filter((x) => x !== n)] }]);
        break;
      }
      case 'loss': case 'duplicate':
        if (f.rate > 0.01) out.push([{ ...f, rate: Math.max(0.01, Math.round(f.rate * 50) / 100) }]);
        break;
      case 'delay':
        if (f.by > MS) out.push([{ ...f, by: Math.max(MS, Math.round(f.by / 2 / MS) * MS) }]);
        if (f.until - f.from > MS) out.push([{ ...f, until: f.from + Math.max(MS, Math.round((f.until - f.from) / 2 / MS) * MS) }]);
        if (f.src !== undefined || f.dst !== undefined) out.push([{ kind: 'delay', from: f.from, until: f.until, by: f.by }]);
        break;
      case 'drift': {
        const toward1 = Math.round(Math.sqrt(f.rate) * 100) / 100;
        if (toward1 !== f.rate && toward1 !== 1) out.push([{ ...f, rate: toward1 }]);
        break;
      }
      case 'cut': case 'heal':
        break;
    }
    return out;
  }

  /** The nodes a role-query fault hit in the current counterexample's run. */
  private hitBy(f: Extract<Fault, { kind: 'crash' | 'pause' | 'restart' | 'resume' }>): NodeId[] {
    const r = runCandidate(this.base, this.best, { stopAtViolation: true });
    const hits: NodeId[] = [];
    for (let i = 0; i < r.outcome.result.trace.length; i++) {
      const e = r.outcome.result.trace.event(i);
      if (e.t === f.at && e.kind === f.kind) hits.push(e.node);
      if (e.t > f.at) break;
    }
    return hits;
  }

  /** A triggered crash as the timed crash (and restart) it became in the current run, if it fired. */
  private observedCrash(f: Extract<Fault, { kind: 'crash-on' }>, _i: number): Fault[] | undefined {
    const r = runCandidate(this.base, this.best, { stopAtViolation: true });
    const trace = r.outcome.result.trace;
    for (let i = 0; i < trace.length; i++) {
      const e = trace.event(i);
      if (e.kind === 'crash' && e.node === f.node && e.t >= f.from) {
        const target: Target = { kind: 'nodes', nodes: [f.node] };
        const crash: Fault = { kind: 'crash', at: e.t, target };
        return f.restartAfter === undefined ? [crash] : [crash, { kind: 'restart', at: e.t + f.restartAfter, target }];
      }
    }
    return undefined;
  }

  /** Moves faults and client operations earlier, toward the item before each. */
  earlier(): boolean {
    let changed = false;
    for (let i = 0; i < this.best.faults.length && !this.exhausted; i++) {
      const f = this.best.faults[i]!;
      const t = faultTime(f);
      for (const to of earlierTimes(t)) {
        const moved = moveFault(f, to);
        if (moved !== undefined && this.try({ ...this.best, faults: this.best.faults.map((x, j) => (j === i ? moved : x)) })) {
          changed = true;
          break;
        }
      }
    }
    const spec = this.base.spec;
    for (let k = 0; k < spec.actions.length && !this.exhausted; k++) {
      if (spec.actions[k]!.action.kind !== 'client' || this.best.dropped.has(k) || spec.actions[k]!.every !== undefined) continue;
      const t = this.best.moved.get(k) ?? spec.actions[k]!.at;
      for (const to of earlierTimes(t)) {
        if (this.try({ ...this.best, moved: new Map(this.best.moved).set(k, to) })) {
          changed = true;
          break;
        }
      }
    }
    return changed;
  }

  /** Ends the run just after the failure. */
  shorter(): boolean {
    const end = candidateSpec(this.base, this.best).run.until;
    const until = Math.ceil((this.finding.time + MS) / MS) * MS;
    if (end !== undefined && until >= end) return false;
    return this.try({ ...this.best, until });
  }
}

/** Earlier times to try for something at `t`: 0, then halfway, then a millisecond or ten earlier, on whole milliseconds. */
function earlierTimes(t: number): number[] {
  const out = [0, Math.floor(t / 2 / MS) * MS, Math.floor(t * 0.9 / MS) * MS, t - 10 * MS, t - MS, Math.floor(t / MS) * MS];
  return [...new Set(out.filter((x) => x >= 0 && x < t))].sort((a, b) => a - b);
}

function moveFault(f: Fault, to: number): Fault | undefined {
  switch (f.kind) {
    case 'loss': case 'duplicate': return undefined;
    case 'delay': return { ...f, from: to, until: to + (f.until - f.from) };
    case 'crash-on': return { ...f, from: to };
    default: return { ...f, at: to };
  }
}

/** Shrinks `start` (which failed with `finding`) as far as the run budget allows. */
export function shrink(base: ExploreBase, start: Candidate, finding: Finding, options: ShrinkOptions = {}): ShrinkResult {
  const s = new Shrinker(base, start, finding, options);
  for (;;) {
    if (s.exhausted) return { candidate: s.best, finding: s.finding, runs: s.runs, complete: false };
    const changed = s.fewerFaults() || s.fewerClientOps() || s.simplifyFaults() || s.earlier() || s.shorter();
    if (!changed) return { candidate: s.best, finding: s.finding, runs: s.runs, complete: !s.exhausted };
  }
}
