/**
 * Exhaustive search for small configurations: breadth-first over every
 * choice the system can make, the way Stateright and TLC check a model —
 * which message in flight is delivered next, which armed timer fires, when
 * the scenario's next scripted action (a client operation) happens, and
 * which fault from a small budget strikes (crash a node, restart a crashed
 * one, deliver a message twice).
 *
 * It drives the protocol contract directly (init / onMessage / onTimer /
 * onClient / onRestart / onDurable with a context that collects effects),
 * not the discrete-event simulator, so that time does not order anything:
 * - the network is asynchronous: any message in flight may be delivered
 *   next, or never (so loss, delay, reordering and partitions need no
 *   budget); two identical messages in flight at once count as one, and
 *   the duplication budget delivers a message while keeping it in flight;
 * - a timer may fire at any moment once armed (its duration is ignored: an
 *   unbounded clock drift), so a protocol whose safety rests on timing
 *   (Raft's leader lease) will fail here by design;
 * - writes are durable at once (storage latency 0); `ctx.now` is 1 ms per
 *   step and `ctx.random()` is always 0 (randomInt gives its minimum);
 * - scripted actions of the base scenario happen once each, in order, as
 *   choices among the others (client operations go where the scenario sends
 *   them; scripted crashes and restarts apply; partitions, cuts, heals,
 *   pauses, drift and message rules add nothing to an asynchronous network
 *   and are ignored).
 *
 * States are hashed (96-bit fingerprints) on what determines the future:
 * every node's status, state, durable state and armed timers, the messages
 * in flight, the script position and the faults used. Invariants are
 * checked on each new state with the per-run monitor memory of the path
 * that first reached it (the memory is forked, with the node views it holds
 * remapped, along every branch). That memory is NOT part of the hash: a
 * state reached first by one path and later by another is explored once,
 * with the first path's history. Including it would keep every violation a
 * path can produce, but monitors remember so much (Raft's remembers which
 * nodes moved in the last step) that almost no two paths would merge; the
 * docs say what this trades.
 *
 * Breadth first means the first violation found has a shortest path. The
 * search stops there, at its depth bound, at `maxStates` unique states, or
 * at its time limit, and reports states explored, unique states and
 * states/s. It is for three nodes and a few operations: the number of
 * states grows exponentially with depth.
 */
import { withDefaults, type CompleteProtocol } from '../engine/defaults.js';
import { Monitors } from '../engine/monitors.js';
import type { ClientOp, Context, Json, Message, NodeId, NodeView, Protocol, SendOptions, World } from '../engine/protocol.js';
import type { Action, ScenarioSpec, Target } from '../engine/spec.js';
import { FingerprintSet, hashString, mix32 } from '../checks/_fingerprints.js';

/**
 * How the search's network behaves.
 * - `async`: any message in flight may be delivered next, or never; a timer
 *   may fire at any moment once armed. Every order, so races show, and the
 *   number of states grows fastest with depth.
 * - `lockstep`: messages are delivered one at a time in the order they were
 *   sent; a timer fires only when no message is in flight (every timeout
 *   outlasts a round trip); a crash loses the messages in flight to and from
 *   the crashed node, and a message sent to a crashed node is lost. The only
 *   choices left are which timer fires, which scripted action and which
 *   fault comes next, so paths of 30 steps and more are in reach — deep
 *   bugs made of a few well-placed faults (Raft's Figure 8). Every lockstep
 *   path is also an async path, so what it finds is real; races that need
 *   messages to overtake each other are not found here.
 */
export type SearchNetwork = 'async' | 'lockstep';

/**
 * How writes (`ctx.persist`) complete.
 * - `instant`: durable when the handler returns (storage latency 0).
 * - `latency`: each write completes at a step of its own, in issue order
 *   per node, and sends wait for it as the simulator's do (unless
 *   `waitForWrites: false`); a crash loses the writes in flight and the
 *   sends behind them. The window a durability bug needs.
 * By default the search follows the scenario: `latency` when its storage
 * has one.
 */
export type SearchStorage = 'instant' | 'latency';

export interface ExhaustiveBudget {
  /** The network model (default `async`). */
  readonly network?: SearchNetwork;
  /** The storage model (default: the scenario's, see SearchStorage). */
  readonly storage?: SearchStorage;
  /** Faults the search may inject along one path. */
  readonly crash: number;
  readonly restart: number;
  readonly duplicate: number;
  /** The most timer firings along a path (each election timeout is one); Infinity for no bound. */
  readonly timers?: number;
  /**
   * The most messages in flight on one directed channel (default 1): a
   * send over a full channel loses the oldest message on it. A lossy
   * network may do that anyway, so nothing found is unreal; what is given
   * up are orders that need two messages from one node to another in
   * flight at once. Infinity: a plain bag of messages. The lockstep
   * network ignores it (its channels are queues).
   */
  readonly capacity?: number;
  /**
   * Keep messages whose delivery would change nothing (default false: they
   * are dropped, see `ExhaustiveSearch#successors`).
   */
  readonly keepStale?: boolean;
  /** The most steps along a path. */
  readonly depth: number;
  /** Stop after this many unique states. */
  readonly maxStates: number;
  /** Stop after this many milliseconds of `now`. */
  readonly timeMs?: number;
  readonly now?: () => number;
  /** Called now and then with the counts so far. */
  readonly onProgress?: (p: ExhaustiveStats) => void;
  readonly cancel?: { readonly cancelled: boolean };
}

export const DEFAULT_EXHAUSTIVE: ExhaustiveBudget = { crash: 2, restart: 2, duplicate: 0, depth: 24, maxStates: 2_000_000 };

/** One step of a path, as a person reads it. */
export type Step =
  | { readonly kind: 'deliver'; readonly from: NodeId; readonly to: NodeId; readonly message: Message; readonly duplicate: boolean }
  | { readonly kind: 'timer'; readonly node: NodeId; readonly name: string }
  | { readonly kind: 'script'; readonly index: number; readonly action: Action; readonly node?: NodeId }
  | { readonly kind: 'crash' | 'restart'; readonly node: NodeId }
  /** The node's oldest write in flight completes. */
  | { readonly kind: 'durable'; readonly node: NodeId };

export interface ExhaustiveStats {
  /** States whose successors were generated. */
  readonly explored: number;
  /** Distinct states seen. */
  readonly unique: number;
  /** Successors generated (including ones already seen). */
  readonly transitions: number;
  /** The deepest level reached. */
  readonly depth: number;
  readonly seconds: number;
}

export interface ExhaustiveResult extends ExhaustiveStats {
  /**
   * `violation`: a shortest path to a violation; `complete`: every state
   * within the depth bound was explored and none violates; `bounded`: the
   * state or time budget (or a cancel) stopped it first.
   */
  readonly verdict: 'violation' | 'complete' | 'bounded';
  /** What stopped a `bounded` search: the `maxStates` budget, the time budget, or a cancel. */
  readonly stoppedBy?: 'states' | 'time' | 'cancel';
  readonly finding?: { readonly check: string; readonly message: string };
  readonly path?: readonly Step[];
}

interface NodeSnap {
  readonly state: unknown;
  readonly status: 'up' | 'crashed';
  readonly durable: Json | undefined;
  /** Armed timers, sorted. */
  readonly timers: readonly string[];
  readonly role: string;
  /** Writes in flight, oldest first (storage with latency only). */
  readonly writes: readonly WriteInFlight[];
}

/** A write in flight and the sends that wait for it. */
interface WriteInFlight {
  readonly durable: Json;
  readonly waiting: readonly { readonly to: number; readonly msg: Message }[];
}

const NO_WRITES: readonly WriteInFlight[] = [];

interface InFlight {
  readonly from: number;
  readonly to: number;
  readonly msg: Message;
  readonly key: string;
  /** The key's 96-bit hash. */
  readonly h: Uint32Array;
  /** Send order (not part of the state): which message a full channel loses. */
  readonly seq: number;
}

/** How far along the script and the budgets a path is. */
interface Counters {
  readonly cursor: number;
  readonly crashes: number;
  readonly restarts: number;
  readonly dups: number;
  /** Timer firings so far. */
  readonly fired: number;
}

/** A step applied, before it becomes a Sys. */
interface Raw {
  readonly step: Step;
  readonly nodes: NodeSnap[];
  readonly pending: Map<string, InFlight>;
  readonly counters: Counters;
  /** false: the step changed nothing at all (only meaningful for deliveries). */
  readonly changed: boolean;
}

interface Sys extends Counters {
  readonly nodes: readonly NodeSnap[];
  /** Sorted by key, keys distinct. */
  readonly pending: readonly InFlight[];
  readonly depth: number;
  readonly parent: Sys | null;
  readonly step: Step | null;
  /** This state's monitors and the views their memory holds; dropped once the state is expanded. */
  monitors: Monitors | null;
  views: View[] | null;
}

class View implements NodeView {
  constructor(
    readonly id: NodeId,
    readonly index: number,
    readonly status: 'up' | 'crashed',
    readonly state: unknown,
    readonly role: string,
    readonly durable: Json | undefined,
  ) {}

  get up(): boolean {
    return this.status === 'up';
  }
}

class SearchWorld implements World {
  constructor(readonly now: number, readonly nodes: readonly View[], readonly params: ScenarioSpec['params'], private readonly byId: ReadonlyMap<NodeId, number>) {}
  readonly metrics: Readonly<Record<string, number>> = {};
  node(id: NodeId): View | undefined {
    const i = this.byId.get(id);
    return i === undefined ? undefined : this.nodes[i];
  }
}

/** Where a node's random numbers come from: always 0 in the search; the simulator's own streams when a path is replayed. */
export interface RandomSource {
  next(): number;
  int(min: number, max: number): number;
}

/** The effects of one handler call, collected (Stateright's `Out`). */
class Collect implements Context {
  sends: { to: NodeId; msg: Message; wait: boolean }[] = [];
  writes: Json[] = [];
  timers: { name: string; set: boolean; after: number }[] = [];

  constructor(
    readonly id: NodeId,
    readonly index: number,
    readonly nodes: readonly NodeId[],
    readonly params: ScenarioSpec['params'],
    readonly nodeParams: ScenarioSpec['nodeParams'],
    readonly now: number,
    private readonly rng: RandomSource | undefined,
  ) {}

  random(): number {
    return this.rng === undefined ? 0 : this.rng.next();
  }

  randomInt(min: number, max: number): number {
    return this.rng === undefined ? Math.ceil(min) : this.rng.int(min, max);
  }

  send(to: NodeId, msg: Message, options?: SendOptions): void {
    this.sends.push({ to, msg, wait: options?.waitForWrites !== false });
  }

  setTimer(name: string, after: number): void {
    this.timers.push({ name, set: true, after });
  }

  cancelTimer(name: string): void {
    this.timers.push({ name, set: false, after: 0 });
  }

  persist(durable: Json): void {
    this.writes.push(durable);
  }

  reply(): void {}
  note(): void {}
  metric(): void {}
}

/** Every object reachable from a protocol value: immutable by the contract, so memory copies share it. */
const protocolData = new WeakSet<object>();

function register(v: unknown): void {
  if (v === null || typeof v !== 'object' || protocolData.has(v)) return;
  protocolData.add(v);
  if (Array.isArray(v)) for (const x of v) register(x);
  else for (const k of Object.keys(v)) register((v as Record<string, unknown>)[k]);
}

/** A deep copy of monitor memory: protocol values and frozen objects shared, views and worlds remapped, the rest copied. */
function copyMemory(value: unknown, map: Map<object, unknown>): unknown {
  const copy = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    const known = map.get(v);
    if (known !== undefined) return known;
    if (protocolData.has(v) || Object.isFrozen(v)) return v;
    if (v instanceof Map) {
      const out = new Map();
      map.set(v, out);
      for (const [k, x] of v) out.set(copy(k), copy(x));
      return out;
    }
    if (v instanceof Set) {
      const out = new Set();
      map.set(v, out);
      for (const x of v) out.add(copy(x));
      return out;
    }
    if (v instanceof DataView) return new DataView(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
    if (ArrayBuffer.isView(v)) return (v as unknown as { slice(): unknown }).slice();
    if (Array.isArray(v)) {
      const out: unknown[] = new Array(v.length);
      map.set(v, out);
      for (let i = 0; i < v.length; i++) if (i in v) out[i] = copy(v[i]);
      return out;
    }
    const out = Object.create(Object.getPrototypeOf(v) as object | null) as Record<string, unknown>;
    map.set(v, out);
    for (const k of Object.keys(v)) out[k] = copy((v as Record<string, unknown>)[k]);
    return out;
  };
  return copy(value);
}

const keys = new WeakMap<object, string>();
const hashes = new WeakMap<object, Uint32Array>();

/** A protocol value's 96-bit hash, cached per object (values are immutable). */
function hashOf(v: unknown): Uint32Array {
  if (v !== null && typeof v === 'object') {
    let h = hashes.get(v);
    if (h === undefined) {
      h = new Uint32Array(3);
      hashString(keyOf(v), h);
      hashes.set(v, h);
    }
    return h;
  }
  const h = new Uint32Array(3);
  hashString(v === undefined ? '-' : JSON.stringify(v), h);
  return h;
}

/** Folds three words into a running fingerprint (order matters). */
function absorb(out: Uint32Array, a: number, b: number, c: number): void {
  out[0] = mix32((out[0]! ^ a) + 0x632be5ab);
  out[1] = mix32(Math.imul(out[1]! ^ b, 0x85ebca6b) + out[0]!);
  out[2] = mix32(Math.imul(out[2]! ^ c, 0xc2b2ae35) + out[1]!);
}

function absorbHash(out: Uint32Array, h: Uint32Array): void {
  absorb(out, h[0]!, h[1]!, h[2]!);
}

/** A protocol value's JSON, cached per object (values are immutable). */
function keyOf(v: unknown): string {
  if (v === null || typeof v !== 'object') return v === undefined ? '-' : JSON.stringify(v);
  let k = keys.get(v);
  if (k === undefined) {
    k = JSON.stringify(v) ?? '-';
    keys.set(v, k);
  }
  return k;
}

const STEP_US = 1000;

export class ExhaustiveSearch {
  readonly protocol: CompleteProtocol;
  readonly ids: NodeId[];
  private readonly index: Map<NodeId, number>;
  private readonly script: Action[];
  private seq = 0;
  private readonly lockstep: boolean;
  private readonly slowStorage: boolean;

  constructor(readonly spec: ScenarioSpec, protocol: Protocol, readonly budget: ExhaustiveBudget = DEFAULT_EXHAUSTIVE) {
    this.protocol = withDefaults(protocol);
    this.lockstep = budget.network === 'lockstep';
    this.slowStorage = (budget.storage ?? storageOf(spec)) === 'latency';
    let implicit: readonly { id: NodeId }[] = [];
    try {
      implicit = protocol.implicitNodes?.(spec.params) ?? [];
    } catch {
      implicit = [];
    }
    this.ids = [...spec.nodes, ...implicit.map((n) => n.id).filter((id) => !spec.nodes.includes(id))];
    this.index = new Map(this.ids.map((id, i) => [id, i]));
    // Each scripted action once, in time order (`every` lines once: explore writes them out one by one).
    this.script = [...spec.actions].sort((a, b) => a.at - b.at).map((a) => a.action);
  }

  private ctx(i: number, depth: number): Collect {
    return new Collect(this.ids[i]!, i, this.ids, this.spec.params, this.spec.nodeParams, depth * STEP_US, this.replaying?.rngs[i]);
  }

  /** Set while a path is replayed (see `replay`). */
  private replaying: { rngs: readonly RandomSource[]; step: number; record: (h: Handled) => void } | undefined;

  /**
   * Runs one handler at node i and applies its effects to `nodes` and
   * `pending`; true when anything changed (the node's state, durable state
   * or timers, or a message that was not already in flight).
   */
  private handle(nodes: NodeSnap[], i: number, depth: number, call: (ctx: Collect, snap: NodeSnap) => unknown, pending: Map<string, InFlight>): boolean {
    const p = this.protocol;
    const before = nodes[i]!;
    const ctx = this.ctx(i, depth);
    let state = call(ctx, before);
    let durable = before.durable;
    let inFlight = before.writes;
    const timers = new Set(before.timers);
    let sent = false;
    const effects = (c: Collect) => {
      // Writes first, as the simulator applies a handler's effects: a send waits for every write issued up to its handler's end.
      if (this.slowStorage) {
        if (c.writes.length > 0) inFlight = [...inFlight, ...c.writes.map((w) => ({ durable: w, waiting: [] }))];
      } else for (const w of c.writes) durable = w;
      for (const t of c.timers) if (t.set) timers.add(t.name); else timers.delete(t.name);
      for (const s of c.sends) {
        const to = this.index.get(s.to);
        if (to === undefined || s.msg === null || typeof s.msg !== 'object' || typeof s.msg.type !== 'string') continue;
        if (s.wait && inFlight.length > 0) {
          const tail = inFlight[inFlight.length - 1]!;
          inFlight = [...inFlight.slice(0, -1), { durable: tail.durable, waiting: [...tail.waiting, { to, msg: s.msg }] }];
          sent = true;
        } else if (this.enqueue(nodes, pending, i, to, s.msg)) sent = true;
      }
    };
    effects(ctx);
    this.recordHandled(i, ctx);
    // With instant storage every write completes right after its handler (the simulator does the same).
    let writes = this.slowStorage ? [] : ctx.writes;
    for (let round = 0; p.onDurable !== undefined && writes.length > 0 && round < 8; round++) {
      const next: Json[] = [];
      for (const w of writes) {
        const c = this.ctx(i, depth);
        state = p.onDurable(state, w, c);
        effects(c);
        this.recordHandled(i, c);
        next.push(...c.writes);
      }
      writes = next;
    }
    const sorted = [...timers].sort();
    const sameTimers = sorted.length === before.timers.length && sorted.every((t, k) => t === before.timers[k]);
    if (state === before.state && durable === before.durable && sameTimers && !sent && inFlight === before.writes) return false;
    nodes[i] = { state, status: before.status, durable, timers: sameTimers ? before.timers : sorted, role: state === before.state ? before.role : this.roleOf(state), writes: inFlight };
    return true;
  }

  /** Puts a message in flight; false when an equal one already is (or lockstep loses it: its receiver is down). */
  private enqueue(nodes: readonly NodeSnap[], pending: Map<string, InFlight>, from: number, to: number, msg: Message): boolean {
    if (this.lockstep && nodes[to]!.status !== 'up') return false;
    const key = `${from}>${to}:${keyOf(msg)}`;
    if (pending.has(key)) return false;
    const h = new Uint32Array(3);
    hashString(key, h);
    this.makeRoom(pending, from, to);
    pending.set(key, { from, to, msg, key, h, seq: this.seq++ });
    return true;
  }

  private recordHandled(i: number, c: Collect): void {
    if (this.replaying === undefined) return;
    this.replaying.record({
      step: this.replaying.step, node: i, timers: c.timers, writes: this.slowStorage ? c.writes.length : 0,
      sends: c.sends.flatMap((x) => {
        const to = this.index.get(x.to);
        return to === undefined || x.msg === null || typeof x.msg !== 'object' ? [] : [{ to, type: x.msg.type, key: `${i}>${to}:${keyOf(x.msg)}` }];
      }),
    });
  }

  /**
   * Replays a path with each node drawing from `rngs` (the simulator's
   * streams), reporting every handler call's timers and sends; the
   * concretizer turns that into a timed scenario. Returns a problem when a
   * step of the path is not enabled on the way (the protocol used its
   * random numbers for more than timer lengths).
   */
  replay(path: readonly Step[], rngs: readonly RandomSource[], record: (h: Handled) => void): string | undefined {
    this.replaying = { rngs, step: 0, record };
    try {
      let s = this.initial();
      for (let k = 0; k < path.length; k++) {
        const step = path[k]!;
        this.replaying.step = k + 1;
        const from = this.withoutDeadHead(s).sys;
        const enabled = this.enabled(from).some((e) => sameStep(e, step));
        if (!enabled) return `step ${k + 1} (${describeStep(step)}) is not possible when replayed with the simulator's random numbers`;
        const r = this.apply(from, step);
        s = this.sys(s, r.step, r.nodes, r.pending, r.counters);
      }
      return undefined;
    } finally {
      this.replaying = undefined;
    }
  }

  /** Node i crashes: its timers and writes in flight are gone, and in lockstep the messages in flight to and from it. */
  private crash(nodes: NodeSnap[], pending: Map<string, InFlight>, i: number): void {
    nodes[i] = { ...nodes[i]!, status: 'crashed', timers: [], writes: NO_WRITES };
    if (this.lockstep) for (const [k, m] of pending) if (m.from === i || m.to === i) pending.delete(k);
  }

  /** Drops the oldest messages from `from` to `to` until one more fits the channel's capacity. */
  private makeRoom(pending: Map<string, InFlight>, from: number, to: number): void {
    const capacity = this.lockstep ? Infinity : this.budget.capacity ?? 1;
    if (capacity === Infinity) return;
    for (;;) {
      let count = 0;
      let oldest: InFlight | undefined;
      for (const m of pending.values()) {
        if (m.from !== from || m.to !== to) continue;
        count++;
        if (oldest === undefined || m.seq < oldest.seq) oldest = m;
      }
      if (count < capacity || oldest === undefined) return;
      pending.delete(oldest.key);
    }
  }

  private roleOf(state: unknown): string {
    try {
      return String(this.protocol.role(state));
    } catch {
      return '?';
    }
  }

  private initial(): Sys {
    const nodes: NodeSnap[] = this.ids.map(() => ({ state: undefined, status: 'up', durable: undefined, timers: [], role: '', writes: NO_WRITES }));
    const pending = new Map<string, InFlight>();
    for (let i = 0; i < this.ids.length; i++) this.handle(nodes, i, 0, (ctx) => this.protocol.init(ctx), pending);
    return this.sys(null, null, nodes, pending, { cursor: 0, crashes: 0, restarts: 0, dups: 0, fired: 0 });
  }

  private sys(parent: Sys | null, step: Step | null, nodes: NodeSnap[], pending: Map<string, InFlight>, c: Counters): Sys {
    // Async: a bag, in key order. Lockstep: a queue, in send order — the order is part of the state.
    const list = [...pending.values()].sort(this.lockstep ? (a, b) => a.seq - b.seq : (a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { nodes, pending: list, ...c, depth: parent === null ? 0 : parent.depth + 1, parent, step, monitors: null, views: null };
  }

  /** What determines a state's future (see the module header), absorbed part by part: each part's hash is cached. */
  private fingerprint(s: Sys, out: Uint32Array): void {
    out[0] = mix32(s.cursor);
    out[1] = mix32(s.crashes * 65_537 + s.restarts);
    out[2] = mix32((s.dups * 65_537 + s.fired) ^ 0x5bd1e995);
    for (const n of s.nodes) {
      absorb(out, n.status === 'up' ? 1 : 2, 0, 0);
      absorbHash(out, hashOf(n.state));
      absorbHash(out, hashOf(n.durable));
      absorbHash(out, hashOf(n.timers.join(',')));
      if (n.writes.length > 0) absorbHash(out, hashOf(n.writes));
    }
    absorb(out, s.pending.length, 0, 0);
    for (const m of s.pending) absorbHash(out, m.h);
  }

  /** Every step enabled in a state (within the budget), in a fixed order. */
  private enabled(s: Sys): Step[] {
    const b = this.budget;
    const out: Step[] = [];
    for (const m of s.pending) {
      if (s.nodes[m.to]!.status !== 'up') continue;
      out.push({ kind: 'deliver', from: this.ids[m.from]!, to: this.ids[m.to]!, message: m.msg, duplicate: false });
      if (s.dups < b.duplicate) out.push({ kind: 'deliver', from: this.ids[m.from]!, to: this.ids[m.to]!, message: m.msg, duplicate: true });
      if (this.lockstep) break; // only the oldest
    }
    s.nodes.forEach((n, i) => {
      if (n.status === 'up' && n.writes.length > 0) out.push({ kind: 'durable', node: this.ids[i]! });
    });
    // Lockstep: every message in flight is to a running node (see `crash`), and timers wait for all of them.
    if (s.fired < (b.timers ?? Infinity) && !(this.lockstep && this.busy(s))) {
      s.nodes.forEach((n, i) => {
        if (n.status === 'up') for (const name of n.timers) out.push({ kind: 'timer', node: this.ids[i]!, name });
      });
    }
    if (s.cursor < this.script.length) out.push({ kind: 'script', index: s.cursor, action: this.script[s.cursor]! });
    s.nodes.forEach((n, i) => {
      if (n.status === 'up' && s.crashes < b.crash && this.mayCrashNow(s, this.ids[i]!)) out.push({ kind: 'crash', node: this.ids[i]! });
      else if (n.status === 'crashed' && s.restarts < b.restart && !(this.lockstep && this.busy(s))) out.push({ kind: 'restart', node: this.ids[i]! });
    });
    return out;
  }

  /** Whether a message or a write is in flight (lockstep's timers and restarts wait for none to be). */
  private busy(s: Sys): boolean {
    return s.pending.length > 0 || s.nodes.some((n) => n.writes.length > 0);
  }

  /**
   * Lockstep: whether `node` may crash right after the step that led to
   * `s`. A crash commutes with any step that neither runs at the node nor
   * delivers a message from it (what such a step sends the node is lost
   * either way, and FIFO order among the rest is kept), so a crash moved
   * earlier past such steps reaches the same state; the search keeps only
   * the earliest place: at the start, right after a step that involves the
   * node, or right after a scripted action or another fault (whose effect
   * may depend on who is up). A violation in a state the move skips is met
   * on the path without the crash.
   */
  private mayCrashNow(s: Sys, node: NodeId): boolean {
    if (!this.lockstep) return true;
    const step = s.step;
    if (step === null) return true;
    switch (step.kind) {
      case 'deliver': return step.to === node || step.from === node;
      case 'timer': case 'durable': return step.node === node;
      case 'script': case 'crash': case 'restart': return true;
    }
  }

  /**
   * One step from a state: the next nodes, messages in flight and counters
   * (not yet a Sys), and whether anything changed. `step` must be enabled.
   */
  private apply(s: Sys, step: Step): Raw {
    const depth = s.depth + 1;
    const nodes = [...s.nodes];
    const pending = new Map(s.pending.map((x) => [x.key, x]));
    const c: Counters = { cursor: s.cursor, crashes: s.crashes, restarts: s.restarts, dups: s.dups, fired: s.fired };
    let changed = true;
    switch (step.kind) {
      case 'deliver': {
        const from = this.index.get(step.from)!;
        const to = this.index.get(step.to)!;
        if (!step.duplicate) pending.delete(`${from}>${to}:${keyOf(step.message)}`);
        changed = this.handle(nodes, to, depth, (ctx, snap) => this.protocol.onMessage(snap.state, step.from, step.message, ctx), pending);
        return { step, nodes, pending, counters: step.duplicate ? { ...c, dups: c.dups + 1 } : c, changed };
      }
      case 'timer': {
        const i = this.index.get(step.node)!;
        nodes[i] = { ...nodes[i]!, timers: nodes[i]!.timers.filter((t) => t !== step.name) };
        this.handle(nodes, i, depth, (ctx, snap) => this.protocol.onTimer(snap.state, step.name, ctx), pending);
        return { step, nodes, pending, counters: { ...c, fired: c.fired + 1 }, changed };
      }
      case 'script': {
        const r = this.scripted(s, depth, nodes, pending);
        return { step: r, nodes, pending, counters: { ...c, cursor: c.cursor + 1 }, changed };
      }
      case 'crash': {
        this.crash(nodes, pending, this.index.get(step.node)!);
        return { step, nodes, pending, counters: { ...c, crashes: c.crashes + 1 }, changed };
      }
      case 'restart': {
        const i = this.index.get(step.node)!;
        nodes[i] = { ...nodes[i]!, status: 'up', timers: [] };
        this.handle(nodes, i, depth, (ctx, snap) => this.protocol.onRestart(snap.durable, ctx), pending);
        return { step, nodes, pending, counters: { ...c, restarts: c.restarts + 1 }, changed };
      }
      case 'durable': {
        const i = this.index.get(step.node)!;
        const [w, ...rest] = nodes[i]!.writes;
        nodes[i] = { ...nodes[i]!, durable: w!.durable, writes: rest };
        for (const x of w!.waiting) this.enqueue(nodes, pending, i, x.to, x.msg);
        const onDurable = this.protocol.onDurable;
        if (onDurable !== undefined) this.handle(nodes, i, depth, (ctx, snap) => onDurable(snap.state, w!.durable, ctx), pending);
        return { step, nodes, pending, counters: c, changed };
      }
    }
  }

  /**
   * The successors of a state, each with the step that leads there.
   *
   * Dead messages: when delivering a message would change nothing at all
   * (its receiver's state, durable state and timers stay, and whatever it
   * sends is already in flight) — a reply from an old term, a duplicate
   * vote — it is dropped from every successor instead of being carried
   * along, where each later state would exist once with it and once
   * without. A message that does nothing now nearly always does nothing
   * later (terms, ballots and epochs only grow); `keepStale` turns this
   * off for a protocol where that is not so.
   */
  private successors(s: Sys): { step: Step; next: Sys }[] {
    const raw: Raw[] = [];
    const dead = new Set<string>();
    const { sys: from, head } = this.withoutDeadHead(s);
    for (const step of this.enabled(from)) {
      // Lockstep's one delivery is the head, already applied to see that it is not dead.
      const r = head !== undefined && step.kind === 'deliver' && !step.duplicate ? head : this.apply(from, step);
      if (step.kind === 'deliver' && !step.duplicate && !r.changed && this.budget.keepStale !== true) {
        dead.add(`${this.index.get(step.from)}>${this.index.get(step.to)}:${keyOf(step.message)}`);
        continue;
      }
      raw.push(r);
    }
    return raw.map((r) => {
      for (const k of dead) r.pending.delete(k);
      return { step: r.step, next: this.sys(s, r.step, r.nodes, r.pending, r.counters) };
    });
  }

  /**
   * Lockstep: the state with the dead messages at the head of the queue
   * taken out (each would block every timer while changing nothing), the
   * same step and parent — the messages are lost, which is no step — and
   * the delivery of the live head, applied to find it (with the search's
   * random numbers: a replay applies it again with the simulator's).
   */
  private withoutDeadHead(s: Sys): { sys: Sys; head?: Raw } {
    if (!this.lockstep || this.budget.keepStale === true) return { sys: s };
    let pending = s.pending;
    let head: Raw | undefined;
    // A trial delivery: a replay neither records it nor lets it draw from the simulator's streams (the message is never delivered there).
    const replaying = this.replaying;
    this.replaying = undefined;
    try {
      while (pending.length > 0) {
        const m = pending[0]!;
        const r = this.apply({ ...s, pending }, { kind: 'deliver', from: this.ids[m.from]!, to: this.ids[m.to]!, message: m.msg, duplicate: false });
        if (r.changed) {
          head = r;
          break;
        }
        pending = pending.slice(1);
      }
    } finally {
      this.replaying = replaying;
    }
    const sys = pending === s.pending ? s : { ...s, pending };
    return head === undefined ? { sys } : { sys, head };
  }

  /** Runs the next scripted action on `nodes` / `pending`; returns the step, naming the node it went to. */
  private scripted(s: Sys, depth: number, nodes: NodeSnap[], pending: Map<string, InFlight>): Step {
    const action = this.script[s.cursor]!;
    let node: number | undefined;
    switch (action.kind) {
      case 'client': {
        const clientNumber = this.script.slice(0, s.cursor + 1).filter((a) => a.kind === 'client').length;
        node = action.target === undefined ? this.index.get(this.clientTargetOf()) : this.resolve(action.target, s)[0];
        if (node !== undefined && nodes[node]!.status === 'up') {
          const op: ClientOp = { id: `c${clientNumber}`, name: action.op, args: action.args };
          this.handle(nodes, node, depth, (ctx, snap) => this.protocol.onClient(snap.state, op, ctx), pending);
        }
        break;
      }
      case 'crash':
        for (const i of this.resolve(action.target, s)) if (nodes[i]!.status === 'up') this.crash(nodes, pending, i);
        break;
      case 'restart':
        for (const i of this.resolve(action.target, s)) {
          if (nodes[i]!.status !== 'crashed') continue;
          nodes[i] = { ...nodes[i]!, status: 'up', timers: [] };
          this.handle(nodes, i, depth, (ctx, snap) => this.protocol.onRestart(snap.durable, ctx), pending);
        }
        break;
      default:
        break; // partitions, cuts, heals, pauses, drift and notes add nothing to an asynchronous network
    }
    return { kind: 'script', index: s.cursor, action, ...(node !== undefined ? { node: this.ids[node]! } : {}) };
  }

  private clientTargetOf(): NodeId {
    try {
      return this.protocol.clientTarget({ nodes: this.ids, params: this.spec.params });
    } catch {
      return this.ids[0]!;
    }
  }

  private resolve(t: Target, s: Sys): number[] {
    if (t.kind === 'nodes') return t.nodes.map((id) => this.index.get(id)).filter((x): x is number => x !== undefined);
    const q = this.protocol.vocabulary.queries.find((x) => x.name === t.query);
    try {
      const r = q?.evaluate(this.world(s, this.views(s, null)), t.args);
      return Array.isArray(r) ? r.map((id) => this.index.get(String(id))).filter((x): x is number => x !== undefined) : [];
    } catch {
      return [];
    }
  }

  private views(s: Sys, parent: { sys: Sys; views: View[] } | null): View[] {
    return s.nodes.map((n, i) => {
      const pv = parent?.views[i];
      if (pv !== undefined && pv.state === n.state && pv.status === n.status && pv.durable === n.durable) return pv;
      return new View(this.ids[i]!, i, n.status, n.state, n.role, n.durable);
    });
  }

  private world(s: Sys, views: View[]): SearchWorld {
    return new SearchWorld(s.depth * STEP_US, views, this.spec.params, this.index);
  }

  /** Forks the parent's monitors for `s`, observes `s` and checks the invariants; returns the first new violation. */
  private check(s: Sys, parent: Sys | null): { check: string; message: string } | undefined {
    // The monitors may keep references into these values: mark them shared before memory is copied.
    for (const n of s.nodes) {
      register(n.state);
      register(n.durable);
    }
    for (const m of s.pending) register(m.msg);
    const views = this.views(s, parent === null ? null : { sys: parent, views: parent.views! });
    const world = this.world(s, views);
    let monitors: Monitors;
    let changed: View[];
    if (parent === null) {
      monitors = new Monitors(this.protocol.vocabulary.invariants);
      changed = views;
    } else {
      const map = new Map<object, unknown>();
      parent.views!.forEach((v, i) => map.set(v, views[i]));
      monitors = parent.monitors!.fork((memory) => copyMemory(memory, map));
      changed = views.filter((v, i) => v !== parent.views![i]);
    }
    s.monitors = monitors;
    s.views = views;
    const found = changed.length > 0 || parent === null ? monitors.check(world as World, changed) : [];
    return found.length > 0 ? { check: found[0]!.invariant, message: found[0]!.message } : undefined;
  }

  run(): ExhaustiveResult {
    const b = this.budget;
    const now = b.now ?? (() => 0);
    const started = now();
    const deadline = b.timeMs === undefined ? Infinity : started + b.timeMs;
    const seen = new FingerprintSet();
    const fp = new Uint32Array(3);
    let explored = 0;
    let transitions = 0;
    let depth = 0;
    const stats = (): ExhaustiveStats => ({ explored, unique: seen.size, transitions, depth, seconds: (now() - started) / 1000 });
    const root = this.initial();
    this.fingerprint(root, fp);
    seen.add(fp[0]!, fp[1]!, fp[2]!);
    const atRoot = this.check(root, null);
    if (atRoot !== undefined) return { ...stats(), verdict: 'violation', finding: atRoot, path: [] };
    let frontier: Sys[] = [root];
    let lastProgress = started;
    while (frontier.length > 0) {
      const next: Sys[] = [];
      for (const s of frontier) {
        if (s.depth >= b.depth) continue;
        const stoppedBy = seen.size >= b.maxStates ? 'states' : now() > deadline ? 'time' : b.cancel?.cancelled === true ? 'cancel' : undefined;
        if (stoppedBy !== undefined) return { ...stats(), verdict: 'bounded', stoppedBy };
        explored++;
        for (const { next: child } of this.successors(s)) {
          transitions++;
          this.fingerprint(child, fp);
          if (!seen.add(fp[0]!, fp[1]!, fp[2]!)) continue;
          const v = this.check(child, s);
          if (v !== undefined) {
            depth = Math.max(depth, child.depth);
            return { ...stats(), verdict: 'violation', finding: v, path: pathOf(child) };
          }
          next.push(child);
        }
        // The memory is needed only to fork children.
        s.monitors = null;
        s.views = null;
        if (b.onProgress && now() - lastProgress > 250) {
          lastProgress = now();
          b.onProgress(stats());
        }
      }
      if (next.length > 0) depth = next[0]!.depth;
      frontier = next;
    }
    return { ...stats(), verdict: 'complete' };
  }
}

/** What one handler call did, as a replay reports it (step 0: init). */
export interface Handled {
  readonly step: number;
  readonly node: number;
  readonly timers: readonly { readonly name: string; readonly set: boolean; readonly after: number }[];
  readonly sends: readonly { readonly to: number; readonly type: string; readonly key: string }[];
  /** Writes issued that stay in flight until a `durable` step (storage with latency). */
  readonly writes: number;
}

function sameStep(a: Step, b: Step): boolean {
  switch (a.kind) {
    case 'deliver': return b.kind === 'deliver' && a.from === b.from && a.to === b.to && a.duplicate === b.duplicate && keyOf(a.message) === keyOf(b.message);
    case 'timer': return b.kind === 'timer' && a.node === b.node && a.name === b.name;
    case 'script': return b.kind === 'script' && a.index === b.index;
    case 'crash': case 'restart': case 'durable': return b.kind === a.kind && a.node === b.node;
  }
}

function pathOf(s: Sys): Step[] {
  const out: Step[] = [];
  for (let x: Sys | null = s; x !== null && x.step !== null; x = x.parent) out.push(x.step);
  return out.reverse();
}

/** One line per step, for the report and the counterexample's comments. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'deliver': return `${step.to} receives ${step.message.type} from ${step.from}${step.duplicate ? ' (a duplicate: it stays in flight)' : ''}`;
    case 'timer': return `${step.node}'s ${step.name} timer fires`;
    case 'script': return `scripted: ${step.action.kind === 'client' ? `client ${step.action.op} ${JSON.stringify(step.action.args)}` : step.action.kind}${step.node !== undefined ? ` at ${step.node}` : ''}`;
    case 'crash': return `${step.node} crashes`;
    case 'restart': return `${step.node} restarts`;
    case 'durable': return `${step.node}'s oldest write in flight completes`;
  }
}

/** The storage model a scenario implies: `latency` when its writes take time. */
export function storageOf(spec: ScenarioSpec): SearchStorage {
  const all = [spec.storage.latency, ...Object.values(spec.storage.perNode ?? {})];
  return all.some((d) => !(d.kind === 'fixed' && d.value <= 0)) ? 'latency' : 'instant';
}

/** Runs the exhaustive search of a scenario. */
export function exhaustive(spec: ScenarioSpec, protocol: Protocol, budget: ExhaustiveBudget = DEFAULT_EXHAUSTIVE): ExhaustiveResult {
  return new ExhaustiveSearch(spec, protocol, budget).run();
}
