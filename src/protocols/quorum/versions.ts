/**
 * Versions of a key and how replicas reconcile them.
 *
 * Every write makes one version: its value, a vector clock, a timestamp and
 * the node that made it, and the client operation that wrote it (so the
 * checker can follow it). A replica holds, per key, a set of versions none
 * of which supersedes another:
 *
 * - `vclock` (Dynamo §4.4): version a supersedes b when a's vector clock
 *   descends from b's (Lamport 1978; Fidge, Mattern 1988: every entry ≥,
 *   and the clocks differ). Concurrent versions are all kept, as siblings,
 *   and returned to the client, whose next write (with their merged clock as
 *   its context) supersedes them all — the shopping cart of §4.4.
 * - `lww`: the version with the highest (timestamp, node, op) wins; the
 *   timestamp comes from the writing coordinator's clock (clock.ts), so a
 *   slow or lagging clock loses writes that came later in real time, and of
 *   two concurrent writes one silently disappears.
 * - `abd`: a version's tag is (sequence number, writer, op) — ABD's
 *   (timestamp, writer id) with the op as a final tie-break — and the highest
 *   tag wins: a register holds one value.
 *
 * In `lww` and `abd` modes the vector clock is kept as a shadow the store
 * never reads: the `no_lost_writes` invariant uses it to tell a write that
 * replaced another knowingly (its clock descends) from one that replaced it
 * blindly.
 */
import type { Json, NodeId } from '../../engine/protocol.js';
import { opNumber } from '../_kit/kv-store.js';
import type { Mode } from './params.js';

/** A vector clock: node → counter (absent = 0). */
export type VClock = Readonly<Record<NodeId, number>>;

export type Version = {
  readonly value: Json;
  readonly clock: VClock;
  /** lww: the coordinator's clock reading (µs); abd: the tag's sequence number; vclock: 0. */
  readonly ts: number;
  /** The node that made the version (the coordinator, ABD's writer id). */
  readonly by: NodeId;
  /** The client operation that wrote it: a version's identity. */
  readonly op: string;
};

/** A replica's versions of one key: none supersedes another; sorted by op. Never modified once made (a Json array, hence not `readonly`). */
export type Versions = Version[];

export const NO_VERSIONS: Versions = Object.freeze([]) as unknown as Versions;

export type Order = 'equal' | 'before' | 'after' | 'concurrent';

/** How clock a relates to clock b (Mattern's order on vector clocks). */
export function compareClocks(a: VClock, b: VClock): Order {
  let less = false;
  let more = false;
  for (const k in a) {
    const x = a[k]!;
    const y = b[k] ?? 0;
    if (x < y) less = true;
    else if (x > y) more = true;
  }
  for (const k in b) {
    if (k in a) continue;
    if (b[k]! > 0) less = true;
  }
  return less ? (more ? 'concurrent' : 'before') : more ? 'after' : 'equal';
}

/** Whether clock a descends from (or equals) clock b. */
export function descends(a: VClock, b: VClock): boolean {
  const o = compareClocks(a, b);
  return o === 'after' || o === 'equal';
}

/** The pointwise maximum of some clocks (the context of versions read together). */
export function mergeClocks(clocks: Iterable<VClock>): VClock {
  const out: Record<NodeId, number> = {};
  for (const c of clocks) for (const k in c) if ((out[k] ?? 0) < c[k]!) out[k] = c[k]!;
  return sortedClock(out);
}

/** `clock` with `node`'s entry set to `counter`. */
export function withEntry(clock: VClock, node: NodeId, counter: number): VClock {
  return sortedClock({ ...clock, [node]: counter });
}

/** Entries in node order, so equal clocks print (and diff) the same. */
function sortedClock(c: Record<NodeId, number>): VClock {
  const out: Record<NodeId, number> = {};
  for (const k of Object.keys(c).sort()) out[k] = c[k]!;
  return out;
}

/** Whether a's (ts, by, op) is above b's: the lww and abd order. */
export function newer(a: Version, b: Version): boolean {
  if (a.ts !== b.ts) return a.ts > b.ts;
  if (a.by !== b.by) return a.by > b.by;
  return opOrder(a.op, b.op) > 0;
}

function opOrder(a: string, b: string): number {
  const x = opNumber(a);
  const y = opNumber(b);
  if (x !== y && !Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether two version lists hold the same versions (by op). */
export function sameVersions(a: Versions, b: Versions): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.op !== b[i]!.op) return false;
  return true;
}

/** The op ids of some versions (what a handoff acknowledgement names). */
export function opsOf(versions: Versions): string[] {
  return versions.map((v) => v.op);
}

/** Whether `versions` are exactly the versions of these ops, in order. */
export function sameOps(versions: Versions, ops: readonly string[]): boolean {
  return versions.length === ops.length && versions.every((v, i) => v.op === ops[i]);
}

/** Whether `held` already has every version of `incoming` or something that supersedes it (merging would change nothing). */
export function covers(mode: Mode, held: Versions, incoming: Versions): boolean {
  return sameVersions(reconcile(mode, held, incoming, NO_BUGS), held);
}

export interface ReconcileBugs {
  /** BUG: keep one sibling of several concurrent versions. */
  readonly dropSiblings: boolean;
  /** BUG: keep versions another one supersedes. */
  readonly keepDominated: boolean;
}

export const NO_BUGS: ReconcileBugs = { dropSiblings: false, keepDominated: false };

/**
 * The versions a replica keeps after `incoming` arrives where it held
 * `held` (Dynamo §4.4's syntactic reconciliation). `held` itself when
 * nothing changes, so a state that learns nothing new stays the same object.
 */
export function reconcile(mode: Mode, held: Versions, incoming: Versions, bugs: ReconcileBugs): Versions {
  if (incoming.length === 0 || held === incoming) return held;
  let out: Versions;
  if (mode === 'vclock') out = keepConcurrent([...held, ...incoming], bugs);
  else {
    let best = held[0];
    for (const v of incoming) if (best === undefined || newer(v, best)) best = v;
    for (let i = 1; i < held.length; i++) if (newer(held[i]!, best!)) best = held[i]; // a list from an older mode: keep its newest
    out = best === undefined ? NO_VERSIONS : [best];
  }
  return sameVersions(out, held) ? held : out;
}

/** The versions of `all` that no other one supersedes, one per op, sorted by op (with the bug switches). */
function keepConcurrent(all: readonly Version[], bugs: ReconcileBugs): Versions {
  const byOp = new Map<string, Version>();
  for (const v of all) if (!byOp.has(v.op)) byOp.set(v.op, v);
  const unique = [...byOp.values()];
  let kept = bugs.keepDominated ? unique : unique.filter((v) => !unique.some((u) => u !== v && compareClocks(u.clock, v.clock) === 'after'));
  if (bugs.dropSiblings && kept.length > 1) kept = [kept.reduce((a, b) => (clockSum(b.clock) > clockSum(a.clock) || (clockSum(b.clock) === clockSum(a.clock) && opOrder(b.op, a.op) > 0) ? b : a))];
  return kept.sort((a, b) => opOrder(a.op, b.op));
}

function clockSum(c: VClock): number {
  let s = 0;
  for (const k in c) s += c[k]!;
  return s;
}

/** What a read returns to its client: the one value, `{ siblings: [...] }` for several, null when absent. */
export function readResult(versions: Versions): Json {
  if (versions.length === 0) return null;
  if (versions.length === 1) return versions[0]!.value;
  return { siblings: versions.map((v) => v.value) };
}

/** How a version is ordered, as text: its vector clock, LWW timestamp or ABD tag. */
export function describeStamp(mode: Mode, v: Version): string {
  if (mode === 'vclock') return `clock {${Object.entries(v.clock).map(([k, c]) => `${k}:${c}`).join(', ')}}`;
  return mode === 'abd' ? `tag ${v.ts}.${v.by}` : `timestamp ${v.ts} by ${v.by}`;
}

/** A short text of a version for messages and notes: `c4 (x = 1, clock {n1:2})`. */
export function describeVersion(mode: Mode, key: string, v: Version): string {
  return `${v.op} (${key} = ${JSON.stringify(v.value)}, ${describeStamp(mode, v)})`;
}
