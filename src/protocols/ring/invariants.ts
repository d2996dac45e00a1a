/**
 * Invariants of the `ring` protocol, checked after every step. Each is a
 * pure function of the router's state (and the run's parameters), so the
 * run's monitor memory keeps, per invariant, the router state it last
 * checked and the verdict: a step that did not change the router (a server
 * storing its keys, most steps) costs a comparison.
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
import type { InvariantSpec, MonitorSpec } from '../../engine/vocabulary.js';
import { generatedKey } from '../_keys.js';
import { keyHashes, ownersOf, ringFor, ringOf, ringParams, ROUTER, type RingState, type RouterState } from './state.js';

export function routerOf(world: World<RingState>): RouterState | undefined {
  const n = world.node(ROUTER);
  return n && n.up && n.state && n.state.role === 'router' ? n.state : undefined;
}

export function checkSingleOwner(s: RouterState, params: Params): string | null {
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
  const members = new Set(s.members);
  for (const [m, c] of Object.entries(s.load)) {
    if (!members.has(m) && c > 0) return `${m} holds ${c} keys but is not a member`;
    sum += c;
  }
  for (let k = 0; k < ring.members.length; k++) {
    const m = ring.members[k]!;
    if ((s.load[m] ?? 0) !== counts[k]) return `router counts ${s.load[m] ?? 0} keys on ${m}, the ring maps ${counts[k]}`;
  }
  if (sum !== s.keys) return `key counts sum to ${sum}, but ${s.keys} keys are placed`;
  return null;
}

export function checkPreferenceDistinct(s: RouterState, params: Params): string | null {
  const ring = ringOf(s, params);
  const n = ringParams(params).replicas;
  const want = Math.min(n, s.members.length);
  const sample = s.keys > 0 ? Math.min(s.keys, 256) : 64;
  const members = new Set(s.members);
  for (let i = 0; i < sample; i++) {
    const key = s.keys > 0 ? generatedKey(i) : `probe-${i}`;
    const list = ring.preference(key, n);
    if (list.length !== want) return `preference(${key}) has ${list.length} nodes, expected ${want}`;
    if (new Set(list).size !== list.length) return `preference(${key}) repeats a node: ${list.join(', ')}`;
    for (const m of list) if (!members.has(m)) return `preference(${key}) names ${m}, not a member`;
  }
  return null;
}

export function checkMoves(s: RouterState, params: Params): string | null {
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
}

/** The router state each invariant last checked in this run, and its verdict. */
interface Verdicts {
  readonly last: Map<string, { state: RouterState; verdict: string | null }>;
}

const ringVerdicts: MonitorSpec<RingState, Verdicts> = {
  name: 'ring verdicts',
  create: () => ({ last: new Map() }),
};

/** An invariant over the router state, rechecked only when that state changed. */
function routerInvariant(name: string, doc: string, check: (s: RouterState, params: Params) => string | null): InvariantSpec<RingState, Verdicts> {
  return {
    name, doc, monitor: ringVerdicts,
    check(world, _changed, memory) {
      const s = routerOf(world);
      if (!s) return null;
      const hit = memory.last.get(name);
      if (hit !== undefined && hit.state === s) return hit.verdict;
      const verdict = check(s, world.params);
      memory.last.set(name, { state: s, verdict });
      return verdict;
    },
  };
}

export const invariants: readonly InvariantSpec<RingState>[] = [
  routerInvariant('single_owner',
    'Every placed key has exactly one owner among the members, and the per-node counts sum to the keys placed.', checkSingleOwner),
  routerInvariant('preference_distinct',
    'A preference list is min(replicas, members) distinct physical nodes.', checkPreferenceDistinct),
  routerInvariant('moves_only_to_changed_node',
    'After add X, moved keys all went to X; after remove X, only X\'s keys moved.', checkMoves),
];
