/**
 * The node lookup (Maymounkov & Mazières 2002, §2.3): locate the k nodes
 * closest to a target id, iteratively.
 *
 * The initiator keeps the candidates it has heard of, each with its status:
 * not asked yet, asked (an RPC in flight), answered, or failed (timed out:
 * "removed from consideration"). It starts from the k closest contacts of
 * its own table and asks α of them at once; each reply brings up to k more
 * candidates, and the initiator keeps α RPCs in flight, always to the
 * closest candidates among the k closest it has not asked ("this recursion
 * can begin before all α of the previous RPCs have returned"). If a round's
 * worth of replies (α in a row) brings nothing closer than the closest
 * already seen, it asks all of the k closest it has not asked at once. The
 * lookup ends when the k closest candidates that have not failed have all
 * answered. The initiator itself is a candidate that has "answered" (its
 * own table seeded the list), so a lookup of an id near it can return it.
 *
 * Hops: a contact from the initiator's own table is one hop away; one that
 * a hop-h node named is h + 1. A lookup's `hops` is the hop of the closest
 * node it found (how many RPCs deep it had to go to reach the target's
 * neighbourhood, the quantity that grows as log N), and `rounds` the
 * deepest hop it asked.
 *
 * The list is kept in the order candidates were heard of — a reply appends,
 * a status changes in place — so each step's change in the trace is a line
 * or two, not the whole list shifted; and it is kept in chunks of 16
 * (_chunks.ts), so a version of it copies one chunk and the short array of
 * chunks, not the whole list (the trace keeps every version). The distance
 * order is worked out when needed (`ranked`) and remembered per target; a
 * reply's new candidates are merged into it. A reply's contacts are only
 * added when they rank among the 2k closest that have not failed: the rest
 * could only matter if more than k of the closer ones fail.
 */
import type { Json, NodeId } from '../../engine/protocol.js';
import { record } from './_records.js';
import { appended, CHUNK, ChunkEdit, chunked, entry, flatten, sizeOf, type Chunks } from './_chunks.js';
import { idTop, type Id } from './ids.js';
import { compareContacts, type Contact } from './table.js';

export type LookupKind = 'lookup' | 'find' | 'store' | 'join' | 'refresh' | 'republish';

/** A candidate's status: `new` (not asked), `asked` (RPC in flight), `ok` (answered), `failed` (timed out). */
export type Status = 'new' | 'asked' | 'ok' | 'failed';

export interface Candidate {
  readonly c: Contact;
  readonly hop: number;
  readonly st: Status;
  /** While asked: the RPC's number and when it times out (µs). */
  readonly rpc?: number;
  readonly at?: number;
}

export interface Lookup {
  /** This lookup's number at its node. */
  readonly n: number;
  readonly kind: LookupKind;
  readonly target: Id;
  /** find / store / republish: the key as written, and (store, republish) the value and its expiry (-1: none). */
  readonly key: string | null;
  readonly value: Json;
  readonly expires: number;
  /** The client operation to answer when it ends. */
  readonly op: string | null;
  readonly started: number;
  /** Candidates in the order they were heard of, in chunks of 16 (see `candidates`; `ranked` for the distance order). */
  readonly list: Chunks<Candidate>;
  /** RPCs in flight. */
  readonly inflight: number;
  /** Replies in a row that brought nothing closer than the closest candidate seen. */
  readonly stalls: number;
  /** The final phase: ask every one of the k closest not yet asked (§2.3). */
  readonly wide: boolean;
  /** Messages this lookup sent and received. */
  readonly msgs: number;
  /** find: who answered with the value, and the value. */
  readonly found: { readonly node: NodeId; readonly value: Json; readonly expires: number } | null;
  /** store / republish: STORE RPCs still unanswered, and the nodes that acknowledged. */
  readonly storing: { readonly waiting: number; readonly acked: readonly NodeId[] } | null;
}

export interface LookupBugs {
  readonly flood?: boolean;
  readonly stopEarly?: boolean;
}

/** A candidate not asked, answered or failed (`Candidate` without `rpc` and `at`), and one asked: the two shapes a candidate has (see _records.ts). */
const Settled = record<Candidate>()(function (c: Contact, hop: number, st: Status) {
  this.c = c;
  this.hop = hop;
  this.st = st;
});
const Asked = record<Candidate>()(function (c: Contact, hop: number, rpc: number, at: number) {
  this.c = c;
  this.hop = hop;
  this.st = 'asked';
  this.rpc = rpc;
  this.at = at;
});

/** A lookup with `header`'s fixed fields and the progress fields given: every Lookup is one (one hidden class, see _records.ts). */
const LookupRecord = record<Lookup>()(function (
  header: Lookup, list: Chunks<Candidate>, inflight: number, stalls: number, wide: boolean, msgs: number, found: Lookup['found'], storing: Lookup['storing'],
) {
  this.n = header.n;
  this.kind = header.kind;
  this.target = header.target;
  this.key = header.key;
  this.value = header.value;
  this.expires = header.expires;
  this.op = header.op;
  this.started = header.started;
  this.list = list;
  this.inflight = inflight;
  this.stalls = stalls;
  this.wide = wide;
  this.msgs = msgs;
  this.found = found;
  this.storing = storing;
});

/** A copy of `lk` with its progress fields replaced. */
export function withProgress(
  lk: Lookup, list: Chunks<Candidate>, inflight: number, msgs: number, stalls: number, wide: boolean,
  found: Lookup['found'] = lk.found, storing: Lookup['storing'] = lk.storing,
): Lookup {
  return new LookupRecord(lk, list, inflight, stalls, wide, msgs, found, storing);
}

/*
 * The distance order of a lookup's list, remembered per target. A handler
 * asks for it several times (merge, next queries, done?, result) on the
 * same list, and the next reply to the same lookup asks again for the list
 * it left — but between the two, other nodes' lookups run (hundreds at once
 * in a large network). Each target keeps the order of the latest list it
 * was worked out for: a new version of the list takes it over (extended in
 * place when a reply added candidates), so no order is built again or kept
 * for an old version. Two lookups of one target (a key stored and found at
 * once) take the entry from each other and sort again: slower, never wrong.
 * At most RANKS_KEPT targets are kept, the oldest dropped first, so the cost
 * per reply does not depend on how many lookups run or have run.
 *
 * The entry also keeps the positions of the candidates asked (RPCs in
 * flight, at most k), so that a reply finds its candidate without reading
 * the whole list.
 */
const RANKS_KEPT = 4096;
interface Rank {
  list: Chunks<Candidate>;
  readonly order: number[];
  /** The target's top bits (`idTop`), for comparing distances by number. */
  readonly top: number;
  /** Positions of the `asked` candidates of `list` (null: not worked out yet). */
  asked: number[] | null;
}
const ranks = new Map<Id, Rank>();

/** The remembered order of `list` for `target`, worked out when it is not (the caller reads it before the next change to the lookup). */
function rankOf(list: Chunks<Candidate>, target: Id): Rank {
  const got = ranks.get(target);
  if (got !== undefined && got.list === list) return got;
  const top = idTop(target);
  const order: number[] = [];
  for (let j = 0, n = sizeOf(list); j < n; j++) order.push(j);
  insertionSort(order, 0, list, target, top);
  if (got !== undefined) ranks.delete(target);
  else if (ranks.size >= RANKS_KEPT) ranks.delete(ranks.keys().next().value!);
  const rank: Rank = { list, order, top, asked: null };
  ranks.set(target, rank);
  return rank;
}

/** Compares the candidates at positions a and b of `list` by distance to `target`. */
function closer(list: Chunks<Candidate>, a: number, b: number, target: Id, top: number): number {
  return compareContacts(entry(list, a).c, entry(list, b).c, target, top);
}

/**
 * Sorts `xs[from..]` (positions in `list`) by distance, an insertion sort:
 * a reply brings at most k new candidates, and a list is sorted whole only
 * when its order was not remembered. Stable, so equal ids (there are none)
 * would keep their order.
 */
function insertionSort(xs: number[], from: number, list: Chunks<Candidate>, target: Id, top: number): void {
  for (let i = from + 1; i < xs.length; i++) {
    const x = xs[i]!;
    let at = i;
    while (at > from && closer(list, xs[at - 1]!, x, target, top) > 0) {
      xs[at] = xs[at - 1]!;
      at--;
    }
    xs[at] = x;
  }
}

/**
 * `next` holds `list`'s candidates in the same places, statuses aside: it
 * takes over the order (if `list` has it), with the candidates at `ask`
 * now asked and the one at `settled` (if ≥ 0) no longer.
 */
function passOn(list: Chunks<Candidate>, next: Chunks<Candidate>, target: Id, ask: readonly number[], settled: number): void {
  const got = ranks.get(target);
  if (got === undefined || got.list !== list) return;
  got.list = next;
  const asked = got.asked;
  if (asked === null) return;
  if (settled >= 0) {
    const at = asked.indexOf(settled);
    if (at >= 0) {
      asked[at] = asked[asked.length - 1]!;
      asked.pop();
    }
  }
  for (let a = 0; a < ask.length; a++) asked.push(ask[a]!);
}

/** The position of the candidate asked with RPC `rpc`, or -1. */
export function askedWith(lk: Lookup, rpc: number): number {
  const list = lk.list;
  const got = ranks.get(lk.target);
  if (got !== undefined && got.list === list) {
    if (got.asked === null) {
      const asked: number[] = [];
      for (let j = 0, n = sizeOf(list); j < n; j++) if (entry(list, j).st === 'asked') asked.push(j);
      got.asked = asked;
    }
    const asked = got.asked;
    for (let a = 0; a < asked.length; a++) {
      const cand = entry(list, asked[a]!);
      if (cand.rpc === rpc && cand.st === 'asked') return asked[a]!;
    }
    return -1;
  }
  for (let c = 0; c < list.length; c++) {
    const chunk = list[c]!;
    for (let o = 0; o < chunk.length; o++) if (chunk[o]!.rpc === rpc && chunk[o]!.st === 'asked') return c * CHUNK + o;
  }
  return -1;
}

const NO_POSITIONS: readonly number[] = [];

/**
 * `next` is `list` (whose order is remembered) followed by new candidates
 * from position `before` on: their positions are sorted and merged into the
 * remembered order, in place, from the back. The same order a full sort
 * gives (ids are distinct; were two equal, the earlier position would come
 * first, as with the stable sort).
 */
function extendRank(list: Chunks<Candidate>, next: Chunks<Candidate>, before: number, target: Id): void {
  const got = ranks.get(target);
  if (got === undefined || got.list !== list) return; // not remembered: sorted when next asked for
  const { order, top } = got;
  fresh.length = 0;
  for (let j = before, total = sizeOf(next); j < total; j++) fresh.push(j);
  insertionSort(fresh, 0, next, target, top);
  let r = order.length - 1;
  for (let a = 0; a < fresh.length; a++) order.push(0);
  for (let o = order.length - 1, a = fresh.length - 1; a >= 0; o--) {
    order[o] = r >= 0 && closer(next, order[r]!, fresh[a]!, target, top) > 0 ? order[r--]! : fresh[a--]!;
  }
  got.list = next;
}

/** Scratch space for a reply's new candidates' positions (nothing is kept between calls). */
const fresh: number[] = [];

/** The lookup's candidates in the order they were heard of. */
export function candidates(lk: Lookup): Candidate[] {
  return flatten(lk.list);
}

/** The lookup's candidates, closest to its target first. */
export function ranked(lk: Lookup): Candidate[] {
  return rankOf(lk.list, lk.target).order.map((j) => entry(lk.list, j));
}

export function newLookup(o: {
  n: number; kind: LookupKind; target: Id; started: number; self: Contact; seeds: readonly Contact[];
  key?: string; value?: Json; expires?: number; op?: string;
}): Lookup {
  const list: Candidate[] = [new Settled(o.self, 0, 'ok')];
  for (const c of o.seeds) if (c.node !== o.self.node) list.push(new Settled(c, 1, 'new'));
  const header = {
    n: o.n, kind: o.kind, target: o.target, key: o.key ?? null, value: o.value ?? null, expires: o.expires ?? -1, op: o.op ?? null, started: o.started,
  } as Lookup;
  return new LookupRecord(header, chunked(list), 0, 0, false, 0, null, null);
}

/**
 * The candidates to ask now: the closest not-yet-asked among the k closest
 * that have not failed — α minus those in flight, or all of them in the
 * final phase. Returns the lookup with them marked `asked`, each with the
 * RPC number and deadline `stamp` gives it.
 */
export function nextQueries(
  lk: Lookup, alpha: number, k: number, stamp: () => { rpc: number; at: number }, bugs: LookupBugs = {},
): { lookup: Lookup; ask: Candidate[] } {
  const room = lk.wide || bugs.flood ? Infinity : alpha - lk.inflight;
  if (room <= 0) return { lookup: lk, ask: [] };
  const rank = rankOf(lk.list, lk.target).order;
  const ask: Candidate[] = [];
  const asking: number[] = [];
  const edit = new ChunkEdit(lk.list);
  let live = 0;
  for (let r = 0; r < rank.length && live < k && ask.length < room; r++) {
    const j = rank[r]!;
    const cand = entry(lk.list, j);
    if (cand.st === 'failed') continue;
    live++;
    if (cand.st !== 'new') continue;
    const { rpc, at } = stamp();
    const asked = new Asked(cand.c, cand.hop, rpc, at);
    edit.set(j, asked);
    ask.push(asked);
    asking.push(j);
  }
  if (ask.length === 0) return { lookup: lk, ask };
  const list = edit.done();
  passOn(lk.list, list, lk.target, asking, -1);
  return { lookup: withProgress(lk, list, lk.inflight + ask.length, lk.msgs + ask.length, lk.stalls, lk.wide), ask };
}

/** The candidate at position `j` (from `askedWith`). */
export function candidateAt(lk: Lookup, j: number): Candidate {
  return entry(lk.list, j);
}

/**
 * The candidate asked with RPC `rpc` answered with `nodes` (its closest
 * contacts to the target). Marks it answered and adds the new candidates,
 * one hop further, that rank among the 2k closest that have not failed.
 */
export function answered(lk: Lookup, rpc: number, nodes: readonly Contact[], self: NodeId, alpha: number, k: number): Lookup {
  const j = askedWith(lk, rpc);
  if (j < 0) return lk;
  const list = lk.list;
  const hop = entry(list, j).hop;
  const { order: rank, top } = rankOf(list, lk.target);
  const target = lk.target;
  const closestBefore = entry(list, rank[0]!).c;
  // The 2k-th closest candidate that has not failed: a contact farther than it is not worth keeping.
  let cutoff: Contact | null = null;
  for (let r = 0, live = 0; r < rank.length; r++) {
    const cand = entry(list, rank[r]!);
    if (cand.st !== 'failed' && ++live === 2 * k) {
      cutoff = cand.c;
      break;
    }
  }
  const added: Candidate[] = [];
  let closest = closestBefore;
  for (let n = 0; n < nodes.length; n++) {
    const c = nodes[n]!;
    if (c.node === self) continue;
    if (cutoff !== null && compareContacts(c, cutoff, target, top) >= 0) continue;
    if (known(list, rank, c, target, top) || addedAlready(added, c)) continue;
    added.push(new Settled(c, hop + 1, 'new'));
    if (compareContacts(c, closest, target, top) < 0) closest = c;
  }
  const stalls = closest !== closestBefore ? 0 : lk.stalls + 1;
  const edit = new ChunkEdit(list);
  edit.set(j, new Settled(entry(list, j).c, hop, 'ok'));
  const marked = edit.done();
  const kept = appended(marked, added);
  passOn(list, marked, lk.target, NO_POSITIONS, j);
  if (added.length === 0) passOn(marked, kept, lk.target, NO_POSITIONS, -1);
  else extendRank(marked, kept, sizeOf(list), lk.target);
  return withProgress(lk, kept, lk.inflight - 1, lk.msgs + 1, stalls, lk.wide || stalls >= alpha);
}

/** Whether a candidate with `c`'s id is in `list` (binary search over its distance order). */
function known(list: Chunks<Candidate>, rank: readonly number[], c: Contact, target: Id, top: number): boolean {
  let lo = 0;
  let hi = rank.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const d = compareContacts(entry(list, rank[mid]!).c, c, target, top);
    if (d === 0) return true;
    if (d < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Whether `added` has a candidate with `c`'s id (a reply that names a contact twice). */
function addedAlready(added: readonly Candidate[], c: Contact): boolean {
  for (let a = 0; a < added.length; a++) if (added[a]!.c.id === c.id) return true;
  return false;
}

/** The RPC `rpc` timed out: its candidate is out of consideration. */
export function timedOut(lk: Lookup, rpc: number, alpha: number): Lookup {
  const j = askedWith(lk, rpc);
  if (j < 0) return lk;
  const cand = entry(lk.list, j);
  const edit = new ChunkEdit(lk.list);
  edit.set(j, new Settled(cand.c, cand.hop, 'failed'));
  const list = edit.done();
  passOn(lk.list, list, lk.target, NO_POSITIONS, j);
  const stalls = lk.stalls + 1;
  return withProgress(lk, list, lk.inflight - 1, lk.msgs, stalls, lk.wide || stalls >= alpha);
}

/** Whether the lookup is over: the k closest candidates that have not failed have all answered (or, with the bug, the first reply that brought nothing closer). */
export function isDone(lk: Lookup, k: number, bugs: LookupBugs = {}): boolean {
  if (lk.found !== null) return true;
  if (bugs.stopEarly && lk.stalls > 0) return true;
  const rank = rankOf(lk.list, lk.target).order;
  let live = 0;
  for (let r = 0; r < rank.length && live < k; r++) {
    const st = entry(lk.list, rank[r]!).st;
    if (st === 'failed') continue;
    if (st !== 'ok') return false;
    live++;
  }
  return true;
}

/** The k closest candidates that have not failed: the lookup's result, closest first. */
export function resultOf(lk: Lookup, k: number): Candidate[] {
  const out: Candidate[] = [];
  const rank = rankOf(lk.list, lk.target).order;
  for (let r = 0; r < rank.length && out.length < k; r++) {
    const cand = entry(lk.list, rank[r]!);
    if (cand.st !== 'failed') out.push(cand);
  }
  return out;
}

/** The hop of the closest node found, and the deepest hop asked. */
export function depthOf(lk: Lookup, k: number): { hops: number; rounds: number } {
  const result = resultOf(lk, k);
  let rounds = 0;
  for (const chunk of lk.list) for (const c of chunk) if (c.st !== 'new' && c.hop > rounds) rounds = c.hop;
  return { hops: result.length > 0 ? result[0]!.hop : 0, rounds };
}
