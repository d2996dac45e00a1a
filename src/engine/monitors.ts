/**
 * Invariants checked after every step, with their per-run memory.
 *
 * A `Monitors` object belongs to one run: it creates each monitor's memory
 * (one per distinct `MonitorSpec` its invariants name) before the first
 * check, lets each monitor observe the nodes that changed once per step, and
 * then checks every invariant not yet violated. Tests use it directly to
 * check invariants over hand-built worlds the way the simulator does.
 */
import { errorText } from './conditions.js';
import type { NodeView, World } from './protocol.js';
import type { InvariantSpec, MonitorSpec } from './vocabulary.js';

export interface Violation {
  readonly invariant: string;
  readonly message: string;
}

export class Monitors<S = unknown> {
  private memories: Map<MonitorSpec<S>, unknown> | null = null;
  private readonly monitors: MonitorSpec<S>[] = [];
  /** Each invariant's memory, by position (resolved on the first check). */
  private readonly memoryOf: unknown[] = [];
  /** Names of the invariants violated so far: they are not checked again. */
  readonly violated = new Set<string>();

  constructor(readonly invariants: readonly InvariantSpec<S>[]) {
    for (const inv of invariants) if (inv.monitor !== undefined && !this.monitors.includes(inv.monitor)) this.monitors.push(inv.monitor);
  }

  /**
   * Checks every invariant not yet violated after a step; returns the new
   * violations in the invariants' order. `changed` lists the nodes that
   * changed since the previous call (every node on the first).
   */
  check(world: World<S>, changed: readonly NodeView<S>[]): Violation[] {
    if (this.memories === null) this.start(world);
    for (const m of this.monitors) {
      if (m.observe === undefined) continue;
      try {
        m.observe(this.memories!.get(m), world, changed);
      } catch {
        // A monitor that throws leaves its memory as it was; the invariants that read it report their own errors.
      }
    }
    let out: Violation[] | null = null;
    const invariants = this.invariants;
    for (let k = 0; k < invariants.length; k++) {
      const inv = invariants[k];
      if (this.violated.size > 0 && this.violated.has(inv.name)) continue;
      let problem: string | null;
      try {
        problem = inv.check(world, changed, this.memoryOf[k]);
      } catch (e) {
        problem = `the invariant's check threw: ${errorText(e)}`;
      }
      if (problem !== null && problem !== undefined) {
        this.violated.add(inv.name);
        (out ??= []).push({ invariant: inv.name, message: String(problem) });
      }
    }
    return out ?? NONE;
  }

  /**
   * A copy of these monitors for a run that branches here (the exhaustive
   * search explores every continuation of a state): each memory is copied
   * with `copy`, which the caller makes deep enough that observing one
   * branch leaves the other untouched; the violated set is copied too.
   */
  fork(copy: (memory: unknown) => unknown): Monitors<S> {
    const m = new Monitors<S>(this.invariants);
    if (this.memories !== null) {
      m.memories = new Map([...this.memories].map(([spec, memory]) => [spec, copy(memory)]));
      this.invariants.forEach((inv, k) => { m.memoryOf[k] = inv.monitor === undefined ? undefined : m.memories!.get(inv.monitor); });
    }
    for (const v of this.violated) m.violated.add(v);
    return m;
  }

  /** The metrics every monitor with a `metrics` reports at the end (a monitor that throws reports none). */
  metrics(world: World<S>): Record<string, number> {
    const out: Record<string, number> = {};
    if (this.memories === null) this.start(world);
    for (const m of this.monitors) {
      if (m.metrics === undefined) continue;
      try {
        Object.assign(out, m.metrics(this.memories!.get(m), world));
      } catch {
        // As in `check`: a broken monitor leaves its metrics out rather than ending the run.
      }
    }
    return out;
  }

  /** The memory of monitor `m` in this run (for tests and tools). */
  memory<M>(m: MonitorSpec<S, M>): M | undefined {
    return this.memories?.get(m) as M | undefined;
  }

  private start(world: World<S>): void {
    this.memories = new Map();
    for (const m of this.monitors) {
      let memory: unknown;
      try {
        memory = m.create(world);
      } catch {
        memory = undefined; // the invariants that read it report the error when they fail on it
      }
      this.memories.set(m, memory);
    }
    this.invariants.forEach((inv, k) => { this.memoryOf[k] = inv.monitor === undefined ? undefined : this.memories!.get(inv.monitor); });
  }
}

const NONE: Violation[] = [];
