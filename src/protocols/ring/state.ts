/**
 * The `ring` protocol's node states and parameter access. The implicit
 * `router` holds the membership and the key placement; each declared node is
 * a storage server that only knows how many keys it holds. The ring itself
 * is never stored in a state: it is a pure function of (members, weights,
 * vnodes, hash, mode), rebuilt on demand and memoised (`ringOf`).
 */
import type { NodeId, Params } from '../../engine/protocol.js';
import { hashKey32, Ring, RING_HASHES, RING_MODES, type RingHash, type RingMode } from './ring.js';
import { generatedKey } from '../_keys.js';

export const ROUTER = 'router';

/** What the last `add` / `remove` did, for the viewer and the moves invariant. */
export interface LastChange {
  readonly kind: 'add' | 'remove';
  readonly node: NodeId;
  /** Membership and weights before the change. */
  readonly before: readonly NodeId[];
  readonly beforeWeights: Readonly<Record<NodeId, number>>;
  /** Keys whose owner changed. */
  readonly moved: number;
}

export interface RouterState {
  readonly role: 'router';
  /** Members in the order they joined (ketama's tie-break order). */
  readonly members: readonly NodeId[];
  readonly weights: Readonly<Record<NodeId, number>>;
  /** Keys `key-0` … `key-(keys-1)` are placed. */
  readonly keys: number;
  /** Keys per member. */
  readonly load: Readonly<Record<NodeId, number>>;
  readonly lastChange: LastChange | null;
}

export interface ServerState {
  readonly role: 'server' | 'spare';
  /** Keys this server holds. */
  readonly keys: number;
}

export type RingState = RouterState | ServerState;

export interface RingParams {
  readonly vnodes: number;
  readonly hash: RingHash;
  readonly mode: RingMode;
  readonly replicas: number;
  readonly initial: number;
  /** Bug switch: preference lists of the next N points, not N distinct nodes. */
  readonly bugVnodePreference: boolean;
  /** Bug switch: after add/remove the router counts the keys the new owner gains but takes none off the old owners. */
  readonly bugNoDecrement: boolean;
}

export const DEFAULTS: RingParams = { vnodes: 100, hash: 'md5', mode: 'standard', replicas: 3, initial: 0, bugVnodePreference: false, bugNoDecrement: false };

function int(v: unknown, min: number, fallback: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min ? v : fallback;
}

export function ringParams(params: Params): RingParams {
  const hash = params['hash'];
  const mode = params['mode'];
  return {
    vnodes: int(params['vnodes'], 1, DEFAULTS.vnodes),
    hash: (RING_HASHES as readonly unknown[]).includes(hash) ? (hash as RingHash) : DEFAULTS.hash,
    mode: (RING_MODES as readonly unknown[]).includes(mode) ? (mode as RingMode) : DEFAULTS.mode,
    replicas: int(params['replicas'], 1, DEFAULTS.replicas),
    initial: int(params['initial'], 0, DEFAULTS.initial),
    bugVnodePreference: params['bug_vnode_preference'] === true,
    bugNoDecrement: params['bug_no_decrement'] === true,
  };
}

/** A node's weight from its per-node parameters (default 1). */
export function weightOf(nodeParams: Readonly<Record<NodeId, Params>>, id: NodeId): number {
  const w = nodeParams[id]?.['weight'];
  return typeof w === 'number' && w > 0 && Number.isFinite(w) ? w : 1;
}

/** The storage servers: every node but the router. */
export function serversOf(nodes: readonly NodeId[]): NodeId[] {
  return nodes.filter((n) => n !== ROUTER);
}

/** The members the ring starts with: the first `initial` servers, or all when `initial` is 0. */
export function initialMembers(nodes: readonly NodeId[], params: Params): NodeId[] {
  const servers = serversOf(nodes);
  const k = ringParams(params).initial;
  return k === 0 ? servers : servers.slice(0, k);
}

// ---- memoised rings and key hashes (pure functions of their inputs) ----

const RING_CACHE_SIZE = 16;
const rings = new Map<string, Ring>();

export function ringFor(members: readonly NodeId[], weights: Readonly<Record<NodeId, number>>, p: RingParams): Ring {
  const sig = `${p.mode}|${p.hash}|${p.vnodes}|${p.bugVnodePreference}|${members.map((m) => `${m}:${weights[m] ?? 1}`).join(',')}`;
  let ring = rings.get(sig);
  if (ring) {
    rings.delete(sig);
    rings.set(sig, ring);
    return ring;
  }
  ring = new Ring({
    vnodes: p.vnodes, hash: p.hash, mode: p.mode, weights: members.map((m) => [m, weights[m] ?? 1] as const), distinctPreference: !p.bugVnodePreference,
  });
  rings.set(sig, ring);
  if (rings.size > RING_CACHE_SIZE) rings.delete(rings.keys().next().value!);
  return ring;
}

export function ringOf(state: RouterState, params: Params): Ring {
  return ringFor(state.members, state.weights, ringParams(params));
}

const keyHashCache = new Map<RingHash, Uint32Array>();

/** Hashes of `key-0` … `key-(count-1)`, computed once per hash function and grown on demand. */
export function keyHashes(hash: RingHash, count: number): Uint32Array {
  const cached = keyHashCache.get(hash);
  if (cached && cached.length >= count) return cached.subarray(0, count);
  const out = new Uint32Array(Math.max(count, cached ? cached.length * 2 : 0));
  let i = 0;
  if (cached) { out.set(cached); i = cached.length; }
  for (; i < out.length; i++) out[i] = hashKey32(hash, generatedKey(i));
  keyHashCache.set(hash, out);
  return out.subarray(0, count);
}

/** Owner (member index) of each placed key. */
export function ownersOf(ring: Ring, hashes: Uint32Array): Int32Array {
  const out = new Int32Array(hashes.length);
  for (let i = 0; i < hashes.length; i++) out[i] = ring.ownerIndexOfHash(hashes[i]!);
  return out;
}

/** Keys per member for the first `keys` generated keys. */
export function loadOf(ring: Ring, keys: number, hash: RingHash): Record<NodeId, number> {
  const counts = new Array<number>(ring.members.length).fill(0);
  const hashes = keyHashes(hash, keys);
  for (let i = 0; i < hashes.length; i++) {
    const o = ring.ownerIndexOfHash(hashes[i]!);
    if (o >= 0) counts[o]!++;
  }
  const load: Record<NodeId, number> = {};
  ring.members.forEach((m, k) => { load[m] = counts[k]!; });
  return load;
}

export interface LoadStats {
  readonly max: number;
  readonly min: number;
  /** Largest weighted load over the mean (1 = perfectly balanced). */
  readonly maxOverMean: number;
  /** Coefficient of variation (stddev / mean) of the weighted loads. */
  readonly cv: number;
}

/**
 * Load balance of a placement. Each member's load is divided by its fair
 * share (keys · w / W), so a weight-3 member holding three times the keys of
 * a weight-1 member counts as balanced.
 */
export function loadStats(members: readonly NodeId[], weights: Readonly<Record<NodeId, number>>, load: Readonly<Record<NodeId, number>>): LoadStats {
  const n = members.length;
  if (n === 0) return { max: 0, min: 0, maxOverMean: 0, cv: 0 };
  let total = 0;
  let wsum = 0;
  let max = 0;
  let min = Infinity;
  for (const m of members) {
    const c = load[m] ?? 0;
    total += c;
    wsum += weights[m] ?? 1;
    max = Math.max(max, c);
    min = Math.min(min, c);
  }
  if (total === 0) return { max: 0, min: 0, maxOverMean: 0, cv: 0 };
  let worst = 0;
  let sq = 0;
  for (const m of members) {
    const share = (total * (weights[m] ?? 1)) / wsum;
    const r = (load[m] ?? 0) / share;
    worst = Math.max(worst, r);
    sq += (r - 1) * (r - 1);
  }
  return { max, min, maxOverMean: worst, cv: Math.sqrt(sq / n) };
}
