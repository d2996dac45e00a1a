/**
 * A buffer in front of the simulator's context. Raft must make its term,
 * vote and log durable before it answers anything that depends on them
 * (Figure 2: "Updated on stable storage before responding to RPCs"), but a
 * handler only knows whether they changed once it has computed the next
 * state. So handlers write their effects here, and `flush` persists first
 * (when the durable part changed) and then replays the effects in order; the
 * simulator holds those sends until the write is durable.
 */
import type { Context, Json, NodeId } from '../../engine/protocol.js';
import type { RaftParams } from './params.js';
import type { Durable, RaftMessage, RaftState } from './types.js';

type Effect =
  | { k: 'send'; to: NodeId; msg: RaftMessage }
  | { k: 'set'; name: string; after: number }
  | { k: 'cancel'; name: string }
  | { k: 'reply'; id: string; ok: boolean; result: Json }
  | { k: 'note'; text: string }
  | { k: 'metric'; name: string; value: number };

export class Io {
  private readonly effects: Effect[] = [];

  constructor(readonly ctx: Context<RaftMessage>, readonly p: RaftParams) {}

  get id(): NodeId {
    return this.ctx.id;
  }
  get now(): number {
    return this.ctx.now;
  }
  get peers(): NodeId[] {
    return this.ctx.nodes.filter((n) => n !== this.ctx.id);
  }
  /** Votes (or acknowledgements) needed for a majority of the whole cluster. */
  get quorum(): number {
    return Math.floor(this.ctx.nodes.length / 2) + 1;
  }

  send(to: NodeId, msg: RaftMessage): void {
    this.effects.push({ k: 'send', to, msg });
  }
  setTimer(name: string, after: number): void {
    this.effects.push({ k: 'set', name, after });
  }
  cancelTimer(name: string): void {
    this.effects.push({ k: 'cancel', name });
  }
  reply(id: string, ok: boolean, result: Json): void {
    this.effects.push({ k: 'reply', id, ok, result });
  }
  note(text: string): void {
    this.effects.push({ k: 'note', text });
  }
  metric(name: string, value: number): void {
    this.effects.push({ k: 'metric', name, value });
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
    for (const e of this.effects) {
      switch (e.k) {
        case 'send': this.ctx.send(e.to, e.msg); break;
        case 'set': this.ctx.setTimer(e.name, e.after); break;
        case 'cancel': this.ctx.cancelTimer(e.name); break;
        case 'reply': this.ctx.reply(e.id, e.ok, e.result); break;
        case 'note': this.ctx.note(e.text); break;
        case 'metric': this.ctx.metric(e.name, e.value); break;
        default: { const never: never = e; return never; }
      }
    }
    this.effects.length = 0;
    return next;
  }
}

function durableChanged(a: RaftState, b: RaftState, forgetVote: boolean): boolean {
  return a.currentTerm !== b.currentTerm || a.log !== b.log || (!forgetVote && a.votedFor !== b.votedFor);
}

/** The durable record; with `bug_forget_vote` the vote is (wrongly) never written. */
export function toDurable(s: RaftState, forgetVote: boolean): Durable {
  return { currentTerm: s.currentTerm, votedFor: forgetVote ? null : s.votedFor, log: s.log };
}
