/**
 * The space-time layout of a trace (Lamport's diagram, as ShiViz draws it):
 * the derived, read-only indexes the viewer and the SVG exporter draw from,
 * built once per trace in one pass over its events (one lane per node, one
 * arrow per message delivery or drop). Pure: no DOM, so src/trace/export
 * uses it as the webview does.
 * - `times`: event times, for binary search of the visible window;
 * - `arrows`: send → deliver (or → drop), sorted by send time, with the
 *   longest arrow's span so the visible ones are found by binary search too;
 * - `down`: intervals when a node is crashed or paused (lane greyed);
 * - `partitions`: intervals from `partition` to the next `heal`;
 * - `violations` and per-kind / per-node event lists for the jump commands.
 */
import type { TraceDocument, TraceEvent, TraceMessage } from './format.js';

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
  /** Index of the message's type in `TraceModel.types`. */
  readonly type: number;
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
  /** Arrow index by event index (send, deliver and drop events), -1 for other events. */
  readonly arrowOfEvent: Int32Array;
  readonly down: Interval[] = [];
  readonly partitions: PartitionSpan[] = [];
  readonly violations: number[] = [];
  readonly messages = new Map<number, { readonly msg: TraceMessage; readonly sendIndex: number }>();
  /** Message types in the order of their first send, with how many messages of each were sent. */
  readonly types: string[] = [];
  readonly typeCounts: number[] = [];
  private readonly typeIndex = new Map<string, number>();
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
    const firstEnd = new Int32Array(events.length).fill(-1);
    const moreEnds = new Map<number, number[]>();
    let open: { t0: number; index: number; groupOf: Int32Array; cut?: readonly [number, number] } | null = null;
    const closePartition = (t1: number): void => {
      if (open) this.partitions.push({ ...open, t1 });
      open = null;
    };
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      this.times[i] = e.t;
      switch (e.kind) {
        case 'send': {
          this.messages.set(e.msg.id, { msg: e.msg, sendIndex: i });
          const k = this.typeIndex.get(e.msg.type);
          if (k === undefined) { this.typeIndex.set(e.msg.type, this.types.length); this.types.push(e.msg.type); this.typeCounts.push(1); } else this.typeCounts[k]!++;
          break;
        }
        case 'deliver': case 'drop': {
          const sent = this.messages.get(e.msg);
          if (!sent) break;
          // Most messages end once; a duplicated one ends again (kept aside, in order).
          if (firstEnd[sent.sendIndex] === -1) firstEnd[sent.sendIndex] = i;
          else { const more = moreEnds.get(sent.sendIndex); if (more) more.push(i); else moreEnds.set(sent.sendIndex, [i]); }
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
    // Arrows in send order (= by send time, as event times never decrease), each message's ends in
    // event order: sorted by (t0, sendIndex, endIndex) without a sort. A message neither delivered
    // nor dropped is in flight at the end.
    this.arrowOfEvent = new Int32Array(events.length).fill(-1);
    let span = 0;
    const arrow = (sendIndex: number, endIndex: number): void => {
      const msg = (events[sendIndex] as Extract<TraceEvent, { kind: 'send' }>).msg;
      const end = endIndex >= 0 ? events[endIndex]! : undefined;
      const a: Arrow = {
        msg, sendIndex, endIndex, from: this.laneOf.get(msg.from) ?? 0, to: this.laneOf.get(msg.to) ?? 0,
        t0: events[sendIndex]!.t, t1: end ? end.t : this.end, dropped: end?.kind === 'drop', dup: end?.kind === 'deliver' && end.dup === true,
        type: this.typeIndex.get(msg.type)!,
      };
      const k = this.arrows.length;
      this.arrows.push(a);
      span = Math.max(span, a.t1 - a.t0);
      if (this.arrowOfEvent[sendIndex] === -1) this.arrowOfEvent[sendIndex] = k;
      if (endIndex >= 0) this.arrowOfEvent[endIndex] = k;
    };
    for (const { sendIndex } of this.messages.values()) {
      arrow(sendIndex, firstEnd[sendIndex]!);
      for (const more of moreEnds.get(sendIndex) ?? []) arrow(sendIndex, more);
    }
    this.maxArrowSpan = span;
  }

  get length(): number { return this.doc.events.length; }

  /** The index of a message type in `types` (-1: never sent in this trace). */
  typeOf(type: string): number { return this.typeIndex.get(type) ?? -1; }

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

/** A round step (1, 2 or 5 × 10^k) near `raw`, for time axis ticks. */
export function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}
