/**
 * Raft's election timers, derived from the trace (which records when a timer
 * fires, not when it is armed). The rules are those of
 * src/protocols/raft/node.ts, §5.2 of the paper: a server re-arms its
 * election timer with a fresh random timeout in [min, max] when it
 * - starts (the first event) or restarts after a crash,
 * - times out and campaigns (its own election timer fires while not leader),
 * - grants a vote (it sends RequestVoteReply with voteGranted),
 * - accepts an AppendEntries of the current term (its AppendEntriesReply
 *   carries the same term as the request), or
 * - steps down from leader;
 * it has no election timer while it leads or while it is down.
 *
 * So at any step each server's timer is in one of three states: off (leader,
 * down), armed with a known deadline (the next firing comes before the next
 * re-arm: its time is in the trace), or armed with a deadline somewhere in
 * [armed + min, armed + max] (it will be re-armed before it fires — a
 * follower hearing heartbeats). Built once per trace, answered per step by
 * binary search.
 */
import type { TraceDocument, TraceEvent } from '../../src/trace/format.js';

export type TimerView =
  | { readonly state: 'off'; readonly why: 'leader' | 'down' | 'unknown' }
  | { readonly state: 'armed'; readonly since: number; readonly fires: number }
  | { readonly state: 'armed'; readonly since: number; readonly fires: undefined; readonly min: number; readonly max: number };

interface Mark { readonly i: number; readonly t: number; readonly what: 'arm' | 'off' | 'leader' | 'fire' }

export class ElectionTimers {
  private readonly marks = new Map<string, Mark[]>();
  readonly min: number;
  readonly max: number;

  constructor(doc: TraceDocument) {
    const range = doc.scenario.params['election_timeout'];
    const r = typeof range === 'object' && range !== null && !Array.isArray(range) ? range as { min?: unknown; max?: unknown } : {};
    this.min = typeof r.min === 'number' ? r.min : 150_000;
    this.max = typeof r.max === 'number' ? r.max : 300_000;
    const events = doc.events;
    const start = events[0]?.t ?? 0;
    const roles = new Map<string, string>();
    for (const n of doc.nodes) { this.marks.set(n.id, [{ i: -1, t: start, what: 'arm' }]); roles.set(n.id, n.role); }
    const push = (node: string, e: TraceEvent, what: Mark['what']): void => { this.marks.get(node)?.push({ i: e.i, t: e.t, what }); };
    const sentBody = (e: TraceEvent): Record<string, unknown> | undefined => (e.kind === 'send' && typeof e.msg.body === 'object' && e.msg.body !== null && !Array.isArray(e.msg.body) ? e.msg.body as Record<string, unknown> : undefined);
    const messages = new Map<number, { type: string; term: unknown }>();
    for (const e of events) {
      switch (e.kind) {
        case 'send': {
          const body = sentBody(e);
          messages.set(e.msg.id, { type: e.msg.type, term: body?.term });
          if (e.msg.type === 'RequestVoteReply' && body?.voteGranted === true) push(e.node, e, 'arm');
          if (e.msg.type === 'AppendEntriesReply' && e.cause !== null) {
            const cause = events[e.cause]!;
            const asked = cause.kind === 'deliver' ? messages.get(cause.msg) : undefined;
            if (asked?.type === 'AppendEntries' && asked.term === body?.term) push(e.node, cause, 'arm');
          }
          break;
        }
        case 'timer':
          if (e.name === 'election' && roles.get(e.node) !== 'leader') push(e.node, e, 'fire');
          break;
        case 'restart': roles.set(e.node, 'follower'); push(e.node, e, 'arm'); break;
        case 'crash': push(e.node, e, 'off'); break;
        case 'state':
          if (e.role !== undefined) {
            const was = roles.get(e.node);
            roles.set(e.node, e.role);
            if (e.role === 'leader') push(e.node, e, 'leader');
            else if (was === 'leader') push(e.node, e, 'arm');
          }
          break;
        default: break;
      }
    }
    // A firing re-arms (the node campaigns); keep marks in event order (a reply's re-arm is at its delivery).
    for (const list of this.marks.values()) list.sort((a, b) => a.i - b.i);
  }

  /** The timer of `node` just after event `index`. */
  at(node: string, index: number): TimerView {
    const list = this.marks.get(node);
    if (!list) return { state: 'off', why: 'unknown' };
    let lo = 0, hi = list.length;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (list[mid]!.i <= index) lo = mid + 1; else hi = mid; }
    const last = list[lo - 1];
    if (!last) return { state: 'off', why: 'unknown' };
    if (last.what === 'off') return { state: 'off', why: 'down' };
    if (last.what === 'leader') return { state: 'off', why: 'leader' };
    const next = list[lo];
    if (next && next.what === 'fire') return { state: 'armed', since: last.t, fires: next.t };
    return { state: 'armed', since: last.t, fires: undefined, min: last.t + this.min, max: last.t + this.max };
  }
}

const cache = new WeakMap<TraceDocument, ElectionTimers>();
export function electionTimers(doc: TraceDocument): ElectionTimers {
  let t = cache.get(doc);
  if (!t) cache.set(doc, (t = new ElectionTimers(doc)));
  return t;
}
