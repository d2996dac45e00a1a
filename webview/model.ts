/**
 * The derived, read-only indexes the viewer draws from, built once per trace
 * in one pass over its events (ShiViz-style space-time layout: one lane per
 * node, one arrow per message delivery or drop):
 * - `times`: event times, for binary search of the visible window;
 * - `arrows`: send → deliver (or → drop), sorted by send time, with the
 *   longest arrow's span so the visible ones are found by binary search too;
 * - `down`: intervals when a node is crashed or paused (lane greyed);
 * - `partitions`: intervals from `partition` to the next `heal`;
 * - `violations` and per-kind / per-node event lists for the jump commands.
 */
import type { TraceDocument, TraceEvent, TraceMessage } from '../src/trace/format.js';

export interface Arrow {
  readonly msg: TraceMessage;
  readonly sendIndex: number;
  /** The deliver or drop event, or -1 when the message was still in flight at the end. */
  readonly endIndex: number;
  readonly from: number;
  readonly to: number;
  readonly t0: number;
  readonly t1: number;
  readonly dropped: boolean;
  readonly dup: boolean;
}

export interface Interval {
  readonly lane: number;
  readonly t0: number;
  readonly t1: number;
  readonly kind: 'crash' | 'pause';
}

export interface PartitionSpan {
  readonly t0: number;
  readonly t1: number;
  readonly index: number;
  /** Lane → group number (-1: not listed). */
  readonly groupOf: Int32Array;
  readonly cut?: readonly [number, number];
}

export class TraceModel {
  readonly doc: TraceDocument;
  readonly nodes: readonly string[];
  readonly laneOf = new Map<string, number>();
  readonly times: Float64Array;
  readonly arrows: Arrow[] = [];
  /** Arrow index by event index (send, deliver and drop events). */
  readonly arrowOfEvent = new Map<number, number>();
  readonly down: Interval[] = [];
  readonly partitions: PartitionSpan[] = [];
  readonly violations: number[] = [];
  readonly messages = new Map<number, { readonly msg: TraceMessage; readonly sendIndex: number }>();
  readonly maxArrowSpan: number;
  readonly start: number;
  readonly end: number;

  constructor(doc: TraceDocument) {
    this.doc = doc;
    this.nodes = doc.nodes.map((n) => n.id);
    this.nodes.forEach((id, lane) => this.laneOf.set(id, lane));
    const events = doc.events;
    this.times = new Float64Array(events.length);
    const downSince = new Map<number, { t: number; kind: 'crash' | 'pause' }>();
    let open: { t0: number; index: number; groupOf: Int32Array; cut?: readonly [number, number] } | null = null;
    const closePartition = (t1: number): void => {
      if (open) this.partitions.push({ ...open, t1 });
      open = null;
    };
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      this.times[i] = e.t;
      switch (e.kind) {
        case 'send':
          this.messages.set(e.msg.id, { msg: e.msg, sendIndex: i });
          break;
        case 'deliver': case 'drop': {
          const sent = this.messages.get(e.msg);
          if (!sent) break;
          this.arrows.push({
            msg: sent.msg, sendIndex: sent.sendIndex, endIndex: i,
            from: this.laneOf.get(sent.msg.from) ?? 0, to: this.laneOf.get(sent.msg.to) ?? 0,
            t0: events[sent.sendIndex]!.t, t1: e.t, dropped: e.kind === 'drop', dup: e.kind === 'deliver' && e.dup === true,
          });
          break;
        }
        case 'crash': case 'pause': {
          const lane = this.laneOf.get(e.node)!;
          if (!downSince.has(lane)) downSince.set(lane, { t: e.t, kind: e.kind });
          break;
        }
        case 'restart': case 'resume': {
          const lane = this.laneOf.get(e.node)!;
          const since = downSince.get(lane);
          if (since) { this.down.push({ lane, t0: since.t, t1: e.t, kind: since.kind }); downSince.delete(lane); }
          break;
        }
        case 'partition': {
          closePartition(e.t);
          const groupOf = new Int32Array(this.nodes.length).fill(-1);
          (e.groups ?? []).forEach((g, k) => g.forEach((id) => { const l = this.laneOf.get(id); if (l !== undefined) groupOf[l] = k; }));
          const cut = e.cut ? [this.laneOf.get(e.cut[0]) ?? -1, this.laneOf.get(e.cut[1]) ?? -1] as const : undefined;
          open = { t0: e.t, index: i, groupOf, ...(cut ? { cut } : {}) };
          break;
        }
        case 'heal': closePartition(e.t); break;
        case 'violation': this.violations.push(i); break;
        default: break;
      }
    }
    this.start = events.length ? events[0]!.t : 0;
    this.end = Math.max(doc.end?.time ?? 0, events.length ? events[events.length - 1]!.t : 0, this.start + 1);
    closePartition(this.end);
    for (const [lane, since] of downSince) this.down.push({ lane, t0: since.t, t1: this.end, kind: since.kind });
    // Messages never delivered nor dropped: in flight at the end.
    const ended = new Set(this.arrows.map((a) => a.msg.id));
    for (const { msg, sendIndex } of this.messages.values()) {
      if (ended.has(msg.id)) continue;
      this.arrows.push({
        msg, sendIndex, endIndex: -1, from: this.laneOf.get(msg.from) ?? 0, to: this.laneOf.get(msg.to) ?? 0,
        t0: events[sendIndex]!.t, t1: this.end, dropped: false, dup: false,
      });
    }
    this.arrows.sort((a, b) => a.t0 - b.t0 || a.sendIndex - b.sendIndex || a.endIndex - b.endIndex);
    // Index by event after sorting.
    let span = 0;
    this.arrows.forEach((a, k) => {
      span = Math.max(span, a.t1 - a.t0);
      if (!this.arrowOfEvent.has(a.sendIndex)) this.arrowOfEvent.set(a.sendIndex, k);
      if (a.endIndex >= 0) this.arrowOfEvent.set(a.endIndex, k);
    });
    this.maxArrowSpan = span;
  }

  get length(): number { return this.doc.events.length; }

  event(i: number): TraceEvent | undefined { return this.doc.events[i]; }

  /** The first event index with time ≥ t. */
  lowerBound(t: number): number {
    let lo = 0, hi = this.times.length;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (this.times[mid]! < t) lo = mid + 1; else hi = mid; }
    return lo;
  }

  /** The last event index with time ≤ t (-1 if none). */
  lastAtOrBefore(t: number): number {
    let lo = 0, hi = this.times.length;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (this.times[mid]! <= t) lo = mid + 1; else hi = mid; }
    return lo - 1;
  }

  /** The first arrow index whose send time is ≥ t. */
  arrowLowerBound(t: number): number {
    let lo = 0, hi = this.arrows.length;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (this.arrows[mid]!.t0 < t) lo = mid + 1; else hi = mid; }
    return lo;
  }

  /** The lane an event is drawn on (-1: none, e.g. partition, heal, a node-less note). */
  laneOfEvent(e: TraceEvent): number {
    return 'node' in e && typeof e.node === 'string' ? this.laneOf.get(e.node) ?? -1 : -1;
  }

  /** Whether node `lane` is crashed or paused at time t. */
  isDown(lane: number, t: number): boolean {
    return this.down.some((d) => d.lane === lane && d.t0 <= t && t < d.t1);
  }

  /** Next (dir = 1) or previous (dir = -1) event after `from` matching `pred`, or -1. */
  find(from: number, dir: 1 | -1, pred: (e: TraceEvent) => boolean): number {
    const events = this.doc.events;
    for (let i = from + dir; i >= 0 && i < events.length; i += dir) if (pred(events[i]!)) return i;
    return -1;
  }
}

/** A one-line, plain-text description of an event. */
export function describeEvent(model: TraceModel, e: TraceEvent): string {
  const msgOf = (id: number): string => {
    const m = model.messages.get(id)?.msg;
    return m ? `${m.type} #${m.id} ${m.from}→${m.to}` : `message #${id}`;
  };
  switch (e.kind) {
    case 'send': return `${e.node} sends ${e.msg.type} #${e.msg.id} to ${e.msg.to}`;
    case 'deliver': return `${e.node} receives ${msgOf(e.msg)}${e.dup ? ' (duplicate)' : ''}`;
    case 'drop': return `dropped ${msgOf(e.msg)} (${e.reason})`;
    case 'timer': return `${e.node}: timer ${e.name} fires`;
    case 'client': return `client ${e.op.name} ${e.op.id} at ${e.node}`;
    case 'reply': return `${e.node} replies to ${e.op}: ${e.ok ? 'ok' : 'failed'}`;
    case 'crash': case 'restart': case 'pause': case 'resume': return `${e.node} ${e.kind}${e.kind.endsWith('e') ? 'd' : 'ed'}`;
    case 'partition': return e.cut ? `one-way cut ${e.cut[0]} ↛ ${e.cut[1]}` : `partition ${(e.groups ?? []).map((g) => `{${g.join(' ')}}`).join(' | ')}`;
    case 'heal': return 'network healed';
    case 'state': return `${e.node} state: ${e.changes.map((c) => c[0].join('.')).join(', ')}${e.role ? ` (becomes ${e.role})` : ''}`;
    case 'violation': return `VIOLATION ${e.invariant}: ${e.message}`;
    case 'note': return `${e.node ? `${e.node}: ` : ''}${e.text}`;
    case 'durable': return `${e.node}: write on disk`;
  }
}

/** µs as a short human string. */
export function formatTime(us: number): string {
  if (Math.abs(us) >= 1_000_000) return `${+(us / 1_000_000).toFixed(3)}s`;
  if (Math.abs(us) >= 1000) return `${+(us / 1000).toFixed(3)}ms`;
  return `${us}µs`;
}
