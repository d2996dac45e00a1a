/**
 * A test Context for driving protocol handlers directly, as etcd-io/raft's
 * paper tests do: build a context, call one handler, inspect the effects it
 * wrote (sends, timers, persists, replies, notes, metrics). `makeWorld` and
 * `Cluster` give invariants and queries something to look at, and `Cluster`
 * delivers messages in FIFO order until the network is quiet — enough for
 * protocols whose behaviour does not depend on timing (hash, ring).
 */
import { withDefaults, type CompleteProtocol } from '../../src/engine/defaults.js';
import { Monitors } from '../../src/engine/monitors.js';
import type { ClientOp, Context, Json, Message, NodeId, NodeView, Params, Protocol, World } from '../../src/engine/protocol.js';
import { mulberry32 } from '../_random.js';

export interface Effects<M extends Message = Message> {
  sends: { to: NodeId; msg: M }[];
  timers: { name: string; after: number }[];
  cancels: string[];
  persists: Json[];
  replies: { opId: string; ok: boolean; result?: Json }[];
  notes: string[];
  metrics: Record<string, number>;
}

export interface TestContext<M extends Message = Message> extends Context<M> {
  readonly effects: Effects<M>;
}

export interface ContextOptions {
  id: NodeId;
  nodes: readonly NodeId[];
  params?: Params;
  nodeParams?: Record<NodeId, Params>;
  now?: number;
  seed?: number;
}

export function makeContext<M extends Message = Message>(o: ContextOptions): TestContext<M> {
  const effects: Effects<M> = { sends: [], timers: [], cancels: [], persists: [], replies: [], notes: [], metrics: {} };
  const random = mulberry32(o.seed ?? 1);
  const nodeParams: Record<NodeId, Params> = {};
  for (const n of o.nodes) nodeParams[n] = o.nodeParams?.[n] ?? {};
  return {
    id: o.id,
    nodes: o.nodes,
    index: o.nodes.indexOf(o.id),
    params: o.params ?? {},
    nodeParams,
    now: o.now ?? 0,
    effects,
    random,
    randomInt: (min, max) => min + Math.floor(random() * (max - min + 1)),
    send: (to, msg) => { effects.sends.push({ to, msg }); },
    setTimer: (name, after) => { effects.timers.push({ name, after }); },
    cancelTimer: (name) => { effects.cancels.push(name); },
    persist: (durable) => { effects.persists.push(durable); },
    reply: (opId, ok, result) => { effects.replies.push(result === undefined ? { opId, ok } : { opId, ok, result }); },
    note: (text) => { effects.notes.push(text); },
    metric: (name, value) => { effects.metrics[name] = value; },
  };
}

export function makeWorld<S>(states: Record<NodeId, S>, params: Params = {}, metrics: Record<string, number> = {}, roles?: (s: S) => string): World<S> {
  const nodes: NodeView<S>[] = Object.entries(states).map(([id, state], index) => ({
    id, index, up: true, status: 'up', state, role: roles ? roles(state) : 'node', durable: undefined,
  }));
  return { now: 0, nodes, params, metrics, node: (id) => nodes.find((n) => n.id === id) };
}

/** Checks `invariants` over one world, as the simulator's first check of a run does (a fresh memory, every node changed). */
export function checkOnce<S>(invariants: Protocol<S>['vocabulary']['invariants'], world: World<S>): Map<string, string> {
  return new Map(new Monitors(invariants).check(world, world.nodes).map((v) => [v.invariant, v.message]));
}

/**
 * A whole cluster of one protocol, run without time: client operations go to
 * the protocol's client target, messages are delivered FIFO until none are
 * left, and the invariants are checked after every step.
 */
export class Cluster<S, M extends Message = Message> {
  readonly nodes: NodeId[];
  readonly states = new Map<NodeId, S>();
  readonly durable = new Map<NodeId, Json>();
  readonly replies: { opId: string; ok: boolean; result?: Json }[] = [];
  readonly metrics: Record<string, number> = {};
  readonly notes: string[] = [];
  /** Every message delivered, in order. */
  readonly delivered: { from: NodeId; to: NodeId; msg: M }[] = [];
  /** First violation seen per invariant. */
  readonly violations = new Map<string, string>();
  private readonly queue: { from: NodeId; to: NodeId; msg: M }[] = [];
  private opCount = 0;
  readonly protocol: CompleteProtocol<S, M>;
  private readonly monitors: Monitors<S>;

  constructor(
    protocol: Protocol<S, M>,
    declared: readonly NodeId[],
    readonly params: Params = {},
    readonly nodeParams: Record<NodeId, Params> = {},
  ) {
    this.protocol = withDefaults(protocol);
    this.monitors = new Monitors(protocol.vocabulary.invariants);
    const full = { ...defaults(protocol), ...params };
    this.params = full;
    this.nodes = [...declared, ...(protocol.implicitNodes?.(full) ?? []).map((n) => n.id)];
    for (const id of this.nodes) this.states.set(id, protocol.init(this.ctx(id)));
    this.check();
  }

  private ctx(id: NodeId): TestContext<M> {
    const np: Record<NodeId, Params> = {};
    for (const n of this.nodes) np[n] = { ...nodeDefaults(this.protocol), ...this.nodeParams[n] };
    return makeContext<M>({ id, nodes: this.nodes, params: this.params, nodeParams: np });
  }

  private absorb(id: NodeId, ctx: TestContext<M>): void {
    for (const s of ctx.effects.sends) this.queue.push({ from: id, to: s.to, msg: s.msg });
    if (ctx.effects.persists.length) this.durable.set(id, ctx.effects.persists[ctx.effects.persists.length - 1]!);
    this.replies.push(...ctx.effects.replies);
    Object.assign(this.metrics, ctx.effects.metrics);
    this.notes.push(...ctx.effects.notes);
    this.check();
  }

  /** Run a client operation to completion; returns its reply. */
  client(name: string, args: Record<string, Json> = {}): { opId: string; ok: boolean; result?: Json } {
    const target = this.protocol.clientTarget({ nodes: this.nodes, params: this.params });
    const op: ClientOp = { id: `c${++this.opCount}`, name, args };
    const ctx = this.ctx(target);
    this.states.set(target, this.protocol.onClient(this.states.get(target)!, op, ctx));
    this.absorb(target, ctx);
    this.settle();
    const reply = this.replies.find((r) => r.opId === op.id);
    if (!reply) throw new Error(`no reply to ${name}`);
    return reply;
  }

  /** Deliver queued messages until none are left. */
  settle(): void {
    for (let guard = 0; this.queue.length > 0; guard++) {
      if (guard > 100_000) throw new Error('Cluster.settle: message storm');
      const m = this.queue.shift()!;
      this.delivered.push(m);
      const ctx = this.ctx(m.to);
      this.states.set(m.to, this.protocol.onMessage(this.states.get(m.to)!, m.from, m.msg, ctx));
      this.absorb(m.to, ctx);
    }
  }

  /** Crash and restart a node from its last persist. */
  restart(id: NodeId): void {
    this.states.set(id, this.protocol.onRestart(this.durable.get(id), this.ctx(id)));
    this.check();
  }

  world(): World<S> {
    const nodes: NodeView<S>[] = this.nodes.map((id, index) => ({
      id, index, up: true, status: 'up', state: this.states.get(id)!, role: this.protocol.role(this.states.get(id)!), durable: this.durable.get(id),
    }));
    return { now: 0, nodes, params: this.params, metrics: this.metrics, node: (id) => nodes.find((n) => n.id === id) };
  }

  query(name: string, args: Record<string, Json> = {}): Json | NodeId[] {
    const q = this.protocol.vocabulary.queries.find((x) => x.name === name);
    if (!q) throw new Error(`no query ${name}`);
    return q.evaluate(this.world(), args);
  }

  private check(): void {
    // Without change tracking, every node counts as changed: the monitors compare with what they saw.
    const world = this.world();
    for (const v of this.monitors.check(world, world.nodes)) this.violations.set(v.invariant, v.message);
  }
}

function defaults(p: Protocol<any, any>): Params {
  const out: Record<string, Params[string]> = {};
  for (const s of p.vocabulary.params) if ((s.scope ?? 'cluster') === 'cluster') out[s.name] = s.default;
  return out;
}

function nodeDefaults(p: Protocol<any, any>): Params {
  const out: Record<string, Params[string]> = {};
  for (const s of p.vocabulary.params) if (s.scope === 'node') out[s.name] = s.default;
  return out;
}
