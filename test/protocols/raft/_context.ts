/**
 * A test Context for driving Raft's handlers directly (etcd-io/raft style,
 * the shared recorder of ../_effects.ts) and helpers to read what a handler
 * sent and build worlds for the invariants.
 */
import type { ClientOp, NodeId, Params, World } from '../../../src/engine/protocol.js';
import { RecordingContext, sentIn, type RecordedEffect } from '../_effects.js';
import { withDefaults } from '../../../src/engine/defaults.js';
import { raftProtocol } from '../../../src/protocols/raft/index.js';
import type { RaftMessage } from '../../../src/protocols/raft/messages.js';
import type { RaftState } from '../../../src/protocols/raft/state.js';

const raft = withDefaults(raftProtocol);

export type Effect = RecordedEffect<RaftMessage>;

export class TestContext extends RecordingContext<RaftMessage> {}

export function sends(effects: Effect[], type?: RaftMessage['type']): { to: NodeId; msg: RaftMessage }[] {
  return sentIn(effects, type).map(({ to, msg }) => ({ to, msg }));
}

/**
 * Whether a handler's effects make its messages durable-first (Figure 2, "updated on stable storage before
 * responding to RPCs"): it persisted, and every send waits for the write (the simulator applies a handler's
 * writes before its sends and holds them until durable; test/engine/storage.test.ts shows the engine side).
 */
export function durableBeforeSends(effects: Effect[]): boolean {
  return effects.some((e) => e.kind === 'persist') && effects.every((e) => e.kind !== 'send' || e.waits);
}

/** The body of the first message of `type` in `effects` (typed loosely, for assertions). */
export function firstBody(effects: Effect[], type: RaftMessage['type']): any {
  const m = sends(effects, type)[0];
  if (!m) throw new Error(`no ${type} was sent`);
  return m.msg.body;
}

export function makeWorld(states: Record<NodeId, RaftState>, params: Params, now = 0, crashed: readonly NodeId[] = []): World<RaftState> {
  const nodes = Object.keys(states).map((id, index) => ({
    id, index, up: !crashed.includes(id), status: crashed.includes(id) ? ('crashed' as const) : ('up' as const),
    state: states[id]!, role: raft.role(states[id]!), durable: undefined,
  }));
  return { now, nodes, params, metrics: {}, node: (id) => nodes.find((n) => n.id === id) };
}

export type { ClientOp };
