/**
 * A test Context for driving Raft's handlers directly (etcd-io/raft style):
 * it records every effect in order, with a scripted clock and a scripted
 * random source, and a tiny cluster driver that delivers messages in a
 * deterministic shuffled order with drops, for property tests without the
 * simulator.
 */
import type { ClientOp, Context, Json, NodeId, Params, World, SendOptions } from '../../../src/engine/protocol.js';
import { withDefaults } from '../../../src/engine/defaults.js';
import { raftProtocol } from '../../../src/protocols/raft/index.js';
import type { RaftMessage } from '../../../src/protocols/raft/messages.js';
import type { RaftState } from '../../../src/protocols/raft/state.js';

const raft = withDefaults(raftProtocol);

export type Effect =
  /** `waits`: the send leaves only once the handler's writes are durable (the engine's default). */
  | { kind: 'send'; to: NodeId; msg: RaftMessage; waits: boolean }
  | { kind: 'setTimer'; name: string; after: number }
  | { kind: 'cancelTimer'; name: string }
  | { kind: 'persist'; durable: Json }
  | { kind: 'reply'; opId: string; ok: boolean; result?: Json }
  | { kind: 'note'; text: string }
  | { kind: 'metric'; name: string; value: number };

export class TestContext implements Context<RaftMessage> {
  effects: Effect[] = [];
  now = 0;
  /** randomInt returns min + this offset (clamped), so timeouts are predictable. */
  randomOffset = 0;
  constructor(readonly id: NodeId, readonly nodes: readonly NodeId[], readonly params: Params = {}, private readonly rnd: () => number = () => 0) {}
  get index(): number {
    return this.nodes.indexOf(this.id);
  }
  get nodeParams(): Record<NodeId, Params> {
    return {};
  }
  random(): number {
    return this.rnd();
  }
  randomInt(min: number, max: number): number {
    return Math.min(max, min + Math.floor(this.rnd() * (max - min + 1)) + this.randomOffset);
  }
  send(to: NodeId, msg: RaftMessage, options?: SendOptions): void { this.effects.push({ kind: 'send', to, msg, waits: options?.waitForWrites !== false }); }
  setTimer(name: string, after: number): void { this.effects.push({ kind: 'setTimer', name, after }); }
  cancelTimer(name: string): void { this.effects.push({ kind: 'cancelTimer', name }); }
  persist(durable: Json): void { this.effects.push({ kind: 'persist', durable }); }
  reply(opId: string, ok: boolean, result?: Json): void { this.effects.push({ kind: 'reply', opId, ok, result }); }
  note(text: string): void { this.effects.push({ kind: 'note', text }); }
  metric(name: string, value: number): void { this.effects.push({ kind: 'metric', name, value }); }

  /** Persist effects already completed by `completeWrites` (positions in `effects`). */
  private completed = 0;

  /**
   * Completes the writes issued since the last call, in order, as the
   * simulator does when storage is instant: `onDurable` with what each wrote.
   * Effects stay recorded (the durable handler's too).
   */
  completeWrites(s: RaftState): RaftState {
    let next = s;
    while (this.completed < this.effects.length) {
      const e = this.effects[this.completed++]!;
      if (e.kind === 'persist') next = raft.onDurable!(next, e.durable, this);
    }
    return next;
  }

  /** Effects recorded so far, then cleared. */
  take(): Effect[] {
    this.completed = 0;
    const e = this.effects;
    this.effects = [];
    return e;
  }
}

export function sends(effects: Effect[], type?: RaftMessage['type']): { to: NodeId; msg: RaftMessage }[] {
  return effects.flatMap((e) => (e.kind === 'send' && (!type || e.msg.type === type) ? [{ to: e.to, msg: e.msg }] : []));
}

/** Whether every message of `type` among `effects` leaves at once, in parallel with the handler's write (thesis §10.2.1). */
export function parallelWithWrite(effects: Effect[], type: RaftMessage['type']): boolean {
  const of = effects.filter((e) => e.kind === 'send' && e.msg.type === type);
  return effects.some((e) => e.kind === 'persist') && of.length > 0 && of.every((e) => e.kind === 'send' && !e.waits);
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
