/**
 * A quorum-store node's state, as plain JSON-compatible data.
 *
 * Every node is at once a replica, a coordinator and a client proxy
 * (Dynamo §4.5: any node may receive a request and coordinate it):
 * - replica: `store` (key → versions, versions.ts) and `hints`, the versions
 *   it keeps for an unreachable home replica under a sloppy quorum (§4.6:
 *   "a separate local database"), both durable;
 * - coordinator: `requests`, the reads and writes it is carrying out, and
 *   `counter`, its entry in the vector clocks it issues (durable, so a
 *   restarted node never issues one twice);
 * - failure detector: `suspects`, peers that did not answer in time and
 *   until when they are skipped (§4.8.3: a purely local view);
 * - client side: `pending` (the shared client proxy's table) and
 *   `contexts`, the vector clock of the last read of each key, sent with the
 *   next write from this node (§4.4's context);
 * - `clock`, in lww mode, the node's own clock (clock.ts).
 */
import type { Json, NodeId } from '../../engine/protocol.js';
import type { PendingTable } from '../_kit/client-proxy.js';
import { opTable } from '../_kit/records.js';
import type { LocalClock } from './clock.js';
import { NO_VERSIONS, type VClock, type Version, type Versions } from './versions.js';

/** A client operation as the proxy forwards it; `context` is the origin's clock for the key (writes). */
export type Command =
  | { id: string; origin: NodeId; op: 'get'; key: string }
  | { id: string; origin: NodeId; op: 'put'; key: string; value: Json; context: VClock | null };

/**
 * A read or write this node coordinates.
 * - Dynamo modes: a get is one `read` phase (R replies), a put one `write` phase (W acks).
 * - ABD: both start with a `query` phase (R replies: the highest tag), then a
 *   `write` phase (W acks): a put writes its value with a higher tag, a get
 *   writes back what it will return.
 * An answered request stays until its timer fires (`status` ok), so late
 * replies still drive read repair; a failed one is dropped at once.
 */
export type Request = {
  cmd: Command;
  phase: 'read' | 'query' | 'write';
  status: 'pending' | 'ok';
  /** Round of the current phase (0-based; each round may ask fresh fallback nodes). */
  round: number;
  /** When the request started (µs). */
  started: number;
  /** Nodes asked in this phase → the home replica each stands in for (null: itself a home replica, or a read). */
  asked: Record<NodeId, NodeId | null>;
  /** Read or query replies in this phase, by node. */
  replies: Record<NodeId, Versions>;
  /** Nodes that acknowledged the write phase. */
  acks: NodeId[];
  /** The version written (put), or written back (ABD get). */
  version: Version | null;
  /** What a read returns (or returned), reconciled from the replies. */
  result: Versions | null;
  /** Replicas sent a read repair already. */
  repaired: NodeId[];
};

export type Hints = Readonly<Record<NodeId, Readonly<Record<string, Versions>>>>;

export type QuorumState = {
  store: Readonly<Record<string, Versions>>;
  hints: Hints;
  counter: number;
  clock: LocalClock | null;
  suspects: Readonly<Record<NodeId, number>>;
  requests: Readonly<Record<string, Request>>;
  pending: PendingTable<Command>;
  contexts: Readonly<Record<string, VClock>>;
  /** Anti-entropy: how many rounds this node has started (picks the next peer). */
  syncRound: number;
};

/** What survives a crash: the data, the hints, the vector-clock counter and the clock's last reading. */
export type Durable = { store: Record<string, Versions>; hints: Hints; counter: number; clock: LocalClock | null };

const EMPTY = Object.freeze({});

export function initialState(clock: LocalClock | null): QuorumState {
  return {
    store: EMPTY, hints: EMPTY, counter: 0, clock, suspects: EMPTY,
    requests: opTable<Request>(), pending: opTable(), contexts: EMPTY, syncRound: 0,
  };
}

/** A shallow copy, for a handler to patch before returning it (field by field, in declaration order). */
export function copy(s: QuorumState): QuorumState {
  return {
    store: s.store, hints: s.hints, counter: s.counter, clock: s.clock, suspects: s.suspects,
    requests: s.requests, pending: s.pending, contexts: s.contexts, syncRound: s.syncRound,
  };
}

/** Whether the durable part changed. */
export function durableChanged(a: QuorumState, b: QuorumState): boolean {
  return a.store !== b.store || a.hints !== b.hints || a.counter !== b.counter;
}

export function toDurable(s: QuorumState): Durable {
  return { store: s.store, hints: s.hints, counter: s.counter, clock: s.clock };
}

/** A durable record read back (anything malformed reads as empty). */
export function parseDurable(d: Json | undefined): Durable {
  const o = d !== null && typeof d === 'object' && !Array.isArray(d) ? d : {};
  const rec = (v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : EMPTY);
  const clock = rec(o.clock) as Partial<LocalClock>;
  return {
    store: rec(o.store) as Record<string, Versions>,
    hints: rec(o.hints) as Hints,
    counter: typeof o.counter === 'number' ? o.counter : 0,
    clock: typeof clock.ticks === 'number' && typeof clock.at === 'number' ? (clock as LocalClock) : null,
  };
}

/** The versions of `key` in `store` (none when absent). */
export function storedAt(store: Readonly<Record<string, Versions>>, key: string): Versions {
  return Object.hasOwn(store, key) ? store[key]! : NO_VERSIONS;
}

/** Every hinted version list of `key` this node keeps, for any home replica. */
export function hintedAt(hints: Hints, key: string): Versions[] {
  const out: Versions[] = [];
  for (const home in hints) {
    const h = hints[home]!;
    if (Object.hasOwn(h, key)) out.push(h[key]!);
  }
  return out;
}

/** How many hinted key versions a node keeps (the hints waiting for delivery). */
export function hintCount(hints: Hints): number {
  let n = 0;
  for (const home in hints) for (const key in hints[home]!) n += hints[home]![key]!.length;
  return n;
}
