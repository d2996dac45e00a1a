/**
 * Per-node runtime state the simulator keeps, and the Context handlers see.
 *
 * A `NodeRuntime` is also the node's `NodeView` in the World that invariants
 * and queries read (status, state, role, durable), so the world needs no
 * copying between steps. Its `NodeContext` buffers a handler's effects in
 * call order — sends in two parallel arrays, every other effect's operands
 * in four more — and the simulator applies them after the handler returns
 * (Stateright's `Out` buffer, etcd/raft's `Ready` batch). Buffers are reused
 * across calls, so buffering an effect allocates nothing. Each node buffers
 * its `init` effects in its own `EffectBuffers` (they are applied after
 * every node's init ran); from then on handlers run one at a time, each
 * one's effects applied before the next runs, and all nodes share one set
 * (`shareBuffers`): a step's handler writes into arrays the previous step
 * left in the cache instead of its own node's (10 000 nodes: 10 000 sets,
 * all cold).
 */
import type { Context, Json, Message, NodeId, NodeView, Params, SendOptions, World } from './protocol.js';
import type { Rng } from './rng.js';

export const E_SEND = 0;
export const E_SET_TIMER = 1;
export const E_CANCEL_TIMER = 2;
export const E_PERSIST = 3;
export const E_REPLY = 4;
export const E_NOTE = 5;
export const E_METRIC = 6;

/** Times below this (µs) are small integers (V8's Smi range with pointer compression is ±2^30). */
const SMALL_TIME = 2 ** 30;

/** The effect buffers of a run's handlers (see the header): filled by one handler, read by the simulator right after it. */
export class EffectBuffers {
  /** Effect kinds in call order. */
  readonly kinds: number[] = [];
  readonly sendTo: NodeId[] = [];
  readonly sendMsg: Message[] = [];
  /** Per send: whether it waits for this node's writes (the default) or leaves at once. */
  readonly sendWaits: boolean[] = [];
  /**
   * The other effects' operands, by position among them: `str` is the timer
   * or metric name, the reply's op id or the note's text; `num` the timer's
   * duration or the metric's value (for a reply: 1 when it waits for writes);
   * `json` the persisted state or the reply's result; `ok` the reply's flag.
   */
  readonly str: string[] = [];
  readonly num: number[] = [];
  readonly json: (Json | undefined)[] = [];
  readonly ok: boolean[] = [];
}

export class NodeContext implements Context {
  now = 0;
  /** The effect buffers (see EffectBuffers): `count` effects, `sends` of them sends and `otherCount` the rest, are this handler's. */
  kinds!: number[];
  count = 0;
  sendTo!: NodeId[];
  sendMsg!: Message[];
  sendWaits!: boolean[];
  sends = 0;
  /** Writes (`persist`) among the effects. */
  writes = 0;
  str!: string[];
  num!: number[];
  json!: (Json | undefined)[];
  ok!: boolean[];
  otherCount = 0;

  constructor(
    readonly id: NodeId,
    readonly index: number,
    readonly nodes: readonly NodeId[],
    readonly params: Params,
    readonly nodeParams: Readonly<Record<NodeId, Params>>,
    private readonly rng: Rng,
  ) {
    this.shareBuffers(new EffectBuffers());
  }

  /** Buffers effects in `buffers` from now on (the run's shared set, once every node's init effects are applied). */
  shareBuffers(buffers: EffectBuffers): void {
    this.kinds = buffers.kinds;
    this.sendTo = buffers.sendTo;
    this.sendMsg = buffers.sendMsg;
    this.sendWaits = buffers.sendWaits;
    this.str = buffers.str;
    this.num = buffers.num;
    this.json = buffers.json;
    this.ok = buffers.ok;
  }

  reset(now: number): void {
    // The same time as a small integer while it is one (below 2^30 µs, about
    // 18 minutes): read from the queue's Float64Array it is a heap number, and
    // a state field that once holds a heap number makes V8 box that field in
    // every object of the same shape from then on — 16 bytes more per object,
    // which the trace keeps for every state version. (`x | 0` of an integer
    // below 2^30 is x.)
    this.now = now >= 0 && now < SMALL_TIME ? now | 0 : now;
    this.count = 0;
    this.sends = 0;
    this.writes = 0;
    this.otherCount = 0;
  }

  random(): number {
    return this.rng.next();
  }

  randomInt(min: number, max: number): number {
    return this.rng.int(min, max);
  }

  send(to: NodeId, msg: Message, options?: SendOptions): void {
    this.kinds[this.count++] = E_SEND;
    this.sendTo[this.sends] = to;
    this.sendWaits[this.sends] = options === undefined || options.waitForWrites !== false;
    this.sendMsg[this.sends++] = msg;
  }

  private other(kind: number, str: string, num: number, json: Json | undefined, ok: boolean): void {
    this.kinds[this.count++] = kind;
    const o = this.otherCount++;
    this.str[o] = str;
    this.num[o] = num;
    this.json[o] = json;
    this.ok[o] = ok;
  }

  setTimer(name: string, after: number): void {
    this.other(E_SET_TIMER, name, after, undefined, false);
  }

  cancelTimer(name: string): void {
    this.other(E_CANCEL_TIMER, name, 0, undefined, false);
  }

  persist(durable: Json): void {
    this.writes++;
    this.other(E_PERSIST, '', 0, durable, false);
  }

  reply(opId: string, ok: boolean, result?: Json, options?: SendOptions): void {
    this.other(E_REPLY, opId, options === undefined || options.waitForWrites !== false ? 1 : 0, result, ok);
  }

  note(text: string): void {
    this.other(E_NOTE, text, 0, undefined, false);
  }

  metric(name: string, value: number): void {
    this.other(E_METRIC, name, value, undefined, false);
  }
}

/** A send or reply waiting for a write: a message (`to` ≥ 0) or a client reply (`to` = -1). */
export interface Waiting {
  readonly to: number;
  /** Message id and its send event, and the send rule that matched it (-1: none). */
  readonly id: number;
  readonly sendEvent: number;
  readonly ruleIndex: number;
  readonly msg: Message | null;
  /** For a reply: the op id, flag and result, and the event that caused it. */
  readonly op: string;
  readonly ok: boolean;
  readonly result: Json | undefined;
  readonly cause: number;
}

/** A write in flight and the sends and replies waiting for it. */
export interface Write {
  /** The node's crash count when issued: a write of an older epoch never completes. */
  readonly epoch: number;
  readonly durable: Json;
  /** The event that led to the write. */
  readonly cause: number;
  readonly waiting: Waiting[];
}

export class NodeRuntime implements NodeView {
  status: 'up' | 'crashed' | 'paused' = 'up';
  state: any = null;
  role = '';
  durable: Json | undefined = undefined;
  /** Armed timers: name → token of the live queue entry. */
  readonly timers = new Map<string, number>();
  /** Timers that came due while paused: re-armed at resume. */
  deferred: { name: string; token: number }[] = [];
  drift = 1;
  /** Bumped by a crash: writes of an older epoch never complete. */
  epoch = 0;
  /** Completion time of the latest write (writes complete in order). */
  writeDoneAt = 0;
  /** Writes in flight, oldest first. */
  readonly inFlight: Write[] = [];
  /** Instant writes (no storage latency) whose `onDurable` runs right after the handler that issued them. */
  readonly instant: Json[] = [];
  /** The destination of this node's last send and its index: most sends repeat it, and then skip the id → index lookup. */
  lastToId: NodeId | null = null;
  lastTo = -1;

  constructor(readonly id: NodeId, readonly index: number, readonly ctx: NodeContext) {}

  get up(): boolean {
    return this.status === 'up';
  }
}

export class SimWorld implements World {
  now = 0;
  private readonly byId: Map<NodeId, NodeRuntime>;

  constructor(readonly nodes: readonly NodeRuntime[], readonly params: Params, readonly metrics: Record<string, number>) {
    this.byId = new Map(nodes.map((n) => [n.id, n]));
  }

  node(id: NodeId): NodeRuntime | undefined {
    return this.byId.get(id);
  }
}
