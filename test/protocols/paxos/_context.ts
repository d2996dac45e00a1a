/**
 * A test Context for driving Paxos's handlers directly (etcd-io/raft's
 * paper tests style): it records every effect in order — with whether a
 * send waits for the node's writes — with a scripted clock and random
 * source, and helpers to build states and read what was sent.
 */
import type { ClientOp, Context, Json, NodeId, Params, SendOptions } from '../../../src/engine/protocol.js';
import { withDefaults } from '../../../src/engine/defaults.js';
import { paxosProtocol } from '../../../src/protocols/paxos/index.js';
import type { PaxosMessage } from '../../../src/protocols/paxos/messages.js';
import type { MultiState, PaxosState, SingleState } from '../../../src/protocols/paxos/state.js';

export const paxos = withDefaults(paxosProtocol);

export type Effect =
  | { kind: 'send'; to: NodeId; msg: PaxosMessage; waits: boolean }
  | { kind: 'setTimer'; name: string; after: number }
  | { kind: 'cancelTimer'; name: string }
  | { kind: 'persist'; durable: Json }
  | { kind: 'reply'; opId: string; ok: boolean; result?: Json }
  | { kind: 'note'; text: string }
  | { kind: 'metric'; name: string; value: number };

export class TestContext implements Context<PaxosMessage> {
  effects: Effect[] = [];
  now = 0;
  readonly nodeParams: Record<NodeId, Params>;
  constructor(readonly id: NodeId, readonly nodes: readonly NodeId[], readonly params: Params = {}, nodeParams: Record<NodeId, Params> = {}, private readonly rnd: () => number = () => 0) {
    this.nodeParams = nodeParams;
  }
  random(): number {
    return this.rnd();
  }
  randomInt(min: number, max: number): number {
    return Math.min(max, min + Math.floor(this.rnd() * (max - min + 1)));
  }
  send(to: NodeId, msg: PaxosMessage, options?: SendOptions): void { this.effects.push({ kind: 'send', to, msg, waits: options?.waitForWrites !== false }); }
  setTimer(name: string, after: number): void { this.effects.push({ kind: 'setTimer', name, after }); }
  cancelTimer(name: string): void { this.effects.push({ kind: 'cancelTimer', name }); }
  persist(durable: Json): void { this.effects.push({ kind: 'persist', durable }); }
  reply(opId: string, ok: boolean, result?: Json): void { this.effects.push({ kind: 'reply', opId, ok, result }); }
  note(text: string): void { this.effects.push({ kind: 'note', text }); }
  metric(name: string, value: number): void { this.effects.push({ kind: 'metric', name, value }); }

  /** Effects recorded so far, then cleared. */
  take(): Effect[] {
    const e = this.effects;
    this.effects = [];
    return e;
  }
}

export function sends(effects: Effect[], type?: PaxosMessage['type']): { to: NodeId; msg: PaxosMessage; waits: boolean }[] {
  return effects.flatMap((e) => (e.kind === 'send' && (!type || e.msg.type === type) ? [{ to: e.to, msg: e.msg, waits: e.waits }] : []));
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
  return new TestContext(id, SINGLE_NODES, { mode: 'single', ...params }, SINGLE_ROLES, rnd);
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
