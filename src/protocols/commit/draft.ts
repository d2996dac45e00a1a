/**
 * One handler call's working copy of a node: the context and parameters, the
 * state the call started from, and a draft of the next state built
 * copy-on-write (the top-level object is copied once, each table it changes
 * once per change). Every send goes through `send` so the node counts its
 * messages; every log record through `log`, and `done` persists the log when
 * it grew — the simulator then holds this call's sends until the write is
 * durable (the engine's writes-first batch), which is what makes a vote or a
 * decision leave only once it is on disk.
 */
import type { Context, Json, NodeId, SendOptions } from '../../engine/protocol.js';
import { withKey } from '../_kit/records.js';
import type { BodyOf, CommitMessage, CommitMessageType } from './messages.js';
import { acceptorIds, readParams, votePolicy, type CommitParams, type VotePolicy } from './params.js';
import type { AccInstance, CommitState, CoordTx, Decision, LeadTx, PartTx, TxId, WalRecord } from './state.js';

export type Ctx = Context<CommitMessage>;

const acceptorLists = new WeakMap<object, readonly NodeId[]>();

export class Draft {
  s: CommitState;
  private copied = false;
  private grew = false;

  constructor(readonly ctx: Ctx, readonly p: CommitParams, readonly orig: CommitState) {
    this.s = orig;
  }

  static of(ctx: Ctx, s: CommitState): Draft {
    return new Draft(ctx, readParams(ctx.params), s);
  }

  get id(): NodeId {
    return this.ctx.id;
  }
  get now(): number {
    return this.ctx.now;
  }
  /** This node's vote policy (`node p2 { vote no }`). */
  get policy(): VotePolicy {
    return votePolicy(this.ctx.nodeParams[this.ctx.id]);
  }
  /** Paxos Commit's acceptors (empty for 2PC and 3PC). */
  get acceptors(): readonly NodeId[] {
    let list = acceptorLists.get(this.ctx.params);
    if (list === undefined) {
      list = acceptorIds(this.ctx.params);
      acceptorLists.set(this.ctx.params, list);
    }
    return list;
  }
  /** A majority of the acceptors: f + 1. */
  get majority(): number {
    return this.p.f + 1;
  }
  private own(): CommitState {
    if (!this.copied) {
      this.s = { ...this.s };
      this.copied = true;
    }
    return this.s;
  }

  tx(id: TxId): PartTx | undefined {
    return Object.hasOwn(this.s.txs, id) ? this.s.txs[id] : undefined;
  }
  setTx(id: TxId, t: PartTx): void {
    const s = this.own();
    s.txs = withKey(s.txs, id, t);
  }
  coordTx(id: TxId): CoordTx | undefined {
    return Object.hasOwn(this.s.coord, id) ? this.s.coord[id] : undefined;
  }
  setCoord(id: TxId, c: CoordTx): void {
    const s = this.own();
    s.coord = withKey(s.coord, id, c);
  }
  lead(id: TxId): LeadTx | undefined {
    return Object.hasOwn(this.s.leads, id) ? this.s.leads[id] : undefined;
  }
  setLead(id: TxId, l: LeadTx): void {
    const s = this.own();
    s.leads = withKey(s.leads, id, l);
  }
  accInstance(key: string): AccInstance | undefined {
    return Object.hasOwn(this.s.acc, key) ? this.s.acc[key] : undefined;
  }
  setAcc(key: string, a: AccInstance): void {
    const s = this.own();
    s.acc = withKey(s.acc, key, a);
  }

  /** The transaction holding `key`'s lock, if any. */
  lockHolder(key: string): TxId | undefined {
    return Object.hasOwn(this.s.locks, key) ? this.s.locks[key] : undefined;
  }
  lock(key: string, tx: TxId): void {
    const s = this.own();
    s.locks = withKey(s.locks, key, tx);
  }
  unlock(key: string, tx: TxId): void {
    if (this.lockHolder(key) !== tx) return;
    const s = this.own();
    const next: Record<string, TxId> = {};
    for (const k in s.locks) if (k !== key) next[k] = s.locks[k]!;
    s.locks = next;
  }
  write(key: string, value: Json): void {
    const s = this.own();
    s.kv = withKey(s.kv, key, value);
  }

  /** Appends a record to the write-ahead log; `done` persists the log. */
  log(rec: WalRecord): void {
    const s = this.own();
    s.wal = [...s.wal, rec];
    this.grew = true;
  }

  send<T extends CommitMessageType>(to: NodeId, type: T, body: BodyOf<T>, options?: SendOptions): void {
    this.ctx.send(to, { type, body } as CommitMessage, options);
    const s = this.own();
    s.sent = s.sent + 1;
  }
  /** The message that carries an outcome: 3PC says DoCommit. */
  outcomeType(d: Decision): 'Commit' | 'DoCommit' | 'Abort' {
    if (d === 'ABORTED') return 'Abort';
    return this.p.protocol === 'threepc' ? 'DoCommit' : 'Commit';
  }

  note(text: string): void {
    this.ctx.note(text);
  }

  /** The next state: persists the log when it grew (this call's sends wait for the write unless they said otherwise). */
  done(): CommitState {
    if (this.grew) this.ctx.persist(this.s.wal as unknown as Json);
    return this.s;
  }
}

/** The timer names: one per transaction and part a node plays in it. */
export const timerName = {
  coordinator: (tx: TxId) => `coord:${tx}`,
  participant: (tx: TxId) => `part:${tx}`,
  leader: (tx: TxId) => `lead:${tx}`,
};

export function parseTimer(name: string): { kind: 'coordinator' | 'participant' | 'leader'; tx: TxId } | undefined {
  const k = name.indexOf(':');
  if (k < 0) return undefined;
  const head = name.slice(0, k);
  const tx = name.slice(k + 1);
  if (head === 'coord') return { kind: 'coordinator', tx };
  if (head === 'part') return { kind: 'participant', tx };
  if (head === 'lead') return { kind: 'leader', tx };
  return undefined;
}
