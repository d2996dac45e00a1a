/**
 * A Context that records every effect a handler writes, in order — sends
 * with whether they wait for the node's writes (the engine's default) —
 * with a scripted clock and random source. The paper tests of Raft and
 * Paxos drive handlers directly with it, etcd-io/raft style: init → step →
 * check the messages sent and the state.
 */
import type { Context, Json, Message, NodeId, Params, SendOptions } from '../../src/engine/protocol.js';

export type RecordedEffect<M extends Message> =
  /** `waits`: the send leaves only once the handler's writes are durable (the engine's default). */
  | { kind: 'send'; to: NodeId; msg: M; waits: boolean }
  | { kind: 'setTimer'; name: string; after: number }
  | { kind: 'cancelTimer'; name: string }
  | { kind: 'persist'; durable: Json }
  | { kind: 'reply'; opId: string; ok: boolean; result?: Json }
  | { kind: 'note'; text: string }
  | { kind: 'metric'; name: string; value: number };

export class RecordingContext<M extends Message> implements Context<M> {
  effects: RecordedEffect<M>[] = [];
  now = 0;
  /** randomInt returns min + ⌊rnd() × range⌋ + this offset (clamped), so timeouts are predictable. */
  randomOffset = 0;
  constructor(
    readonly id: NodeId,
    readonly nodes: readonly NodeId[],
    readonly params: Params = {},
    private readonly rnd: () => number = () => 0,
    readonly nodeParams: Record<NodeId, Params> = {},
  ) {}
  get index(): number {
    return this.nodes.indexOf(this.id);
  }
  random(): number {
    return this.rnd();
  }
  randomInt(min: number, max: number): number {
    return Math.min(max, min + Math.floor(this.rnd() * (max - min + 1)) + this.randomOffset);
  }
  send(to: NodeId, msg: M, options?: SendOptions): void { this.effects.push({ kind: 'send', to, msg, waits: options?.waitForWrites !== false }); }
  setTimer(name: string, after: number): void { this.effects.push({ kind: 'setTimer', name, after }); }
  cancelTimer(name: string): void { this.effects.push({ kind: 'cancelTimer', name }); }
  persist(durable: Json): void { this.effects.push({ kind: 'persist', durable }); }
  reply(opId: string, ok: boolean, result?: Json): void { this.effects.push({ kind: 'reply', opId, ok, result }); }
  note(text: string): void { this.effects.push({ kind: 'note', text }); }
  metric(name: string, value: number): void { this.effects.push({ kind: 'metric', name, value }); }

  /** Effects recorded so far, then cleared. */
  take(): RecordedEffect<M>[] {
    const e = this.effects;
    this.effects = [];
    return e;
  }
}

/** The sends (of `type`, if given) among `effects`. */
export function sentIn<M extends Message>(effects: RecordedEffect<M>[], type?: M['type']): { to: NodeId; msg: M; waits: boolean }[] {
  return effects.flatMap((e) => (e.kind === 'send' && (!type || e.msg.type === type) ? [{ to: e.to, msg: e.msg, waits: e.waits }] : []));
}
