/**
 * The network model: per-link delay and misbehaviour, partitions and cuts.
 *
 * Every directed link (from, to) resolves once to its effective settings:
 * the network's defaults overlaid with a matching `link A -> B { … }`. A send
 * draws, in a fixed order from the "network" stream, whether the message is
 * lost, its latency (fixed, uniform, normal clamped at 0, or log-normal:
 * median · e^(σ·Z)), whether it is reordered (an extra uniform delay up to
 * `reorderWindow`, letting later messages overtake it) and whether it is
 * duplicated (the copy draws its own latency). Latencies are integer µs.
 *
 * Reachability: a partition is a set of groups; two nodes can talk only if
 * they are in the same group, and a node in no group is cut off from every
 * other node. One-way cuts block a single direction. `heal` clears both.
 * The simulator asks `reachable` both at send time and at delivery time, so
 * a partition that begins while a message is in flight loses it.
 *
 * Memory grows with the number of nodes, never with its square: links that
 * a scenario overrides and cut directions are kept by (from, to) key; every
 * other link is the network's default.
 */
import type { Distribution, LinkSpec, NetworkSpec } from './spec.js';
import type { Rng } from './rng.js';

interface Link {
  readonly latency: Distribution;
  readonly loss: number;
  readonly duplicate: number;
  readonly reorder: number;
}

/* How a link's latency is drawn on the hot path (see `compile`). */
const L_FIXED = 0;
const L_UNIFORM = 1;
const L_OTHER = 2;

/**
 * A link's settings, resolved once, with its latency pre-digested: a fixed
 * latency is a constant and a uniform one an integer range, so a send skips
 * the distribution switch and the bound checks of `Rng#int`. The draws and
 * results are exactly those of `sampleDelay`.
 */
interface CompiledLink {
  readonly link: Link;
  readonly loss: number;
  readonly duplicate: number;
  readonly reorder: number;
  readonly mode: number;
  /** L_FIXED: the latency; L_UNIFORM: the lower bound. */
  readonly lo: number;
  /** L_UNIFORM: the number of integers in the range. */
  readonly span: number;
}

function compile(link: Link): CompiledLink {
  const d = link.latency;
  const { loss, duplicate, reorder } = link;
  if (d.kind === 'fixed') return { link, loss, duplicate, reorder, mode: L_FIXED, lo: Math.max(0, Math.round(d.value)), span: 0 };
  if (d.kind === 'uniform' && Number.isFinite(d.min) && Number.isFinite(d.max)) {
    // Rng#int(round(min), round(max)) on already-integer bounds.
    const a = Math.round(d.min);
    const b = Math.round(d.max);
    const lo = Math.min(a, b);
    return { link, loss, duplicate, reorder, mode: L_UNIFORM, lo, span: Math.max(a, b) - lo + 1 };
  }
  return { link, loss, duplicate, reorder, mode: L_OTHER, lo: 0, span: 0 };
}

/** Draws one value (integer µs, ≥ 0) from a delay distribution. */
export function sampleDelay(d: Distribution, rng: Rng): number {
  switch (d.kind) {
    case 'fixed':
      return Math.max(0, Math.round(d.value));
    case 'uniform':
      return Math.max(0, rng.int(Math.round(d.min), Math.round(d.max)));
    case 'normal':
      return Math.max(0, Math.round(rng.normal(d.mean, d.stddev)));
    case 'lognormal':
      return Math.max(0, Math.round(d.median * Math.exp(d.sigma * rng.normal(0, 1))));
    default: {
      const never: never = d;
      throw new TypeError(`sampleDelay: unknown distribution ${JSON.stringify(never)}`);
    }
  }
}

export class Network {
  private readonly n: number;
  /** Every link not overridden. */
  private readonly base: CompiledLink;
  /** Links a `link A -> B { … }` overrides, by from * n + to; null when there are none. */
  private readonly overrides: Map<number, CompiledLink> | null;
  private readonly reorderWindow: number;
  /** Group of each node while a partition is active (-1: in no group); null: no partition. */
  private group: Int32Array | null = null;
  /** Cut directions, by from * n + to. */
  private readonly cut = new Set<number>();
  /** Some link may lose / duplicate messages (else `lost` and `duplicated` need not be asked). */
  readonly lossy: boolean;
  readonly duplicating: boolean;

  constructor(spec: NetworkSpec, nodes: readonly string[], private readonly rng: Rng) {
    this.n = nodes.length;
    this.reorderWindow = Math.max(0, spec.reorderWindow);
    const index = new Map(nodes.map((id, i) => [id, i]));
    this.base = compile({ latency: spec.latency, loss: spec.loss, duplicate: spec.duplicate, reorder: spec.reorder });
    const overrides = new Map<number, CompiledLink>();
    for (const link of spec.links) {
      const from = index.get(link.from);
      const to = index.get(link.to);
      if (from === undefined || to === undefined) continue;
      const key = from * this.n + to;
      overrides.set(key, compile(overlay((overrides.get(key) ?? this.base).link, link.spec)));
    }
    this.overrides = overrides.size > 0 ? overrides : null;
    const all = [this.base, ...overrides.values()];
    this.lossy = all.some((l) => l.loss > 0);
    this.duplicating = all.some((l) => l.duplicate > 0);
  }

  private link(from: number, to: number): CompiledLink {
    return this.overrides === null ? this.base : this.overrides.get(from * this.n + to) ?? this.base;
  }

  /** Can a message from `from` reach `to` right now (partitions and cuts only)? */
  reachable(from: number, to: number): boolean {
    if (this.cut.size > 0 && this.cut.has(from * this.n + to)) return false;
    const g = this.group;
    if (g === null || from === to) return true;
    return g[from] >= 0 && g[from] === g[to];
  }

  /** Draws whether a message on this link is lost. */
  lost(from: number, to: number): boolean {
    const p = this.link(from, to).loss;
    return p > 0 && this.rng.next() < p;
  }

  /** Draws a message's transit time on this link, including any reordering delay. */
  latency(from: number, to: number): number {
    const c = this.link(from, to);
    let d: number;
    if (c.mode === L_UNIFORM) d = Math.max(0, c.lo + Math.floor(this.rng.next() * c.span));
    else if (c.mode === L_FIXED) d = c.lo;
    else d = sampleDelay(c.link.latency, this.rng);
    if (c.reorder > 0 && this.rng.next() < c.reorder) d += this.rng.int(0, this.reorderWindow);
    return d;
  }

  /** Draws whether the network delivers an extra copy of a message on this link. */
  duplicated(from: number, to: number): boolean {
    const p = this.link(from, to).duplicate;
    return p > 0 && this.rng.next() < p;
  }

  /** Starts a partition: nodes (by index) in the same group can talk; others are isolated. */
  partition(groups: readonly (readonly number[])[]): void {
    const g = new Int32Array(this.n).fill(-1);
    groups.forEach((members, k) => { for (const m of members) g[m] = k; });
    this.group = g;
  }

  /** Cuts one direction. */
  cutLink(from: number, to: number): void {
    this.cut.add(from * this.n + to);
  }

  /** Removes every partition and cut. */
  heal(): void {
    this.group = null;
    this.cut.clear();
  }
}

function overlay(base: Link, spec: LinkSpec): Link {
  return {
    latency: spec.latency ?? base.latency,
    loss: spec.loss ?? base.loss,
    duplicate: spec.duplicate ?? base.duplicate,
    reorder: spec.reorder ?? base.reorder,
  };
}
