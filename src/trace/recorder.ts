/**
 * The in-memory trace a run records: columnar, append-only, cheap per event.
 *
 * Each event is one row of parallel typed arrays — time (Float64), kind (Uint8; drop reasons and duplicate deliveries are
 * folded into the kind code), node index (Int32), cause (Int32, -1 = none)
 * and one Int32 operand `a`: the message id for send/deliver/drop, an
 * interned string for timers, a state-version number for state events, and
 * otherwise an index into a side table of payload objects. Messages are
 * another set of columns (type, destination, send event, body reference).
 * A body chunk is only allocated once a message in it has a body: many
 * messages have none (a bare `{ type }`), and a run of them then pays for
 * neither the body array nor its writes. A message storm of body-less
 * messages therefore costs about 21 bytes per event plus 12 per message,
 * with no object per event.
 *
 * Columns are chunked: the first chunk grows eightfold from 1024 rows up to
 * CHUNK rows, then each further chunk is a fresh array of CHUNK rows, so a
 * long run never copies what it recorded and wastes at most one chunk. (By
 * eight, not two: a long run then reaches a full chunk in two copies
 * instead of six, allocating 73k rows instead of 127k on the way, while a
 * short run still holds at most 8x the rows it recorded.)
 * Row i lives at chunk i >>> CHUNK_BITS, offset i & CHUNK_MASK.
 *
 * Node states are immutable references: the recorder keeps every version
 * (event index, state, role, and the node's previous version). `stateAt(i)`
 * binary-searches each node's list of versions, built the first time it is
 * asked for (a run that only records — most of them until they are written —
 * does not touch a per-node list at every state event); the change list of
 * a state event is computed only when the event is materialized, by diffing
 * the version with its predecessor.
 * `event(i)` builds one event in the JSON shape of format.ts.
 */
import type { Json, NodeId } from '../engine/protocol.js';
import type { SourceRange } from '../engine/spec.js';
import { diffJson } from './diff.js';
import type { DropReason, TraceEvent } from './format.js';

/** Internal kind codes (column `kind`). */
export const K = {
  send: 0, deliver: 1, deliverDup: 2,
  dropLoss: 3, dropPartition: 4, dropRule: 5, dropCrashed: 6, dropPaused: 7, dropPersistLost: 8,
  timer: 9, client: 10, reply: 11, crash: 12, restart: 13, pause: 14, resume: 15,
  partition: 16, heal: 17, state: 18, violation: 19, note: 20, durable: 21,
} as const;

/** Rows per column chunk (2^16), and the first chunk's initial size. */
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;
const FIRST = 1024;
/** Growth factor of the first chunk (FIRST times a power of it must reach CHUNK). */
const FIRST_GROWTH = 8;

const DROP_REASONS: readonly DropReason[] = ['loss', 'partition', 'rule', 'crashed', 'paused', 'persist-lost'];
const DROP_BASE = K.dropLoss;

export function dropCode(reason: DropReason): number {
  return DROP_BASE + DROP_REASONS.indexOf(reason);
}

interface ClientAux { readonly id: string; readonly name: string; readonly args: Readonly<Record<string, Json>> }
interface ReplyAux { readonly op: string; readonly ok: boolean; readonly result?: Json }
interface PartitionAux { readonly groups?: readonly (readonly NodeId[])[]; readonly cut?: readonly [NodeId, NodeId] }
interface ViolationAux { readonly invariant: string; readonly message: string }

export class TraceRecorder {
  readonly nodes: readonly NodeId[];
  private n = 0;
  /** Offset of the next row in the current (last) chunk. */
  private off = 0;
  /* The current chunk of each event column … */
  private t = new Float64Array(FIRST);
  private kind = new Uint8Array(FIRST);
  private node = new Int32Array(FIRST);
  private cause = new Int32Array(FIRST);
  private a = new Int32Array(FIRST);
  /* … and every chunk, in order. */
  private readonly tC: Float64Array[] = [this.t];
  private readonly kindC: Uint8Array[] = [this.kind];
  private readonly nodeC: Int32Array[] = [this.node];
  private readonly causeC: Int32Array[] = [this.cause];
  private readonly aC: Int32Array[] = [this.a];
  private readonly aux: unknown[] = [];
  private readonly sources = new Map<number, SourceRange>();

  private m = 0;
  private moff = 0;
  private msgType = new Int32Array(FIRST);
  private msgTo = new Int32Array(FIRST);
  private msgSend = new Int32Array(FIRST);
  private readonly msgTypeC: Int32Array[] = [this.msgType];
  private readonly msgToC: Int32Array[] = [this.msgTo];
  private readonly msgSendC: Int32Array[] = [this.msgSend];
  /**
   * Message bodies, chunked like the columns: a plain array the size of the
   * chunk (so a send never grows one), or null while no message of the
   * chunk has had a body.
   */
  private msgBody: (Json | undefined)[] | null = null;
  private readonly msgBodyC: ((Json | undefined)[] | null)[] = [null];
  private readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  /** The first few message types seen and their string ids: a send finds its type here by a short scan, without hashing. */
  private readonly typeKeys: string[] = [];
  private readonly typeIds: number[] = [];

  private v = 0;
  private verEvent = new Int32Array(256);
  private verPrev = new Int32Array(256);
  private verNode = new Int32Array(256);
  /** Each version's role, as an interned string. */
  private verRole = new Int32Array(256);
  private readonly verState: Json[] = [];
  /** Per node: its last version (-1: none). */
  private readonly lastVersion: Int32Array;
  /** Per node: its version numbers, ascending by event (null until `byNode` first needs them). */
  private versions: number[][] | null = null;

  constructor(nodes: readonly NodeId[]) {
    this.nodes = nodes;
    this.lastVersion = new Int32Array(nodes.length).fill(-1);
  }

  /** Number of events recorded. */
  get length(): number {
    return this.n;
  }

  /** Number of messages sent (message ids run 1..messageCount). */
  get messageCount(): number {
    return this.m;
  }

  intern(s: string): number {
    let k = this.stringIndex.get(s);
    if (k === undefined) {
      k = this.strings.length;
      this.strings.push(s);
      this.stringIndex.set(s, k);
    }
    return k;
  }

  private typeId(type: string): number {
    const keys = this.typeKeys;
    for (let k = 0; k < keys.length; k++) if (keys[k] === type) return this.typeIds[k];
    const id = this.intern(type);
    if (keys.length < 8) {
      keys.push(type);
      this.typeIds.push(id);
    }
    return id;
  }

  private row(time: number, kind: number, node: number, cause: number, a: number): number {
    if (this.off === this.t.length) this.growEvents();
    const o = this.off;
    this.t[o] = time;
    this.kind[o] = kind;
    this.node[o] = node;
    this.cause[o] = cause;
    this.a[o] = a;
    this.off = o + 1;
    return this.n++;
  }

  private growEvents(): void {
    const c = this.t.length;
    const last = this.tC.length - 1;
    if (c < CHUNK) {
      // Still the first chunk: grow it.
      const size = c * FIRST_GROWTH;
      const t = new Float64Array(size); t.set(this.t); this.t = this.tC[last] = t;
      const k = new Uint8Array(size); k.set(this.kind); this.kind = this.kindC[last] = k;
      this.node = this.nodeC[last] = grow32(this.node, size);
      this.cause = this.causeC[last] = grow32(this.cause, size);
      this.a = this.aC[last] = grow32(this.a, size);
      return;
    }
    this.tC.push(this.t = new Float64Array(CHUNK));
    this.kindC.push(this.kind = new Uint8Array(CHUNK));
    this.nodeC.push(this.node = new Int32Array(CHUNK));
    this.causeC.push(this.cause = new Int32Array(CHUNK));
    this.aC.push(this.a = new Int32Array(CHUNK));
    this.off = 0;
  }

  private growMessages(): void {
    const c = this.msgType.length;
    const last = this.msgTypeC.length - 1;
    if (c < CHUNK) {
      const size = c * FIRST_GROWTH;
      this.msgType = this.msgTypeC[last] = grow32(this.msgType, size);
      this.msgTo = this.msgToC[last] = grow32(this.msgTo, size);
      this.msgSend = this.msgSendC[last] = grow32(this.msgSend, size);
      const old = this.msgBody;
      if (old !== null) {
        const body = new Array<Json | undefined>(size);
        for (let k = 0; k < c; k++) body[k] = old[k];
        this.msgBody = this.msgBodyC[last] = body;
      }
      return;
    }
    this.msgTypeC.push(this.msgType = new Int32Array(CHUNK));
    this.msgToC.push(this.msgTo = new Int32Array(CHUNK));
    this.msgSendC.push(this.msgSend = new Int32Array(CHUNK));
    this.msgBodyC.push(this.msgBody = null);
    this.moff = 0;
  }

  /** Stores the body of the message at offset `o` of the current chunk, allocating the chunk's body array on first use. */
  private setBody(o: number, body: Json): void {
    let bodies = this.msgBody;
    if (bodies === null) {
      bodies = this.msgBody = this.msgBodyC[this.msgBodyC.length - 1] = new Array<Json | undefined>(this.msgType.length);
    }
    bodies[o] = body;
  }

  private withAux(time: number, kind: number, node: number, cause: number, payload: unknown): number {
    this.aux.push(payload);
    return this.row(time, kind, node, cause, this.aux.length - 1);
  }

  /** Records a send and registers its message; returns the message id (from 1). */
  send(time: number, from: number, cause: number, to: number, type: string, body: Json | undefined): number {
    const id = this.m + 1;
    if (this.moff === this.msgType.length) this.growMessages();
    const ev = this.row(time, K.send, from, cause, id);
    const o = this.moff;
    this.msgType[o] = this.typeId(type);
    this.msgTo[o] = to;
    this.msgSend[o] = ev;
    if (body !== undefined) this.setBody(o, body);
    this.moff = o + 1;
    this.m = id;
    return id;
  }

  /** The send event of message `id`. */
  sendEventOf(id: number): number {
    const j = id - 1;
    return this.msgSendC[j >>> CHUNK_BITS][j & CHUNK_MASK];
  }

  /** Records a delivery of message `msg`, caused by its send event (`sendEvent`, when the caller already has it). */
  deliver(time: number, node: number, msg: number, dup: boolean, sendEvent = this.sendEventOf(msg)): number {
    return this.row(time, dup ? K.deliverDup : K.deliver, node, sendEvent, msg);
  }

  drop(time: number, node: number, cause: number, msg: number, reason: DropReason): number {
    return this.row(time, dropCode(reason), node, cause, msg);
  }

  timer(time: number, node: number, cause: number, name: string): number {
    return this.row(time, K.timer, node, cause, this.intern(name));
  }

  client(time: number, node: number, cause: number, op: ClientAux): number {
    return this.withAux(time, K.client, node, cause, op);
  }

  reply(time: number, node: number, cause: number, reply: ReplyAux): number {
    return this.withAux(time, K.reply, node, cause, reply);
  }

  /** crash / restart / pause / resume / heal (node -1 for heal). */
  simple(time: number, kind: number, node: number, cause: number): number {
    return this.row(time, kind, node, cause, -1);
  }

  /** A write of `node` completed: its durable state is now what it last wrote. */
  durable(time: number, node: number, cause: number): number {
    return this.row(time, K.durable, node, cause, -1);
  }

  partition(time: number, cause: number, payload: PartitionAux): number {
    return this.withAux(time, K.partition, -1, cause, payload);
  }

  violation(time: number, cause: number, payload: ViolationAux): number {
    return this.withAux(time, K.violation, -1, cause, payload);
  }

  note(time: number, node: number, cause: number, text: string): number {
    return this.withAux(time, K.note, node, cause, text);
  }

  setSource(i: number, source: SourceRange | undefined): void {
    if (source !== undefined) this.sources.set(i, source);
  }

  /** Records a node's initial state (before any event). */
  initialState(node: number, state: Json, role: string): void {
    this.addVersion(-1, node, state, role);
  }

  /** Records a state event: `node` now has `state` (a new reference) and `role`. */
  state(time: number, node: number, cause: number, state: Json, role: string): number {
    const ev = this.row(time, K.state, node, cause, this.v);
    this.addVersion(ev, node, state, role);
    return ev;
  }

  private addVersion(ev: number, node: number, state: Json, role: string): void {
    if (this.v === this.verEvent.length) {
      const c = this.v * 2;
      this.verEvent = grow32(this.verEvent, c);
      this.verPrev = grow32(this.verPrev, c);
      this.verNode = grow32(this.verNode, c);
      this.verRole = grow32(this.verRole, c);
    }
    this.verEvent[this.v] = ev;
    this.verPrev[this.v] = this.lastVersion[node];
    this.verNode[this.v] = node;
    this.verState.push(state);
    this.verRole[this.v] = this.intern(role);
    this.lastVersion[node] = this.v;
    this.versions?.[node].push(this.v);
    this.v++;
  }

  /** Per node, its versions ascending by event (built from the version columns on first use, then kept up to date). */
  private byNode(): number[][] {
    if (this.versions === null) {
      const lists: number[][] = this.nodes.map(() => []);
      for (let v = 0; v < this.v; v++) lists[this.verNode[v]].push(v);
      this.versions = lists;
    }
    return this.versions;
  }

  /** Every node's state after event `i` (-1: the initial states). */
  stateAt(i: number): Record<NodeId, Json> {
    const out: Record<NodeId, Json> = {};
    for (let k = 0; k < this.nodes.length; k++) {
      const ver = this.versionAt(k, i);
      out[this.nodes[k]] = ver < 0 ? null : this.verState[ver];
    }
    return out;
  }

  /** The role of each node at the start of the run. */
  initialRoles(): string[] {
    const versions = this.byNode();
    return this.nodes.map((_, k) => {
      const list = versions[k];
      return list.length > 0 && this.verEvent[list[0]] === -1 ? this.strings[this.verRole[list[0]]] : '';
    });
  }

  private versionAt(node: number, i: number): number {
    const list = this.byNode()[node];
    let lo = 0;
    let hi = list.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.verEvent[list[mid]] <= i) {
        best = list[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best;
  }

  /** Time of event i (µs). */
  timeOf(i: number): number {
    return this.tC[i >>> CHUNK_BITS][i & CHUNK_MASK];
  }

  /** Event i materialized in the trace format's JSON shape. */
  event(i: number): TraceEvent {
    if (!Number.isInteger(i) || i < 0 || i >= this.n) throw new RangeError(`TraceRecorder#event: index ${i} out of range 0..${this.n - 1}`);
    const c = i >>> CHUNK_BITS;
    const o = i & CHUNK_MASK;
    const kind = this.kindC[c][o];
    const cause = this.causeC[c][o];
    const base = { i, t: this.tC[c][o], cause: cause < 0 ? null : cause };
    const nodeIndex = this.nodeC[c][o];
    const node = nodeIndex >= 0 ? this.nodes[nodeIndex] : undefined;
    const a = this.aC[c][o];
    const src = this.sources.get(i);
    const withSource = <E extends TraceEvent>(e: E): E => (src === undefined ? e : { ...e, source: src });
    switch (kind) {
      case K.send: {
        const m = a - 1;
        const bodies = this.msgBodyC[m >>> CHUNK_BITS];
        const body = bodies === null ? undefined : bodies[m & CHUNK_MASK];
        const type = this.strings[this.msgTypeC[m >>> CHUNK_BITS][m & CHUNK_MASK]];
        const to = this.nodes[this.msgToC[m >>> CHUNK_BITS][m & CHUNK_MASK]];
        const msg = { id: a, type, from: node!, to, ...(body === undefined ? {} : { body }) };
        return withSource({ ...base, kind: 'send', node: node!, msg });
      }
      case K.deliver:
        return withSource({ ...base, kind: 'deliver', node: node!, msg: a });
      case K.deliverDup:
        return withSource({ ...base, kind: 'deliver', node: node!, msg: a, dup: true });
      case K.timer:
        return withSource({ ...base, kind: 'timer', node: node!, name: this.strings[a] });
      case K.client:
        return withSource({ ...base, kind: 'client', node: node!, op: this.aux[a] as ClientAux });
      case K.reply: {
        const r = this.aux[a] as ReplyAux;
        return withSource({ ...base, kind: 'reply', node: node!, op: r.op, ok: r.ok, ...(r.result === undefined ? {} : { result: r.result }) });
      }
      case K.crash: return withSource({ ...base, kind: 'crash', node: node! });
      case K.restart: return withSource({ ...base, kind: 'restart', node: node! });
      case K.pause: return withSource({ ...base, kind: 'pause', node: node! });
      case K.resume: return withSource({ ...base, kind: 'resume', node: node! });
      case K.heal: return withSource({ ...base, kind: 'heal' });
      case K.durable: return withSource({ ...base, kind: 'durable', node: node! });
      case K.partition:
        return withSource({ ...base, kind: 'partition', ...(this.aux[a] as PartitionAux) });
      case K.state: {
        const prev = this.verPrev[a];
        const before = prev < 0 ? undefined : this.verState[prev];
        const changes = diffJson(before, this.verState[a]);
        const roleChanged = prev < 0 || this.verRole[prev] !== this.verRole[a];
        return withSource({ ...base, kind: 'state', node: node!, changes, ...(roleChanged ? { role: this.strings[this.verRole[a]] } : {}) });
      }
      case K.violation: {
        const v = this.aux[a] as ViolationAux;
        return withSource({ ...base, kind: 'violation', invariant: v.invariant, message: v.message });
      }
      case K.note:
        return withSource({ ...base, kind: 'note', ...(node === undefined ? {} : { node }), text: this.aux[a] as string });
      default:
        if (kind >= DROP_BASE && kind < DROP_BASE + DROP_REASONS.length) {
          return withSource({ ...base, kind: 'drop', node: node!, msg: a, reason: DROP_REASONS[kind - DROP_BASE] });
        }
        throw new RangeError(`TraceRecorder#event: corrupt kind code ${kind} at ${i}`);
    }
  }

  /** Internal kind code of event i (fast filtering without materializing). */
  kindCode(i: number): number {
    return this.kindC[i >>> CHUNK_BITS][i & CHUNK_MASK];
  }

  /** Cause of event i (-1 = none). */
  causeOf(i: number): number {
    return this.causeC[i >>> CHUNK_BITS][i & CHUNK_MASK];
  }

  /** Bytes held by the typed columns (for the benchmark's accounting). */
  columnBytes(): number {
    const sum = (cols: readonly ArrayBufferView[][]): number => cols.reduce((acc, chunks) => acc + chunks.reduce((x, c) => x + c.byteLength, 0), 0);
    return sum([this.tC, this.kindC, this.nodeC, this.causeC, this.aC, this.msgTypeC, this.msgToC, this.msgSendC]);
  }
}

function grow32(old: Int32Array, capacity: number): Int32Array<ArrayBuffer> {
  const x = new Int32Array(capacity);
  x.set(old);
  return x;
}
