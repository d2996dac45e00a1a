/**
 * Invariants of the `ring` protocol, checked after every step. Each is a
 * pure function of the router's state (and the parameters), so results are
 * memoised per state object: a state that has not changed is not rechecked.
 * - `single_owner`: every placed key maps to exactly one member, and the
 *   router's per-member counts equal a recount and sum to the keys placed.
 * - `preference_distinct`: the preference list of a sample of keys (the
 *   first 256 placed keys, or 64 probe keys) is min(N, members) distinct
 *   members.
 * - `moves_only_to_changed_node`: after `add X`, every key whose owner
 *   changed now belongs to X; after `remove X`, every such key was X's
 *   (consistent hashing's monotonicity, Karger et al. 1997 §4).
 */
import type { NodeId, Params, World } from '../../engine/protocol.js';
import type { InvariantSpec } from '../../engine/vocabulary.js';
import { generatedKey } from '../_keys.js';
import { keyHashes, ownersOf, ringFor, ringOf, ringParams, ROUTER, type RingState, type RouterState } from './state.js';

export function routerOf(world: World<RingState>): RouterState | undefined {
  const n = world.node(ROUTER);
  return n && n.up && n.state && n.state.role === 'router' ? n.state : undefined;
}

/** The parameters a check depends on, as a string (worlds may hand out fresh params objects). */
function paramsKey(params: Params): string {
  const p = ringParams(params);
  return `${p.mode}|${p.hash}|${p.vnodes}|${p.replicas}`;
}

function memo(fn: (s: RouterState, params: Params) => string | null): (s: RouterState, params: Params) => string | null {
  const cache = new WeakMap<RouterState, { key: string; result: string | null }>();
  return (s, params) => {
    const key = paramsKey(params);
    const hit = cache.get(s);
    if (hit && hit.key === key) return hit.result;
    const result = fn(s, params);
    cache.set(s, { key, result });
    return result;
  };
}

export const checkSingleOwner = memo((s, params) => {
  if (s.keys === 0) return null;
  const ring = ringOf(s, params);
  const owners = ownersOf(ring, keyHashes(ringParams(params).hash, s.keys));
  const counts = new Array<number>(ring.members.length).fill(0);
  for (let i = 0; i < owners.length; i++) {
    const o = owners[i]!;
    if (o < 0) return `${generatedKey(i)} has no owner`;
    counts[o]!++;
  }
  let sum = 0;
  for (const [m, c] of Object.entries(s.load)) {
    if (!s.members.includes(m) && c > 0) return `${m} holds ${c} keys but is not a member`;
    sum += c;
  }
  for (let k = 0; k < ring.members.length; k++) {
    const m = ring.members[k]!;
    if ((s.load[m] ?? 0) !== counts[k]) return `router counts ${s.load[m] ?? 0} keys on ${m}, the ring maps ${counts[k]}`;
  }
  if (sum !== s.keys) return `key counts sum to ${sum}, but ${s.keys} keys are placed`;
  return null;
});

export const checkPreferenceDistinct = memo((s, params) => {
  const ring = ringOf(s, params);
  const n = ringParams(params).replicas;
  const want = Math.min(n, s.members.length);
  const sample = s.keys > 0 ? Math.min(s.keys, 256) : 64;
  for (let i = 0; i < sample; i++) {
    const key = s.keys > 0 ? generatedKey(i) : `probe-${i}`;
    const list = ring.preference(key, n);
    if (list.length !== want) return `preference(${key}) has ${list.length} nodes, expected ${want}`;
    if (new Set(list).size !== list.length) return `preference(${key}) repeats a node: ${list.join(', ')}`;
    for (const m of list) if (!s.members.includes(m)) return `preference(${key}) names ${m}, not a member`;
  }
  return null;
});

export const checkMoves = memo((s, params) => {
  const change = s.lastChange;
  if (!change || s.keys === 0) return null;
  const p = ringParams(params);
  const hashes = keyHashes(p.hash, s.keys);
  const before = ringFor(change.before, change.beforeWeights, p);
  const after = ringOf(s, params);
  const o0 = ownersOf(before, hashes);
  const o1 = ownersOf(after, hashes);
  let wrong = 0;
  let first: string | null = null;
  let example: [NodeId, NodeId] | null = null;
  for (let i = 0; i < hashes.length; i++) {
    const from = before.members[o0[i]!];
    const to = after.members[o1[i]!];
    if (from === to) continue;
    const ok = change.kind === 'add' ? to === change.node : from === change.node;
    if (!ok) {
      wrong++;
      if (first === null) { first = generatedKey(i); example = [from ?? '?', to ?? '?']; }
    }
  }
  if (wrong === 0) return null;
  return `${change.kind} ${change.node} moved ${wrong} keys between other nodes (e.g. ${first}: ${example![0]} → ${example![1]})`;
});

export const invariants: readonly InvariantSpec<RingState>[] = [
  {
    name: 'single_owner',
    doc: 'Every placed key has exactly one owner among the members, and the per-node counts sum to the keys placed.',
    check: (world) => { const s = routerOf(world); return s ? checkSingleOwner(s, world.params) : null; },
  },
  {
    name: 'preference_distinct',
    doc: 'A preference list is min(replicas, members) distinct physical nodes.',
    check: (world) => { const s = routerOf(world); return s ? checkPreferenceDistinct(s, world.params) : null; },
  },
  {
    name: 'moves_only_to_changed_node',
    doc: 'After add X, moved keys all went to X; after remove X, only X\'s keys moved.',
    check: (world) => { const s = routerOf(world); return s ? checkMoves(s, world.params) : null; },
  },
];
