/**
 * Where keys live (Dynamo §4.2–§4.3): every node owns `vnodes` points on a
 * consistent-hash ring (the ring of src/protocols/ring, reused as is), and a
 * key's preference list is the first N distinct physical nodes met walking
 * clockwise from the key's hash, skipping further points of a node already
 * listed. Those N are the key's home replicas; the nodes after them on the
 * walk are the fallbacks a sloppy quorum uses (§4.6).
 *
 * A ring is built once per cluster (its node list and parameters) and each
 * key's walk once per ring; both are pure functions of their inputs, so the
 * caches change no result.
 */
import type { NodeId } from '../../engine/protocol.js';
import { Ring } from '../ring/ring.js';
import type { QuorumParams } from './params.js';

interface Placement {
  readonly ring: Ring;
  /** Per key: every node in walk order (home replicas first, then fallbacks), and the first N of them. */
  readonly walks: Map<string, { readonly walk: readonly NodeId[]; readonly home: readonly NodeId[] }>;
}

const cache = new WeakMap<readonly NodeId[], Map<string, Placement>>();

function placement(nodes: readonly NodeId[], p: QuorumParams): Placement {
  let byParams = cache.get(nodes);
  if (byParams === undefined) cache.set(nodes, (byParams = new Map()));
  const sig = `${p.vnodes}/${p.hash}`;
  let hit = byParams.get(sig);
  if (hit === undefined) {
    hit = { ring: new Ring({ vnodes: p.vnodes, hash: p.hash, weights: [...nodes] }), walks: new Map() };
    byParams.set(sig, hit);
  }
  return hit;
}

/** The ring of this cluster. */
export function ringOf(nodes: readonly NodeId[], p: QuorumParams): Ring {
  return placement(nodes, p).ring;
}

/**
 * Every node in the order a sloppy quorum tries them for `key`: the
 * preference list (home replicas) first, then the fallbacks clockwise.
 */
export function walkOf(nodes: readonly NodeId[], p: QuorumParams, key: string): readonly NodeId[] {
  return entry(nodes, p, key).walk;
}

/** The key's preference list: its N home replicas (all nodes when the cluster has fewer). */
export function homeOf(nodes: readonly NodeId[], p: QuorumParams, key: string): readonly NodeId[] {
  return entry(nodes, p, key).home;
}

/** A key's walk, computed on first use (the whole ring, once per key; nothing per event). */
function entry(nodes: readonly NodeId[], p: QuorumParams, key: string): { readonly walk: readonly NodeId[]; readonly home: readonly NodeId[] } {
  const pl = placement(nodes, p);
  let e = pl.walks.get(key);
  if (e === undefined) {
    let walk = pl.ring.preference(key, nodes.length);
    // A pathological ring (every point of a node hashed onto another's) may list fewer: add the rest in cluster order.
    if (walk.length < nodes.length) walk = [...walk, ...nodes.filter((n) => !walk.includes(n))];
    e = { walk, home: walk.slice(0, Math.min(p.n, walk.length)) };
    pl.walks.set(key, e);
  }
  return e;
}

const positions = new WeakMap<readonly NodeId[], Map<NodeId, number>>();

/** `id`'s position in the cluster's node list (-1 when absent), without a scan per call. */
export function nodeIndex(nodes: readonly NodeId[], id: NodeId): number {
  let m = positions.get(nodes);
  if (m === undefined) positions.set(nodes, (m = new Map(nodes.map((n, i) => [n, i]))));
  return m.get(id) ?? -1;
}
