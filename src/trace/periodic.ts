/**
 * Periodic exchanges: the heartbeats that make a five-second Raft run a wall
 * of arrows. Found from the trace alone, for any protocol:
 *
 * - a timer is *recurring* when the same node's timer of the same name fires
 *   at least `MIN_ROUNDS` times (a heartbeat; not an election timeout, which
 *   is reset before it fires);
 * - a message is *periodic* when it was sent by a recurring timer's handler,
 *   or is a direct answer to one (sent on its delivery, back to its sender);
 * - a periodic message is *routine* when its body has the usual shape for its
 *   type among periodic messages (numbers, strings and non-empty lists are
 *   compared by kind only): an empty AppendEntries is routine, one carrying
 *   entries is not; a successful reply is, a rejection is not.
 *
 * Routine messages are what "hide periodic messages" hides. Their *rounds*
 * (one timer firing, its sends and their answers) group into *bands*: runs of
 * at least `MIN_ROUNDS` consecutive rounds of one timer, ended by a gap of
 * more than `GAP_FACTOR` periods. A diagram draws a band as one shape while
 * its rounds are too close together to tell apart, and the arrows once zoomed
 * in far enough.
 */
import type { Json } from '../engine/protocol.js';
import type { TraceEvent } from './format.js';
import type { TraceModel } from './spacetime.js';

export const MIN_ROUNDS = 3;
const GAP_FACTOR = 2.5;

export interface PeriodicBand {
  /** Lane of the node whose timer drives the band. */
  readonly lane: number;
  readonly timer: string;
  /** Message type indices (TraceModel.types) of the band's arrows. */
  readonly types: readonly number[];
  readonly t0: number;
  readonly t1: number;
  /** Lowest and highest lane any of its arrows touches, and those lanes, ascending. */
  readonly laneMin: number;
  readonly laneMax: number;
  readonly lanes: readonly number[];
  readonly rounds: number;
  /** Median time between rounds, µs. */
  readonly period: number;
  /** Arrow indices, ascending. */
  readonly arrows: readonly number[];
}

export interface Periodic {
  /** Per arrow: 1 when it is routine (see above). */
  readonly routine: Uint8Array;
  /** Per arrow: the band it belongs to, or -1. */
  readonly bandOf: Int32Array;
  readonly bands: readonly PeriodicBand[];
  /** Routine arrows in all. */
  readonly count: number;
  /**
   * Per event: 1 when it belongs to a routine exchange — the send, delivery or
   * drop of a routine message, the firing of a timer that started a round of
   * one, or a state change caused by one of those.
   */
  readonly eventRoutine: Uint8Array;
  /** Per event: the band it belongs to, or -1. */
  readonly eventBand: Int32Array;
}

/** A body's shape: its structure with values replaced by their kind. */
export function bodyShape(v: Json | undefined, depth = 0): string {
  if (v === undefined) return 'u';
  if (v === null) return 'n';
  switch (typeof v) {
    case 'number': return '#';
    case 'string': return 's';
    case 'boolean': return v ? 'T' : 'F';
    default: break;
  }
  if (Array.isArray(v)) return v.length === 0 ? '[]' : '[+]';
  if (depth >= 3) return '{}';
  let out = '{';
  for (const k in v) out += `${k}:${bodyShape((v as Record<string, Json>)[k], depth + 1)},`;
  return `${out}}`;
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function findPeriodic(model: TraceModel): Periodic {
  const events = model.doc.events;
  const arrows = model.arrows;
  const routine = new Uint8Array(arrows.length);
  const bandOf = new Int32Array(arrows.length).fill(-1);
  // Recurring timers: (lane, name) fired at least MIN_ROUNDS times.
  const firings = new Map<string, number>();
  const timerKey = (e: Extract<TraceEvent, { kind: 'timer' }>): string => `${e.node}\u0000${e.name}`;
  for (const e of events) if (e.kind === 'timer') firings.set(timerKey(e), (firings.get(timerKey(e)) ?? 0) + 1);
  let anyRecurring = false;
  for (const n of firings.values()) if (n >= MIN_ROUNDS) anyRecurring = true;
  const eventRoutine = new Uint8Array(events.length);
  const eventBand = new Int32Array(events.length).fill(-1);
  if (!anyRecurring) return { routine, bandOf, bands: [], count: 0, eventRoutine, eventBand };

  // Periodic messages, each with its round (the timer event that started it).
  const roundOf = new Map<number, number>();
  const shapes = new Map<number, string>();
  const shapeCounts = new Map<string, Map<string, number>>();
  for (const e of events) {
    if (e.kind !== 'send' || e.cause === null) continue;
    const c = events[e.cause]!;
    let round = -1;
    if (c.kind === 'timer' && (firings.get(timerKey(c)) ?? 0) >= MIN_ROUNDS) round = c.i;
    else if (c.kind === 'deliver') {
      const asked = model.messages.get(c.msg)?.msg;
      const r = roundOf.get(c.msg);
      if (r !== undefined && asked && asked.from === e.msg.to) round = r;
    }
    if (round < 0) continue;
    roundOf.set(e.msg.id, round);
    const shape = bodyShape(e.msg.body);
    shapes.set(e.msg.id, shape);
    let counts = shapeCounts.get(e.msg.type);
    if (!counts) shapeCounts.set(e.msg.type, (counts = new Map()));
    counts.set(shape, (counts.get(shape) ?? 0) + 1);
  }
  const usual = new Map<string, string>();
  for (const [type, counts] of shapeCounts) {
    let best = '', n = -1;
    for (const [shape, c] of counts) if (c > n) { best = shape; n = c; }
    usual.set(type, best);
  }

  // Routine arrows, grouped by round, rounds grouped by timer.
  const byRound = new Map<number, number[]>();
  let count = 0;
  arrows.forEach((a, k) => {
    const round = roundOf.get(a.msg.id);
    if (round === undefined || shapes.get(a.msg.id) !== usual.get(a.msg.type)) return;
    routine[k] = 1;
    count++;
    let list = byRound.get(round);
    if (!list) byRound.set(round, (list = []));
    list.push(k);
  });
  const roundsByTimer = new Map<string, number[]>();
  for (const round of [...byRound.keys()].sort((a, b) => a - b)) {
    const e = events[round] as Extract<TraceEvent, { kind: 'timer' }>;
    const key = timerKey(e);
    let list = roundsByTimer.get(key);
    if (!list) roundsByTimer.set(key, (list = []));
    list.push(round);
  }

  const bands: PeriodicBand[] = [];
  for (const rounds of roundsByTimer.values()) {
    const gaps = rounds.slice(1).map((r, k) => events[r]!.t - events[rounds[k]!]!.t);
    const period = median(gaps);
    let start = 0;
    const close = (end: number): void => {
      if (end - start < MIN_ROUNDS) return;
      const first = events[rounds[start]!] as Extract<TraceEvent, { kind: 'timer' }>;
      const list: number[] = [];
      for (let r = start; r < end; r++) list.push(...byRound.get(rounds[r]!)!);
      list.sort((a, b) => a - b);
      let t1 = first.t, laneMin = Infinity, laneMax = -Infinity;
      const types = new Set<number>();
      const lanes = new Set<number>();
      for (const k of list) {
        const a = arrows[k]!;
        t1 = Math.max(t1, a.t1);
        laneMin = Math.min(laneMin, a.from, a.to);
        laneMax = Math.max(laneMax, a.from, a.to);
        types.add(a.type);
        lanes.add(a.from).add(a.to);
      }
      const index = bands.length;
      for (const k of list) bandOf[k] = index;
      bands.push({
        lane: model.laneOf.get(first.node) ?? 0, timer: first.name, types: [...types].sort((a, b) => a - b),
        t0: first.t, t1, laneMin, laneMax, lanes: [...lanes].sort((a, b) => a - b), rounds: end - start, period: median(gaps.slice(start, end - 1)) || period, arrows: list,
      });
    };
    for (let r = 1; r <= rounds.length; r++) {
      if (r === rounds.length || gaps[r - 1]! > period * GAP_FACTOR) { close(r); start = r; }
    }
  }
  bands.sort((a, b) => a.t0 - b.t0);
  // Keep bandOf consistent with the sorted order.
  bandOf.fill(-1);
  bands.forEach((b, index) => { for (const k of b.arrows) bandOf[k] = index; });
  // Events: the ends of routine arrows, the timer firings that started rounds, and what they caused in state.
  arrows.forEach((a, k) => {
    if (!routine[k]) return;
    const band = bandOf[k]!;
    for (const i of [a.sendIndex, a.endIndex]) {
      if (i < 0) continue;
      eventRoutine[i] = 1;
      if (band >= 0) eventBand[i] = band;
      const cause = events[i]!.cause;
      if (i === a.sendIndex && cause !== null && events[cause]!.kind === 'timer') { eventRoutine[cause] = 1; if (band >= 0) eventBand[cause] = band; }
    }
  });
  for (const e of events) {
    if (e.kind === 'state' && e.cause !== null && eventRoutine[e.cause]) { eventRoutine[e.i] = 1; eventBand[e.i] = eventBand[e.cause]!; }
  }
  return { routine, bandOf, bands, count, eventRoutine, eventBand };
}
