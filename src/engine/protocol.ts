/**
 * The contract between the simulator and a protocol.
 *
 * A protocol is a pure state machine in the style of etcd-io/raft and
 * Stateright's `Actor`: each handler takes the node's current state and one
 * input (a message, a timer, a client operation) and returns the next state,
 * writing its effects (send, set/cancel timer, persist, reply, note) into the
 * context it is given. Effects are data; the simulator applies them. A
 * protocol never reads the wall clock or `Math.random`: time is `ctx.now`
 * (virtual microseconds) and randomness is `ctx.random()` (this node's own
 * seeded stream), so a seed replays a run exactly.
 *
 * States are treated as immutable values: a handler that changes nothing
 * returns the same object, and one that changes something returns a new
 * object (structural sharing is fine). The simulator records a `state` event
 * whenever the returned reference differs, and derives the trace's change
 * lists by diffing the old and new values.
 *
 * Durable state and the order of writes and sends. `ctx.persist(value)`
 * issues a write of the node's durable state; with a storage latency it
 * completes later, in issue order, and a crash before then loses it. The
 * effects of one handler call are applied as a batch, writes first (etcd's
 * `Ready`: persist, then send): by default a send or reply leaves only once
 * every write the node issued up to the end of that handler call is durable,
 * so a vote, a promise or a prepared vote is never sent before it is on disk,
 * wherever in the handler `persist` was called. A send with
 * `{ waitForWrites: false }` leaves at once while the writes are in flight —
 * a Raft leader sending AppendEntries for the entries it is writing itself
 * (Ongaro's thesis §10.2.1). A crash loses every write in flight and every
 * send and reply waiting for one. `onDurable`, when a protocol defines it,
 * runs as each write completes, so a leader can count its own copy only once
 * it is on disk.
 *
 * Only `name`, `vocabulary`, `init` and `onMessage` are required; the other
 * handlers have defaults (see `Protocol`), so a small protocol stays small.
 */
import type { Vocabulary } from './vocabulary.js';

/** Node ids are the names the scenario gives them (`n1`, `router`, …). */
export type NodeId = string;

/** JSON values: everything in a state, message body, op or metric is one. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A message: a type name (listed in the protocol's vocabulary) and a JSON body. */
export interface Message {
  readonly type: string;
  readonly body?: Json;
}

/** A value a scenario can give a parameter, after compilation (durations in µs). */
export type ParamValue = number | string | boolean | NumberRange | string[];

/** An inclusive numeric range, e.g. an election timeout `150ms..300ms` → `{ min: 150000, max: 300000 }`. */
export interface NumberRange {
  readonly min: number;
  readonly max: number;
}

export type Params = Readonly<Record<string, ParamValue>>;

/** A client operation as the protocol sees it: `client put x = 1` → `{ id: 'c1', name: 'put', args: { key: 'x', value: 1 } }`. */
export interface ClientOp {
  /** Unique per run, assigned by the simulator (`c1`, `c2`, …). */
  readonly id: string;
  readonly name: string;
  readonly args: Readonly<Record<string, Json>>;
}

/** How a send or reply is ordered against this node's writes (see the module header). */
export interface SendOptions {
  /**
   * true (the default): leave only once every write this node issued up to
   * the end of the current handler call is durable. false: leave at once,
   * in parallel with the writes in flight.
   */
  readonly waitForWrites?: boolean;
}

/** Everything a handler may read besides its state, and where it writes its effects. */
export interface Context<M extends Message = Message> {
  /** This node's id. */
  readonly id: NodeId;
  /** Every node of the cluster, in declaration order (including nodes that are down). */
  readonly nodes: readonly NodeId[];
  /** This node's position in `nodes` (so a protocol need not search for itself: that costs O(N) per node). */
  readonly index: number;
  /** The cluster's parameters with defaults filled in. */
  readonly params: Params;
  /** Per-node parameters (`node n1 { weight 2 }`), with defaults filled in. */
  readonly nodeParams: Readonly<Record<NodeId, Params>>;
  /** Virtual time in integer microseconds. */
  readonly now: number;
  /** A uniform float in [0, 1) from this node's own PRNG stream. */
  random(): number;
  /** A uniform integer in [min, max] (inclusive) from this node's own PRNG stream. */
  randomInt(min: number, max: number): number;

  /**
   * Send a message. It leaves when the handler returns, or, when this node
   * has writes in flight (issued earlier or in this handler call), once they
   * are durable — unless `options.waitForWrites` is false.
   */
  send(to: NodeId, msg: M, options?: SendOptions): void;
  /** (Re)arm the named timer to fire `after` µs from now; arming an armed timer replaces it. */
  setTimer(name: string, after: number): void;
  cancelTimer(name: string): void;
  /**
   * Write `durable` as this node's durable state. It survives a crash and is
   * what `onRestart` gets. With a storage latency configured it completes
   * later (writes complete in the order issued); the sends and replies of
   * this handler call wait for it unless they say otherwise, and a crash
   * before it completes loses the write and everything waiting for it.
   */
  persist(durable: Json): void;
  /**
   * Answer a client operation (by its id). `ok: false` is a definite failure;
   * redirect by sending to another node instead. Like a send, a reply waits
   * for this node's writes unless `options.waitForWrites` is false.
   */
  reply(opId: string, ok: boolean, result?: Json, options?: SendOptions): void;
  /** A free-text annotation shown in the trace. */
  note(text: string): void;
  /** Set a named metric (last write wins), reported in the trace and usable in `expect`. */
  metric(name: string, value: number): void;
}

/**
 * What invariants, queries and metrics see: every node at one instant. An
 * invariant that needs history keeps it in a monitor (vocabulary.ts), never
 * keyed on this object.
 */
export interface World<S = unknown> {
  readonly now: number;
  readonly nodes: readonly NodeView<S>[];
  readonly params: Params;
  /** Metrics set so far through `ctx.metric`. */
  readonly metrics: Readonly<Record<string, number>>;
  node(id: NodeId): NodeView<S> | undefined;
}

export interface NodeView<S = unknown> {
  readonly id: NodeId;
  /** Position in `World#nodes` (declared nodes first, then the protocol's implicit ones): a key for per-node arrays. */
  readonly index: number;
  /** false while crashed (its volatile state is gone) or paused. */
  readonly up: boolean;
  readonly status: 'up' | 'crashed' | 'paused';
  readonly state: S;
  readonly role: string;
  /** The last completed persist, if any. */
  readonly durable: Json | undefined;
}

export interface Protocol<S = any, M extends Message = Message> {
  /** The name scenarios use after `cluster x:` (`hash`, `ring`, `raft`, …). */
  readonly name: string;
  /** Parameters, operations, invariants, queries and message types, with docs. */
  readonly vocabulary: Vocabulary<S>;
  /**
   * Nodes the protocol adds to the ones the scenario declares (for instance
   * the ring's `router`), placed after them. Optional.
   */
  implicitNodes?(params: Params): readonly { id: NodeId; role?: string }[];
  /**
   * The node that a `client` action without `on NODE` goes to; `op` is the
   * operation (its name and arguments), for protocols whose operations name
   * the node that must act (Kademlia's `join NODE via NODE`). Default: the
   * first declared node.
   */
  clientTarget?(ctx: { nodes: readonly NodeId[]; params: Params; op?: { readonly name: string; readonly args: Readonly<Record<string, Json>> } }): NodeId;

  init(ctx: Context<M>): S;
  onMessage(state: S, from: NodeId, msg: M, ctx: Context<M>): S;
  /** A timer set with `ctx.setTimer` fired. Default: nothing happens. */
  onTimer?(state: S, name: string, ctx: Context<M>): S;
  /** A client operation arrived. Default: a definite failure, "PROTOCOL takes no client operations". */
  onClient?(state: S, op: ClientOp, ctx: Context<M>): S;
  /**
   * Rebuild after a crash from the last completed persist (undefined if the
   * node never persisted). Default: `init`, as a node that keeps nothing on
   * disk would; a protocol that persists defines it.
   */
  onRestart?(durable: Json | undefined, ctx: Context<M>): S;
  /**
   * A write this node issued with `ctx.persist` is now durable (`durable` is
   * what it wrote). Runs in its own step when the write completes after a
   * storage latency, or right after the handler that issued it when storage
   * is instant. Optional: most protocols need not know.
   */
  onDurable?(state: S, durable: Json, ctx: Context<M>): S;
  /** A short label for the node's lane (`leader`, `follower`, `router`, …). Default: `node`. */
  role?(state: S): string;
  /**
   * Metrics computed from the final world, merged over those set with
   * `ctx.metric`. `run` holds the metrics every run reports (`messages`,
   * `events`, `dropped`, `end_time_ms`; run-metrics.ts), for ratios such as
   * messages per decision. Optional.
   */
  finalMetrics?(world: World<S>, run: Readonly<Record<string, number>>): Record<string, number>;
}
