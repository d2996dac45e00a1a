/**
 * Paxos's handlers behind one entry point per input, dispatching on the
 * mode the cluster runs (`mode single`: single.ts, Lamport's single-decree
 * protocol; `mode multi`: multi.ts, Multi-Paxos with a key-value store). A
 * node's state carries its mode, so a state always reaches the handlers
 * written for it.
 */
import type { ClientOp, Context, Json, NodeId } from '../../engine/protocol.js';
import type { MultiMessage, PaxosMessage, SingleMessage } from './messages.js';
import * as multi from './multi.js';
import { readParams } from './params.js';
import * as single from './single.js';
import type { PaxosState } from './state.js';

type Ctx = Context<PaxosMessage>;

export function init(ctx: Ctx): PaxosState {
  return readParams(ctx.params).mode === 'multi' ? multi.init(ctx as Context<MultiMessage>) : single.init(ctx as Context<SingleMessage>);
}

export function restart(durable: Json | undefined, ctx: Ctx): PaxosState {
  return readParams(ctx.params).mode === 'multi'
    ? multi.restart(durable, ctx as Context<MultiMessage>)
    : single.restart(durable, ctx as Context<SingleMessage>);
}

export function message(s: PaxosState, from: NodeId, msg: PaxosMessage, ctx: Ctx): PaxosState {
  return s.mode === 'multi'
    ? multi.message(s, from, msg as MultiMessage, ctx as Context<MultiMessage>)
    : single.message(s, from, msg as SingleMessage, ctx as Context<SingleMessage>);
}

export function timer(s: PaxosState, name: string, ctx: Ctx): PaxosState {
  return s.mode === 'multi' ? multi.timer(s, name, ctx as Context<MultiMessage>) : single.timer(s, name, ctx as Context<SingleMessage>);
}

export function client(s: PaxosState, op: ClientOp, ctx: Ctx): PaxosState {
  return s.mode === 'multi' ? multi.client(s, op, ctx as Context<MultiMessage>) : single.client(s, op, ctx as Context<SingleMessage>);
}

/**
 * The lane label: in Multi-Paxos the node's leader role; in single-decree
 * a busy proposer's phase (so the diagram shows who is preparing and who is
 * asking for accepts), else the roles it plays.
 */
export function role(s: PaxosState): string {
  if (s.roles.length === 0) return 'idle';
  if (s.mode === 'multi') return s.role;
  if (s.phase !== 'idle' && s.roles.includes('proposer')) return `proposer: ${s.phase}`;
  return s.roles.join('+');
}
