/**
 * Driving the atomic-commit handlers directly (etcd-io/raft's paper-test
 * style): a context that records every effect in order — sends with whether
 * they wait for this call's writes, timers, persists, replies, notes — and
 * helpers to build states and read the effects.
 */
import type { ClientOp, Context, Json, NodeId, Params, SendOptions } from '../../../src/engine/protocol.js';
import { withDefaults } from '../../../src/engine/defaults.js';
import { commitProtocol } from '../../../src/protocols/commit/index.js';
import type { CommitMessage, CommitMessageType } from '../../../src/protocols/commit/messages.js';
import type { CommitState } from '../../../src/protocols/commit/state.js';

export const commit = withDefaults(commitProtocol);

export type Effect =
  | { kind: 'send'; to: NodeId; msg: CommitMessage; waits: boolean }
  | { kind: 'setTimer'; name: string; after: number }
  | { kind: 'cancelTimer'; name: string }
  | { kind: 'persist'; durable: Json }
  | { kind: 'reply'; opId: string; ok: boolean; result?: Json }
  | { kind: 'note'; text: string };

export class Ctx implements Context<CommitMessage> {
  effects: Effect[] = [];
  now = 0;
  readonly index: number;
  constructor(readonly id: NodeId, readonly nodes: readonly NodeId[], readonly params: Params = {}, readonly nodeParams: Record<NodeId, Params> = {}) {
    this.index = nodes.indexOf(id);
  }
  random(): number { return 0; }
  randomInt(min: number): number { return min; }
  send(to: NodeId, msg: CommitMessage, o?: SendOptions): void { this.effects.push({ kind: 'send', to, msg, waits: o?.waitForWrites !== false }); }
  setTimer(name: string, after: number): void { this.effects.push({ kind: 'setTimer', name, after }); }
  cancelTimer(name: string): void { this.effects.push({ kind: 'cancelTimer', name }); }
  persist(durable: Json): void { this.effects.push({ kind: 'persist', durable }); }
  reply(opId: string, ok: boolean, result?: Json): void { this.effects.push({ kind: 'reply', opId, ok, ...(result === undefined ? {} : { result }) }); }
  note(text: string): void { this.effects.push({ kind: 'note', text }); }
  metric(): void {}
  /** Effects so far, then cleared. */
  take(): Effect[] {
    const e = this.effects;
    this.effects = [];
    return e;
  }
}

export function sends(effects: Effect[], type?: CommitMessageType): { to: NodeId; msg: CommitMessage; waits: boolean }[] {
  return effects.flatMap((e) => (e.kind === 'send' && (type === undefined || e.msg.type === type) ? [e] : []));
}

/** The records of the last persisted log. */
export function logged(effects: Effect[]): { kind: string; tx: string }[] {
  const p = effects.filter((e) => e.kind === 'persist').pop();
  return p && p.kind === 'persist' ? (p.durable as unknown as { kind: string; tx: string }[]) : [];
}

/** The log records a call added (kinds, in order). */
export function newRecords(before: CommitState, after: CommitState): string[] {
  return after.wal.slice(before.wal.length).map((r) => r.kind);
}

export const NODES = ['tm', 'p1', 'p2', 'p3'];
export const PAXOS_NODES = [...NODES, 'acc1', 'acc2', 'acc3'];

export function op(name: string, args: Record<string, Json>, id = 'c1'): ClientOp {
  return { id, name, args };
}

/** Runs `begin t1 with p1 p2 p3 put x = 1` at tm and returns its state and effects. */
export function begun(params: Params = {}): { s: CommitState; effects: Effect[]; ctx: Ctx } {
  const nodes = params.commit_protocol === 'paxos_commit' ? PAXOS_NODES : NODES;
  const ctx = new Ctx('tm', nodes, params);
  const s = commit.onClient(commit.init(ctx), op('begin', { tx: 't1', parts: ['p1', 'p2', 'p3'], key: 'x', value: 1 }), ctx);
  return { s, effects: ctx.take(), ctx };
}

/** A participant that received the vote request for t1 from tm (and voted by its policy). */
export function prepared(id: string, params: Params = {}, nodeParams: Record<NodeId, Params> = {}): { s: CommitState; effects: Effect[]; ctx: Ctx } {
  const nodes = params.commit_protocol === 'paxos_commit' ? PAXOS_NODES : NODES;
  const ctx = new Ctx(id, nodes, params, nodeParams);
  const type = params.commit_protocol === 'threepc' ? 'CanCommit' : 'Prepare';
  const body = { tx: 't1', hops: 1, coord: 'tm', parts: ['p1', 'p2', 'p3'], key: 'x', value: 1, began: 0 };
  const s = commit.onMessage(commit.init(ctx), 'tm', { type, body } as CommitMessage, ctx);
  return { s, effects: ctx.take(), ctx };
}
