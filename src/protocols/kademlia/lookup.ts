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
 * or two, not the whole list shifted. The distance order is worked out when
 * needed (`ranked`); the orders worked out lately are remembered, and a
 * reply's new candidates are merged into its list's order. A reply's contacts are only added when they rank among the 2k
 * closest that have not failed: the rest could only matter if more than k of
 * the closer ones fail.
 */
import type { Json, NodeId } from '../../engine/protocol.js';
import { compareDistance, type Id } from './ids.js';
import type { Contact } from './table.js';

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
  /** Candidates in the order they were heard of (see `ranked` for the distance order). */
  readonly list: readonly Candidate[];
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

/** A copy of `lk` with its progress fields replaced (every Lookup has the same fields, in the same order). */
export function withProgress(
  lk: Lookup, list: readonly Candidate[], inflight: number, msgs: number, stalls: number, wide: boolean,
  found: Lookup['found'] = lk.found, storing: Lookup['storing'] = lk.storing,
): Lookup {
  return {
    n: lk.n, kind: lk.kind, target: lk.target, key: lk.key, value: lk.value, expires: lk.expires, op: lk.op, started: lk.started,
    list, inflight, stalls, wide, msgs, found, storing,
  };
}

/*
 * The distance order of the lists ranked lately. A handler asks for it
 * several times (merge, next queries, done?, result) on the same list, and
 * the next reply to the same lookup asks again for the list it left — but
 * between the two, other nodes' lookups run (hundreds at once in a large
 * network), so one remembered order would be sorted again at nearly every
 * reply. The last RANKS_KEPT orders are kept, oldest dropped first: a
 * bounded cache, so nothing is kept alive for long with the lists the trace
 * holds, and the cost per reply does not depend on how many lookups run.
 */
const RANKS_KEPT = 4096;
const ranks = new Map<readonly Candidate[], { readonly target: Id; readonly order: readonly number[] }>();

/** The positions of `list`'s candidates, closest to `target` first. */
function rankOf(list: readonly Candidate[], target: Id): readonly number[] {
  const got = ranks.get(list);
  if (got !== undefined && got.target === target) return got.order;
  const rank = Array.from({ length: list.length }, (_, j) => j);
  rank.sort((a, b) => compareDistance(list[a]!.c.id, list[b]!.c.id, target));
  remember(list, target, rank);
  return rank;
}

/** Remembers `rank` as the order of `list` (a list made from another by status changes keeps its order). */
function remember(list: readonly Candidate[], target: Id, rank: readonly number[]): void {
  if (ranks.size >= RANKS_KEPT && !ranks.has(list)) ranks.delete(ranks.keys().next().value!);
  ranks.set(list, { target, order: rank });
}

/**
 * The order of `list` — `before`'s candidates (ranked `rank`) followed by
 * new ones — without sorting it all again: the new ones (a reply's, at most
 * k) are sorted and merged in. The same order a full sort gives (ids are
 * distinct; were two equal, the earlier position would come first, as with
 * the stable sort).
 */
function extendRank(list: readonly Candidate[], before: number, rank: readonly number[], target: Id): number[] {
  const added: number[] = [];
  for (let j = before; j < list.length; j++) added.push(j);
  const cmp = (a: number, b: number) => compareDistance(list[a]!.c.id, list[b]!.c.id, target);
  added.sort(cmp);
  const out: number[] = new Array<number>(rank.length + added.length);
  let r = 0;
  let a = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = a >= added.length || (r < rank.length && cmp(rank[r]!, added[a]!) <= 0) ? rank[r++]! : added[a++]!;
  }
  return out;
}

/** The lookup's candidates, closest to its target first. */
export function ranked(lk: Lookup): Candidate[] {
  return rankOf(lk.list, lk.target).map((j) => lk.list[j]!);
}

export function newLookup(o: {
  n: number; kind: LookupKind; target: Id; started: number; self: Contact; seeds: readonly Contact[];
  key?: string; value?: Json; expires?: number; op?: string;
}): Lookup {
  const list: Candidate[] = [{ c: o.self, hop: 0, st: 'ok' }];
  for (const c of o.seeds) if (c.node !== o.self.node) list.push({ c, hop: 1, st: 'new' });
  return {
    n: o.n, kind: o.kind, target: o.target, key: o.key ?? null, value: o.value ?? null, expires: o.expires ?? -1, op: o.op ?? null,
    started: o.started, list, inflight: 0, stalls: 0, wide: false, msgs: 0, found: null, storing: null,
  };
}

/**
 * The candidates to ask now: the closest not-yet-asked among the k closest
 * that have not failed — α minus those in flight, or all of them in the
 * final phase. Returns the lookup with them marked `asked`, each with the
 * RPC number and deadline `stamp` gives it. With `fresh`, `lk` and its list
 * were made in this handler call and are updated in place (no state holds
 * them yet).
 */
export function nextQueries(
  lk: Lookup, alpha: number, k: number, stamp: () => { rpc: number; at: number }, bugs: LookupBugs = {}, fresh = false,
): { lookup: Lookup; ask: Candidate[] } {
  const room = lk.wide || bugs.flood ? Infinity : alpha - lk.inflight;
  if (room <= 0) return { lookup: lk, ask: [] };
  const rank = rankOf(lk.list, lk.target);
  const ask: Candidate[] = [];
  let list: Candidate[] | null = fresh ? (lk.list as Candidate[]) : null;
  let live = 0;
  for (let r = 0; r < rank.length && live < k && ask.length < room; r++) {
    const j = rank[r]!;
    const cand = lk.list[j]!;
    if (cand.st === 'failed') continue;
    live++;
    if (cand.st !== 'new') continue;
    if (list === null) {
      list = lk.list.slice();
      remember(list, lk.target, rank); // same candidates, same order
    }
    const { rpc, at } = stamp();
    const asked: Candidate = { c: cand.c, hop: cand.hop, st: 'asked', rpc, at };
    list[j] = asked;
    ask.push(asked);
  }
  if (ask.length === 0) return { lookup: lk, ask };
  if (fresh) {
    const m = lk as { -readonly [K in keyof Lookup]: Lookup[K] };
    m.inflight += ask.length;
    m.msgs += ask.length;
    return { lookup: lk, ask };
  }
  return { lookup: withProgress(lk, list!, lk.inflight + ask.length, lk.msgs + ask.length, lk.stalls, lk.wide), ask };
}

/** The candidate asked with RPC `rpc`, or -1. */
export function askedWith(lk: Lookup, rpc: number): number {
  for (let j = 0; j < lk.list.length; j++) if (lk.list[j]!.rpc === rpc && lk.list[j]!.st === 'asked') return j;
  return -1;
}

/**
 * The candidate asked with RPC `rpc` answered with `nodes` (its closest
 * contacts to the target). Marks it answered and adds the new candidates,
 * one hop further, that rank among the 2k closest that have not failed.
 */
export function answered(lk: Lookup, rpc: number, nodes: readonly Contact[], self: NodeId, alpha: number, k: number): Lookup {
  const j = askedWith(lk, rpc);
  if (j < 0) return lk;
  const hop = lk.list[j]!.hop;
  const rank = rankOf(lk.list, lk.target);
  const closestBefore = lk.list[rank[0]!]!.c.id;
  // The 2k-th closest candidate that has not failed: a contact farther than it is not worth keeping.
  let cutoff: Id | null = null;
  for (let r = 0, live = 0; r < rank.length; r++) {
    if (lk.list[rank[r]!]!.st !== 'failed' && ++live === 2 * k) {
      cutoff = lk.list[rank[r]!]!.c.id;
      break;
    }
  }
  // The new candidates first, then the list at its exact length in one copy (it is kept in the state).
  const added: Candidate[] = [];
  let closest = closestBefore;
  for (const c of nodes) {
    if (c.node === self) continue;
    if (cutoff !== null && compareDistance(c.id, cutoff, lk.target) >= 0) continue;
    if (known(lk.list, rank, c.id, lk.target) || added.some((x) => x.c.id === c.id)) continue;
    added.push({ c, hop: hop + 1, st: 'new' });
    if (compareDistance(c.id, closest, lk.target) < 0) closest = c.id;
  }
  const stalls = closest !== closestBefore ? 0 : lk.stalls + 1;
  const kept = added.length === 0 ? lk.list.slice() : lk.list.concat(added);
  kept[j] = { c: kept[j]!.c, hop, st: 'ok' };
  remember(kept, lk.target, added.length === 0 ? rank : extendRank(kept, lk.list.length, rank, lk.target));
  return withProgress(lk, kept, lk.inflight - 1, lk.msgs + 1, stalls, lk.wide || stalls >= alpha);
}

/** Whether a candidate with id `id` is in `list` (binary search over its distance order). */
function known(list: readonly Candidate[], rank: readonly number[], id: Id, target: Id): boolean {
  let lo = 0;
  let hi = rank.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = compareDistance(list[rank[mid]!]!.c.id, id, target);
    if (c === 0) return true;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** The RPC `rpc` timed out: its candidate is out of consideration. */
export function timedOut(lk: Lookup, rpc: number, alpha: number): Lookup {
  const j = askedWith(lk, rpc);
  if (j < 0) return lk;
  const list = lk.list.slice();
  list[j] = { c: list[j]!.c, hop: list[j]!.hop, st: 'failed' };
  remember(list, lk.target, rankOf(lk.list, lk.target));
  const stalls = lk.stalls + 1;
  return withProgress(lk, list, lk.inflight - 1, lk.msgs, stalls, lk.wide || stalls >= alpha);
}

/** Whether the lookup is over: the k closest candidates that have not failed have all answered (or, with the bug, the first reply that brought nothing closer). */
export function isDone(lk: Lookup, k: number, bugs: LookupBugs = {}): boolean {
  if (lk.found !== null) return true;
  if (bugs.stopEarly && lk.stalls > 0) return true;
  const rank = rankOf(lk.list, lk.target);
  let live = 0;
  for (let r = 0; r < rank.length && live < k; r++) {
    const st = lk.list[rank[r]!]!.st;
    if (st === 'failed') continue;
    if (st !== 'ok') return false;
    live++;
  }
  return true;
}

/** The k closest candidates that have not failed: the lookup's result, closest first. */
export function resultOf(lk: Lookup, k: number): Candidate[] {
  const out: Candidate[] = [];
  const rank = rankOf(lk.list, lk.target);
  for (let r = 0; r < rank.length && out.length < k; r++) {
    const cand = lk.list[rank[r]!]!;
    if (cand.st !== 'failed') out.push(cand);
  }
  return out;
}

/** The hop of the closest node found, and the deepest hop asked. */
export function depthOf(lk: Lookup, k: number): { hops: number; rounds: number } {
  const result = resultOf(lk, k);
  let rounds = 0;
  for (const c of lk.list) if (c.st !== 'new' && c.hop > rounds) rounds = c.hop;
  return { hops: result.length > 0 ? result[0]!.hop : 0, rounds };
}
