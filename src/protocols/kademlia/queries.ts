/**
 * Kademlia's queries (for `expect` lines and role targets) and the metrics
 * computed from the final world: routing-table fill and how many live nodes
 * hold each stored value. These look at every node, so they are for the end
 * of a run and for conditions, not for every step.
 */
import type { Json, NodeId, World } from '../../engine/protocol.js';
import type { QuerySpec } from '../../engine/vocabulary.js';
import { compareDistance, type Id } from './ids.js';
import { keyOf } from './invariants.js';
import { LiveIds } from './oracle.js';
import { config } from './params.js';
import { inNetwork, isState, type KademliaState } from './state.js';

type W = World<KademliaState>;

function liveStates(world: W): { id: NodeId; s: KademliaState }[] {
  const out: { id: NodeId; s: KademliaState }[] = [];
  for (const n of world.nodes) if (n.up && isState(n.state) && inNetwork(n.state)) out.push({ id: n.id, s: n.state });
  return out;
}

/** The k live nodes closest to `target`, closest first (brute force over the world). */
export function trueClosest(world: W, target: Id): NodeId[] {
  const { k } = config(world.params);
  return liveStates(world)
    .sort((a, b) => compareDistance(a.s.self.id, b.s.self.id, target))
    .slice(0, k)
    .map((x) => x.id);
}

/** Live nodes holding an unexpired value for `key`. */
export function holdersOf(world: W, key: Id): NodeId[] {
  return liveStates(world).filter((x) => (x.s.store[key]?.expires ?? -1) > world.now).map((x) => x.id);
}

function nodeState(world: W, node: Json): KademliaState | undefined {
  const v = typeof node === 'string' ? world.node(node) : undefined;
  return v !== undefined && isState(v.state) ? v.state : undefined;
}

export const queries: readonly QuerySpec<KademliaState>[] = [
  {
    name: 'joined', template: 'joined', doc: 'The nodes that have joined the network (and are up).', args: [], returns: 'nodes',
    evaluate: (world) => world.nodes.filter((n) => n.up && isState(n.state) && n.state.phase === 'joined').map((n) => n.id),
  },
  {
    name: 'closest', template: 'closest <key:key>', doc: 'The k live nodes closest to a key\'s id under XOR, closest first (brute force: the truth a lookup should find).', args: [{ name: 'key', type: 'key' }], returns: 'nodes',
    evaluate: (world, args) => trueClosest(world, keyOf(args['key'], world)),
  },
  {
    name: 'holders', template: 'holders <key:key>', doc: 'The live nodes holding an unexpired value for a key.', args: [{ name: 'key', type: 'key' }], returns: 'nodes',
    evaluate: (world, args) => holdersOf(world, keyOf(args['key'], world)),
  },
  {
    name: 'stored_on_k_closest', template: 'stored_on_k_closest <key:key>', doc: 'Whether every one of the k live nodes closest to a key holds its value (§2.3).', args: [{ name: 'key', type: 'key' }], returns: 'bool',
    evaluate: (world, args) => {
      const key = keyOf(args['key'], world);
      const holders = new Set(holdersOf(world, key));
      const near = trueClosest(world, key);
      return near.length > 0 && near.every((n) => holders.has(n));
    },
  },
  {
    name: 'node_id', template: 'node_id <node:node>', doc: 'A node\'s Kademlia id, in hex.', args: [{ name: 'node', type: 'node' }], returns: 'string',
    evaluate: (world, args) => nodeState(world, args['node'])?.self.id ?? null,
  },
  {
    name: 'contacts', template: 'contacts <node:node>', doc: 'How many contacts a node\'s k-buckets hold.', args: [{ name: 'node', type: 'node' }], returns: 'number',
    evaluate: (world, args) => {
      const s = nodeState(world, args['node']);
      return s === undefined ? 0 : s.table.reduce((n, b) => n + b.contacts.length, 0);
    },
  },
  {
    name: 'network_size', template: 'network_size', doc: 'How many nodes are in the network (joined or joining, and up).', args: [], returns: 'number',
    evaluate: (world) => liveStates(world).length,
  },
];

/**
 * Metrics of the final world. `table_fill`: per live node, the live contacts
 * it holds over the most it could hold — for each bucket range, k or the
 * number of live nodes in that range, whichever is smaller — averaged.
 */
export function finalMetrics(world: W): Record<string, number> {
  const c = config(world.params);
  const live = liveStates(world);
  const out: Record<string, number> = { live_nodes: live.length };
  if (live.length === 0) return out;
  const ids = new LiveIds(c.bits);
  const alive = new Set<NodeId>();
  for (const x of live) {
    ids.add(x.s.self.id, x.id);
    alive.add(x.id);
  }
  let contacts = 0;
  let buckets = 0;
  let fill = 0;
  for (const x of live) {
    let held = 0;
    for (const b of x.s.table) {
      if (b.contacts.length > 0) buckets++;
      contacts += b.contacts.length;
      for (const ct of b.contacts) if (alive.has(ct.node)) held++;
    }
    // The most it could hold: bucket i's range is the ids sharing bits-1-i bits with it and not the next.
    let possible = 0;
    let sharing = ids.countPrefix(x.s.self.id, 0); // live ids sharing the first p bits with it
    for (let p = 0; p < c.bits; p++) {
      const next = ids.countPrefix(x.s.self.id, p + 1);
      possible += Math.min(c.k, sharing - next);
      if (next <= 1) break;
      sharing = next;
    }
    fill += possible === 0 ? 1 : Math.min(1, held / possible);
  }
  const r = (v: number) => Math.round(v * 1e4) / 1e4;
  out['table_contacts_mean'] = r(contacts / live.length);
  out['table_buckets_mean'] = r(buckets / live.length);
  out['table_fill'] = r(fill / live.length);
  const replicas = new Map<Id, number>();
  for (const x of live) for (const key in x.s.store) if (x.s.store[key]!.expires > world.now && !x.s.store[key]!.cached) replicas.set(key, (replicas.get(key) ?? 0) + 1);
  if (replicas.size > 0) out['value_replicas_mean'] = r([...replicas.values()].reduce((a, b) => a + b, 0) / replicas.size);
  return out;
}
