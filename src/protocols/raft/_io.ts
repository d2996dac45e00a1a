/**
 * A buffer in front of the simulator's context. Raft must make its term,
 * vote and log durable before it answers anything that depends on them
 * (Figure 2: "Updated on stable storage before responding to RPCs"), but a
 * handler only knows whether they changed once it has computed the next
 * state. So handlers write their effects here, and `flush` persists first
 * (when the durable part changed) and then replays the effects in order; the
 * simulator holds those sends until the write is durable.
 *
 * Handlers run for nearly every simulated event, so one `Io` serves all the
 * calls made with one context (`ioFor` keeps it in a WeakMap and empties it
 * first, so a call that threw leaves nothing behind): the peer list is
 * computed once, and effects go into flat parallel arrays, not an object each.
 */
import type { Context, Json, NodeId } from '../../engine/protocol.js';
import type { RaftParams } from './params.js';
import type { Durable, RaftMessage, RaftState } from './types.js';

/** Effect kinds; effect i's kind is `kinds[i]`, its arguments `a[i]`, `b[i]`, `c[i]`. */
const E = { send: 0, set: 1, cancel: 2, reply: 3, note: 4, metric: 5 } as const;
type E = (typeof E)[keyof typeof E];

export class Io {
  /** Effects buffered: slots 0..n-1 (the arrays keep their length between calls; truncating them costs more). */
  private n = 0;
  private readonly kinds: E[] = [];
  private readonly a: unknown[] = [];
  private readonly b: unknown[] = [];
  private readonly c: unknown[] = [];
  private nodes: readonly NodeId[] = [];
  private peerList: readonly NodeId[] = [];

  constructor(readonly ctx: Context<RaftMessage>, public p: RaftParams) {}

  get id(): NodeId {
    return this.ctx.id;
  }
  get now(): number {
    return this.ctx.now;
  }
  /** Every other node, in the cluster's order (shared: do not modify). */
  get peers(): readonly NodeId[] {
    if (this.nodes !== this.ctx.nodes) {
      this.nodes = this.ctx.nodes;
      this.peerList = this.nodes.filter((n) => n !== this.ctx.id);
    }
    return this.peerList;
  }
  /** Votes (or acknowledgements) needed for a majority of the whole cluster. */
  get quorum(): number {
    return Math.floor(this.ctx.nodes.length / 2) + 1;
  }

  private push(k: E, a: unknown, b: unknown, c: unknown): void {
    const i = this.n++;
    this.kinds[i] = k;
    this.a[i] = a;
    this.b[i] = b;
    this.c[i] = c;
  }
  send(to: NodeId, msg: RaftMessage): void {
    this.push(E.send, to, msg, undefined);
  }
  setTimer(name: string, after: number): void {
    this.push(E.set, name, after, undefined);
  }
  cancelTimer(name: string): void {
    this.push(E.cancel, name, undefined, undefined);
  }
  reply(id: string, ok: boolean, result: Json): void {
    this.push(E.reply, id, ok, result);
  }
  note(text: string): void {
    this.push(E.note, text, undefined, undefined);
  }
  metric(name: string, value: number): void {
    this.push(E.metric, name, value, undefined);
  }
  /** Drops effects left by a handler call that threw. */
  clear(): void {
    this.n = 0;
  }
  /** §5.2: a fresh randomized election timeout, from this node's seeded stream. */
  resetElectionTimer(): void {
    const { min, max } = this.p.electionTimeout;
    this.setTimer('election', this.ctx.randomInt(min, max));
  }

  /** Persist when the durable part changed, then apply the buffered effects in order. */
  flush(prev: RaftState, next: RaftState): RaftState {
    if (durableChanged(prev, next, this.p.bugForgetVote)) {
      this.ctx.persist(toDurable(next, this.p.bugForgetVote) as unknown as Json);
    }
    const { ctx, kinds, a, b, c, n } = this;
    for (let i = 0; i < n; i++) {
      switch (kinds[i]!) {
        case E.send: ctx.send(a[i] as NodeId, b[i] as RaftMessage); break;
        case E.set: ctx.setTimer(a[i] as string, b[i] as number); break;
        case E.cancel: ctx.cancelTimer(a[i] as string); break;
        case E.reply: ctx.reply(a[i] as string, b[i] as boolean, c[i] as Json); break;
        case E.note: ctx.note(a[i] as string); break;
        case E.metric: ctx.metric(a[i] as string, b[i] as number); break;
      }
    }
    this.clear();
    return next;
  }
}

const ios = new WeakMap<Context<RaftMessage>, Io>();

/** The node's `Io`, emptied, with the parameters read from `params` (readParams caches by object). */
export function ioFor(ctx: Context<RaftMessage>, p: RaftParams): Io {
  let o = ios.get(ctx);
  if (o === undefined) {
    o = new Io(ctx, p);
    ios.set(ctx, o);
  } else {
    o.p = p;
    o.clear();
  }
  return o;
}

function durableChanged(a: RaftState, b: RaftState, forgetVote: boolean): boolean {
  return a.currentTerm !== b.currentTerm || a.log !== b.log || (!forgetVote && a.votedFor !== b.votedFor);
}

/** The durable record; with `bug_forget_vote` the vote is (wrongly) never written. */
export function toDurable(s: RaftState, forgetVote: boolean): Durable {
  return { currentTerm: s.currentTerm, votedFor: forgetVote ? null : s.votedFor, log: s.log };
}
