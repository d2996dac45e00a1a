/**
 * The node lookup (Maymounkov & Mazières 2002, §2.3): locate the k nodes
 * closest to a target id, iteratively.
 *
 * The initiator keeps a shortlist of the candidates it has heard of, ordered
 * by XOR distance to the target, each with its status: not asked yet, asked
 * (an RPC in flight), answered, or failed (timed out: "removed from
 * consideration"). It starts from the k closest contacts of its own table
 * and asks α of them at once; each reply brings up to k more candidates,
 * and the initiator keeps α RPCs in flight, always to the closest
 * candidates among the k closest it has not asked ("this recursion can
 * begin before all α of the previous RPCs have returned"). If a round's
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
 * Values are plain immutable data (they sit in the node's state); the
 * shortlist keeps at most k + α candidates that have not failed (a few
 * spares for the ones that time out; later replies bring more).
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
  /** Candidates, closest to the target first. */
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

export interface LookupBugs {
  readonly flood?: boolean;
  readonly stopEarly?: boolean;
}

/** Where `id` sits (or would sit) in a list ordered by distance to `target`: its index, or -(insertion point + 1). */
function position(list: readonly Candidate[], id: Id, target: Id): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = compareDistance(list[mid]!.c.id, id, target);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -(lo + 1);
}

export function newLookup(o: {
  n: number; kind: LookupKind; target: Id; started: number; self: Contact; seeds: readonly Contact[];
  key?: string; value?: Json; expires?: number; op?: string;
}): Lookup {
  const built: Candidate[] = [{ c: o.self, hop: 0, st: 'ok' }];
  for (const c of o.seeds) {
    const at = position(built, c.id, o.target);
    if (at < 0) built.splice(-(at + 1), 0, { c, hop: 1, st: 'new' });
  }
  const list = built.slice(); // at its exact length: it is kept in the state
  return {
    n: o.n, kind: o.kind, target: o.target, key: o.key ?? null, value: o.value ?? null, expires: o.expires ?? -1, op: o.op ?? null,
    started: o.started, list, inflight: 0, stalls: 0, wide: false, msgs: 0, found: null, storing: null,
  };
}

/**
 * The candidates to ask now: the closest not-yet-asked among the k closest
 * that have not failed — α minus those in flight, or all of them in the
 * final phase. Returns the lookup with them marked `asked`. With `fresh`,
 * `lk` and its list were made in this handler call and are updated in place
 * (no state holds them yet).
 */
export function nextQueries(lk: Lookup, alpha: number, k: number, bugs: LookupBugs = {}, fresh = false): { lookup: Lookup; ask: Candidate[] } {
  const room = lk.wide || bugs.flood ? Infinity : alpha - lk.inflight;
  if (room <= 0) return { lookup: lk, ask: [] };
  const ask: Candidate[] = [];
  let list: Candidate[] | null = fresh ? (lk.list as Candidate[]) : null;
  let live = 0;
  for (let j = 0; j < lk.list.length && live < k && ask.length < room; j++) {
    const cand = lk.list[j]!;
    if (cand.st === 'failed') continue;
    live++;
    if (cand.st !== 'new') continue;
    list ??= lk.list.slice();
    const asked: Candidate = { c: cand.c, hop: cand.hop, st: 'asked' };
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

function indexOfNode(list: readonly Candidate[], node: NodeId): number {
  for (let j = 0; j < list.length; j++) if (list[j]!.c.node === node) return j;
  return -1;
}

export function answered(lk: Lookup, from: NodeId, nodes: readonly Contact[], self: NodeId, alpha: number, k: number): Lookup {
  const j = indexOfNode(lk.list, from);
  if (j < 0 || lk.list[j]!.st !== 'asked') return lk;
  const hop = lk.list[j]!.hop;
  const before = lk.list[0]!.c;
  const merged = merge(lk.list, j, nodes, self, hop + 1, lk.target);
  trim(merged, k + alpha);
  const list = merged.slice(); // at its exact length: it is kept in the state
  const progress = list[0]!.c !== before;
  const stalls = progress ? 0 : lk.stalls + 1;
  return withProgress(lk, list, lk.inflight - 1, lk.msgs + 1, stalls, lk.wide || stalls >= alpha);
}

/**
 * The list with candidate `j` answered and `nodes` merged in as new
 * candidates at hop `hop`. A NODES reply comes sorted by distance to the
 * target (the responder's `closest`), so this is a linear merge; a reply
 * that is not sorted is merged one contact at a time.
 */
function merge(list: readonly Candidate[], j: number, nodes: readonly Contact[], self: NodeId, hop: number, target: Id): Candidate[] {
  if (!sortedByDistance(nodes, target)) return insertEach(list, j, nodes, self, hop, target);
  const out: Candidate[] = [];
  let a = 0;
  for (let b = 0; b < nodes.length; b++) {
    const c = nodes[b]!;
    if (c.node === self) continue;
    let known = false;
    while (a < list.length) {
      const d = compareDistance(list[a]!.c.id, c.id, target);
      if (d > 0) break;
      out.push(a === j ? answeredAt(list, a) : list[a]!);
      a++;
      if (d === 0) {
        known = true;
        break;
      }
    }
    if (!known) out.push({ c, hop, st: 'new' });
  }
  for (; a < list.length; a++) out.push(a === j ? answeredAt(list, a) : list[a]!);
  return out;
}

function sortedByDistance(nodes: readonly Contact[], target: Id): boolean {
  for (let b = 1; b < nodes.length; b++) if (compareDistance(nodes[b - 1]!.id, nodes[b]!.id, target) >= 0) return false;
  return true;
}

function insertEach(list: readonly Candidate[], j: number, nodes: readonly Contact[], self: NodeId, hop: number, target: Id): Candidate[] {
  const out = list.slice();
  out[j] = answeredAt(list, j);
  for (const c of nodes) {
    if (c.node === self) continue;
    const at = position(out, c.id, target);
    if (at < 0) out.splice(-(at + 1), 0, { c, hop, st: 'new' });
  }
  return out;
}

function answeredAt(list: readonly Candidate[], j: number): Candidate {
  const c = list[j]!;
  return { c: c.c, hop: c.hop, st: 'ok' };
}

/** The RPC to `node` timed out: the candidate is out of consideration. */
export function timedOut(lk: Lookup, node: NodeId, alpha: number): Lookup {
  const j = indexOfNode(lk.list, node);
  if (j < 0 || lk.list[j]!.st !== 'asked') return lk;
  const list = lk.list.slice();
  list[j] = { c: list[j]!.c, hop: list[j]!.hop, st: 'failed' };
  const stalls = lk.stalls + 1;
  return withProgress(lk, list, lk.inflight - 1, lk.msgs, stalls, lk.wide || stalls >= alpha);
}

/** Keeps at most `max` candidates that have not failed (and the failed ones among them, so they are not asked again). */
function trim(list: Candidate[], max: number): void {
  let live = 0;
  for (let j = 0; j < list.length; j++) {
    if (list[j]!.st === 'failed') continue;
    if (++live > max) {
      let w = j;
      for (let r = j; r < list.length; r++) if (list[r]!.st === 'failed' || list[r]!.st === 'asked') list[w++] = list[r]!;
      list.length = w;
      return;
    }
  }
}

/** Whether the lookup is over: the k closest candidates that have not failed have all answered (or, with the bug, the first reply that brought nothing closer). */
export function isDone(lk: Lookup, k: number, bugs: LookupBugs = {}): boolean {
  if (lk.found !== null) return true;
  if (bugs.stopEarly && lk.stalls > 0) return true;
  let live = 0;
  for (let j = 0; j < lk.list.length && live < k; j++) {
    const st = lk.list[j]!.st;
    if (st === 'failed') continue;
    if (st !== 'ok') return false;
    live++;
  }
  return true;
}

/** The k closest candidates that have not failed: the lookup's result, closest first. */
export function resultOf(lk: Lookup, k: number): Candidate[] {
  const out: Candidate[] = [];
  for (let j = 0; j < lk.list.length && out.length < k; j++) if (lk.list[j]!.st !== 'failed') out.push(lk.list[j]!);
  return out;
}

/** The hop of the closest node found, and the deepest hop asked. */
export function depthOf(lk: Lookup, k: number): { hops: number; rounds: number } {
  const result = resultOf(lk, k);
  let rounds = 0;
  for (const c of lk.list) if (c.st !== 'new' && c.hop > rounds) rounds = c.hop;
  return { hops: result.length > 0 ? result[0]!.hop : 0, rounds };
}
