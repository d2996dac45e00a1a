/**
 * A replicated key-value state machine with client sessions, for the
 * protocols that replicate commands (Raft, Multi-Paxos): `get`, `put`,
 * `append` and `cas` applied in a total order, each operation id at most
 * once (Ongaro's thesis §6.3). Applying is a pure function of the commands,
 * so every replica that applies the same sequence holds the same map and
 * sessions and computes the same results — what `expect linearizable`
 * checks against the `kv` model (src/checks/models.ts).
 *
 * Results: `put` → null, `get` → the value or null when absent, `append` →
 * null (the value becomes the old string + the argument's string, an absent
 * value counting as ""; MIT 6.824's Append), `cas` → true when the value
 * equalled `expected` and was replaced, else false.
 *
 * Sessions. The node that received an operation (its `origin`) acts as the
 * client of §6.3. Operation ids are the simulator's `c1, c2, …`, increasing
 * over the run, so their numbers serve as the session's sequence numbers.
 * Each command carries `floor`: the lowest number its origin still had
 * pending when it created the command (the thesis's "lowest sequence number
 * for which the client has not yet received a response"). A session keeps
 * the results of its ops numbered at or above the highest floor seen and
 * discards older ones, so memory stays bounded by the ops in flight. A
 * command numbered below the floor is stale (its origin has already answered
 * or abandoned it): it is skipped. Ids without a number are never stale and
 * never discarded.
 */
import type { ClientOp, Json, NodeId } from '../../engine/protocol.js';
import type { OpSpec } from '../../engine/vocabulary.js';
import { jsonEqual } from '../../trace/json-equal.js';

/** A client operation as a command of the state machine; `origin` is the node that took it from the client. */
export type KvCommand =
  | { op: 'put'; id: string; origin: NodeId; floor?: number; key: string; value: Json }
  | { op: 'get'; id: string; origin: NodeId; floor?: number; key: string }
  | { op: 'append'; id: string; origin: NodeId; floor?: number; key: string; value: Json }
  | { op: 'cas'; id: string; origin: NodeId; floor?: number; key: string; expected: Json; value: Json };

export type KvMap = Record<string, Json>;

/** One origin's session (thesis §6.3). */
export type Session = {
  /** Every op of this origin numbered below `floor` is finished; such commands are skipped. */
  floor: number;
  /** Ops of this origin applied so far (a metric). */
  applied: number;
  /** Results of applied ops numbered ≥ floor (or unnumbered), by op id: retries are answered from here. */
  results: Record<string, Json>;
};
export type Sessions = Record<NodeId, Session>;

/**
 * The client operations of a key-value store, for a protocol's vocabulary
 * (with `history: { model: 'kv' }`); `how` says how the protocol carries
 * them out (`through the log`), for the docs.
 */
export function kvOps(how: string): OpSpec[] {
  const key = { name: 'key', type: 'key' } as const;
  const value = { name: 'value', type: 'value' } as const;
  return [
    { name: 'put', template: 'put <key:key> = <value:value>', args: [key, value],
      doc: `Write VALUE to KEY ${how}; replies when the write is applied.` },
    { name: 'get', template: 'get <key:key>', args: [key],
      doc: `Read KEY ${how} (linearizable); the result is null when absent.` },
    { name: 'append', template: 'append <key:key> <value:value>', args: [key, value],
      doc: `Append VALUE (as text) to the string at KEY (absent = "") ${how}.` },
    { name: 'cas', template: 'cas <key:key> <expected:value> <value:value>', args: [key, { name: 'expected', type: 'value' }, value],
      doc: `Compare-and-set ${how}: write VALUE if KEY holds EXPECTED (null = absent); the result says whether it did.` },
  ];
}

const KV_OP_NAMES = ['put', 'get', 'append', 'cas'];

/** The sequence number of an op id `cN`; NaN for other ids. */
export function opNumber(id: string): number {
  // As /^c\d+$/ (ASCII digits), without a regular expression: it runs for every applied op.
  if (id.length < 2 || id.charCodeAt(0) !== 99 /* c */) return NaN;
  let n = 0;
  for (let i = 1; i < id.length; i++) {
    const d = id.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  // Exact up to 15 digits; longer ones are rounded as Number() rounds them.
  return id.length <= 16 ? n : Number(id.slice(1));
}

/**
 * A client op as a command taken at `origin` whose lowest pending op number
 * is `floor` (NaN: none), or a message saying why it is not a KV operation
 * (`supported` names the operations the protocol offers, for that message).
 */
export function kvCommand(op: ClientOp, origin: NodeId, floor: number, protocol: string): KvCommand | string {
  const a = op.args ?? {};
  const key = a.key;
  if (typeof key !== 'string') return `${op.name}: the key must be a string`;
  const f = Number.isNaN(floor) ? {} : { floor };
  switch (op.name) {
    case 'put':
    case 'append':
      if (a.value === undefined) return `${op.name}: missing value`;
      return { op: op.name, id: op.id, origin, ...f, key, value: a.value };
    case 'get':
      return { op: 'get', id: op.id, origin, ...f, key };
    case 'cas':
      if (a.expected === undefined || a.value === undefined) return 'cas: needs an expected value and a new value';
      return { op: 'cas', id: op.id, origin, ...f, key, expected: a.expected, value: a.value };
    default:
      return `unknown operation ${op.name}; ${protocol} supports ${KV_OP_NAMES.join(', ')}`;
  }
}

/** The session floor for a new op `id` at a node with these ops pending: the lowest op number among them, `id`'s included. */
export function sessionFloor(pendingIds: Iterable<string>, id: string): number {
  let floor = opNumber(id);
  for (const p of pendingIds) {
    const n = opNumber(p);
    if (n < floor || Number.isNaN(floor)) floor = n;
  }
  return floor;
}

export type Lookup = { kind: 'done'; result: Json } | { kind: 'stale' } | { kind: 'new' };

const NEW: Lookup = Object.freeze({ kind: 'new' });
const STALE: Lookup = Object.freeze({ kind: 'stale' });

/** Whether `cmd` was applied already (with its result), is stale, or is new to the state machine. */
export function lookup(sessions: Sessions, cmd: { id: string; origin: NodeId }): Lookup {
  const s = sessions[cmd.origin];
  if (!s) return NEW;
  if (Object.hasOwn(s.results, cmd.id)) return { kind: 'done', result: s.results[cmd.id]! };
  return opNumber(cmd.id) < s.floor ? STALE : NEW;
}

/** Applies one command to `kv` in place and returns the operation's result. */
export function applyCommand(kv: KvMap, cmd: KvCommand): Json {
  switch (cmd.op) {
    case 'put':
      kv[cmd.key] = cmd.value;
      return null;
    case 'get':
      return Object.hasOwn(kv, cmd.key) ? kv[cmd.key]! : null;
    case 'append': {
      const current = Object.hasOwn(kv, cmd.key) ? kv[cmd.key]! : null;
      kv[cmd.key] = textOf(current) + textOf(cmd.value);
      return null;
    }
    case 'cas': {
      const current = Object.hasOwn(kv, cmd.key) ? kv[cmd.key]! : null;
      if (!jsonEqual(current, cmd.expected)) return false;
      kv[cmd.key] = cmd.value;
      return true;
    }
    default: {
      const never: never = cmd;
      return never;
    }
  }
}

/** The text `append` works on: a string as is, null as "", anything else as its JSON. */
export function textOf(v: Json): string {
  return v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * A batch of applies over copies made on first write: `kv`, the session
 * index and each touched session (and its results) are copied at most once
 * per batch, so the states before the batch stay untouched.
 */
export class Applier {
  private kvCopied = false;
  private sessionsCopied = false;
  /** Origins whose session this batch has copied (few: one per client-facing node). */
  private readonly touched: NodeId[] = [];
  /** The `results` objects this batch created (and may still write to). */
  private readonly owned: Record<string, Json>[] = [];

  constructor(public kv: KvMap, public sessions: Sessions) {}

  /** Applies `cmd` unless it is a duplicate (then its stored result) or stale (then undefined). */
  apply(cmd: KvCommand): { result: Json; dup: boolean } | undefined {
    const seen = lookup(this.sessions, cmd);
    if (seen.kind === 'stale') return undefined;
    if (seen.kind === 'done') return { result: seen.result, dup: true };
    if (!this.kvCopied) {
      this.kv = { ...this.kv };
      this.kvCopied = true;
    }
    const result = applyCommand(this.kv, cmd);
    const s = this.session(cmd.origin);
    s.applied++;
    const floor = cmd.floor ?? 0;
    if (floor > s.floor) {
      // Add this result and drop those numbered below the new floor, in order, in one new object (deleting
      // from a copy would make it a slow dictionary-mode object).
      s.floor = floor;
      const kept: Record<string, Json> = {};
      for (const id in s.results) if (!(opNumber(id) < floor)) kept[id] = s.results[id]!;
      if (!(opNumber(cmd.id) < floor)) kept[cmd.id] = result;
      s.results = kept;
      this.owned.push(kept);
    } else {
      if (!this.owned.includes(s.results)) {
        s.results = { ...s.results };
        this.owned.push(s.results);
      }
      s.results[cmd.id] = result;
    }
    return { result, dup: false };
  }

  private session(origin: NodeId): Session {
    if (!this.sessionsCopied) {
      this.sessions = { ...this.sessions };
      this.sessionsCopied = true;
    }
    if (!this.touched.includes(origin)) {
      this.touched.push(origin);
      const old = this.sessions[origin];
      // The results stay shared until `apply` writes to them.
      this.sessions[origin] = old ? { floor: old.floor, applied: old.applied, results: old.results } : { floor: 0, applied: 0, results: {} };
    }
    return this.sessions[origin]!;
  }
}

/** The state machine after one command: the new map and sessions, and the command's result. */
export interface Applied {
  readonly kv: KvMap;
  readonly sessions: Sessions;
  readonly result: Json;
  /** Applied before (a retry): `result` is the stored one and nothing changed. */
  readonly dup: boolean;
}

/**
 * The last application of each command: its inputs and its outcome
 * (undefined for a stale command). Applying is a pure function of (kv,
 * sessions, command), and the replicas apply the same entries, whose
 * command objects they share, to maps they share in turn, so the first
 * replica to apply an entry computes it and the others find it here: one
 * copy of the map and sessions per entry for the whole cluster instead of
 * one per replica (the copies were the state machine's main cost). A cache
 * of a pure function on immutable inputs: it holds no history and changes
 * no result.
 */
const lastApplication = new WeakMap<KvCommand, { kv: KvMap; sessions: Sessions; out: Applied | undefined }>();

/** `cmd` applied to `kv` and `sessions` (neither is modified); undefined when it is stale and skipped. */
export function applyTo(kv: KvMap, sessions: Sessions, cmd: KvCommand): Applied | undefined {
  const hit = lastApplication.get(cmd);
  if (hit !== undefined && hit.kv === kv && hit.sessions === sessions) return hit.out;
  const a = new Applier(kv, sessions);
  const applied = a.apply(cmd);
  const out = applied === undefined ? undefined : { kv: a.kv, sessions: a.sessions, result: applied.result, dup: applied.dup };
  lastApplication.set(cmd, { kv, sessions, out });
  return out;
}

/** The state machine after applying `commands` in order (for queries over a committed prefix). */
export function replay(commands: Iterable<KvCommand>): { kv: KvMap; sessions: Sessions } {
  const a = new Applier({}, {});
  for (const cmd of commands) a.apply(cmd);
  return { kv: a.kv, sessions: a.sessions };
}
