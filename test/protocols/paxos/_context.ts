/**
 * Driving Paxos's handlers directly (etcd-io/raft's paper tests style,
 * with the shared effect recorder of ../_effects.ts): contexts for the two
 * modes' usual clusters, initial states, and helpers to read what was sent.
 */
import type { ClientOp, Json, NodeId, Params } from '../../../src/engine/protocol.js';
import { RecordingContext, sentIn, type RecordedEffect } from '../_effects.js';
import { withDefaults } from '../../../src/engine/defaults.js';
import { paxosProtocol } from '../../../src/protocols/paxos/index.js';
import type { PaxosMessage } from '../../../src/protocols/paxos/messages.js';
import type { MultiState, PaxosState, SingleState } from '../../../src/protocols/paxos/state.js';

export const paxos = withDefaults(paxosProtocol);

export type Effect = RecordedEffect<PaxosMessage>;

export class TestContext extends RecordingContext<PaxosMessage> {}

export function sends(effects: Effect[], type?: PaxosMessage['type']): { to: NodeId; msg: PaxosMessage; waits: boolean }[] {
  return sentIn(effects, type);
}

/** The bodies of the messages of `type` in `effects` (typed loosely, for assertions). */
export function bodies(effects: Effect[], type: PaxosMessage['type']): any[] {
  return sends(effects, type).map((m) => m.msg.body);
}

/** The last durable record written. */
export function lastPersist(effects: Effect[]): any {
  const p = effects.filter((e) => e.kind === 'persist');
  return p.length === 0 ? undefined : (p[p.length - 1] as { durable: Json }).durable;
}

/**
 * Whether the handler's replies are durable-first ("Paxos Made Simple" §2.5: "an acceptor
 * records its intended response in stable storage before actually sending the response"):
 * it wrote, and every send of `type` waits for the write (the engine holds them until durable).
 */
export function durableBefore(effects: Effect[], type: PaxosMessage['type']): boolean {
  return effects.some((e) => e.kind === 'persist') && sends(effects, type).length > 0 && sends(effects, type).every((m) => m.waits);
}

/** Single-decree: proposers p1 p2, acceptors a1 a2 a3 (who are also learners). */
export const SINGLE_NODES = ['p1', 'p2', 'a1', 'a2', 'a3'];
export const SINGLE_ROLES: Record<NodeId, Params> = {
  p1: { acceptor: false, learner: false }, p2: { acceptor: false, learner: false },
  a1: { proposer: false }, a2: { proposer: false }, a3: { proposer: false },
};

export function singleCtx(id: NodeId, params: Params = {}, rnd?: () => number): TestContext {
  return new TestContext(id, SINGLE_NODES, { mode: 'single', ...params }, rnd, SINGLE_ROLES);
}

export function singleInit(id: NodeId, params: Params = {}): { s: SingleState; ctx: TestContext } {
  const ctx = singleCtx(id, params);
  const s = paxos.init(ctx) as SingleState;
  ctx.take();
  return { s, ctx };
}

/** Multi-Paxos: n1 … n5, every node in every role. */
export const MULTI_NODES = ['n1', 'n2', 'n3', 'n4', 'n5'];

export function multiCtx(id: NodeId, params: Params = {}, nodes: readonly NodeId[] = MULTI_NODES): TestContext {
  return new TestContext(id, nodes, { mode: 'multi', ...params });
}

export function multiInit(id: NodeId, params: Params = {}, nodes: readonly NodeId[] = MULTI_NODES): { s: MultiState; ctx: TestContext } {
  const ctx = multiCtx(id, params, nodes);
  const s = paxos.init(ctx) as MultiState;
  ctx.take();
  return { s, ctx };
}

export function client(s: PaxosState, ctx: TestContext, id: string, name: string, args: Record<string, Json>): PaxosState {
  const op: ClientOp = { id, name, args };
  return paxos.onClient(s, op, ctx);
}
