/**
 * Anti-entropy with Merkle trees (Dynamo §4.7), when `anti_entropy` is on:
 * every period a node picks the next other node (round robin) and sends the
 * Merkle tree of the keys both of them replicate; the peer compares it with
 * its own and the two exchange the versions of the keys under the leaves
 * that differ, each reconciling what it receives. Only what differs
 * travels: replicas that agree exchange one tree and nothing else.
 *
 * The tree here has two levels — a root over 16 leaves, each leaf the hash
 * of the keys in one sixteenth of the hash space and their version ids —
 * sent whole in one message; Dynamo's trees are deeper, and walked level by
 * level, because each covers a whole key range of a real store.
 */
import type { NodeId } from '../../engine/protocol.js';
import { fnv1a32String } from '../hash/fnv1a.js';
import { setOwn } from '../_kit/records.js';
import type { Env } from './env.js';
import type { MerkleSync, MerkleTree } from './messages.js';
import { nodeIndex, ringOf } from './placement.js';
import { storeVersions } from './replica.js';
import type { QuorumState } from './state.js';
import type { Versions } from './versions.js';

const LEAVES = 16;

/** The keys of this node's store that `peer` replicates too, by leaf. */
function sharedKeys(s: QuorumState, peer: NodeId, o: Env): string[][] {
  const ring = ringOf(o.ctx.nodes, o.p);
  const leaves: string[][] = Array.from({ length: LEAVES }, () => []);
  for (const key of Object.keys(s.store).sort()) {
    const home = o.home(key);
    if (home.includes(o.id) && home.includes(peer)) leaves[ring.hashKey(key) >>> 28]!.push(key);
  }
  return leaves;
}

/** The Merkle tree (root and leaves) of this node's versions of the keys it shares with `peer`. */
export function merkleTree(s: QuorumState, peer: NodeId, o: Env): MerkleTree {
  const leaves = sharedKeys(s, peer, o).map((keys) => fnv1a32String(keys.map((k) => `${k}=${s.store[k]!.map((v) => v.op).join(',')}`).join(';')));
  return { root: fnv1a32String(leaves.join(',')), leaves };
}

/** The versions of the keys under `buckets` that this node shares with `peer`. */
function dataIn(s: QuorumState, peer: NodeId, buckets: readonly number[], o: Env): Record<string, Versions> {
  const leaves = sharedKeys(s, peer, o);
  const data: Record<string, Versions> = {};
  for (const b of buckets) for (const key of leaves[b] ?? []) setOwn(data, key, s.store[key]!);
  return data;
}

/** The anti-entropy timer: send the next peer this node's tree. */
export function onSyncTimer(s: QuorumState, o: Env): QuorumState {
  o.ctx.setTimer('sync', o.p.antiEntropy);
  // The next other node, round robin (by index: no list of peers is built).
  const nodes = o.ctx.nodes;
  if (nodes.length < 2) return s;
  const me = nodeIndex(nodes, o.id);
  const peer = nodes[(me + 1 + (s.syncRound % (nodes.length - 1))) % nodes.length]!;
  o.ctx.send(peer, { type: 'MerkleTree', body: merkleTree(s, peer, o) });
  const next = o.own(s);
  next.syncRound = s.syncRound + 1;
  return next;
}

/** A peer's tree: when the roots differ, send the keys under the differing leaves and ask for the peer's. */
export function onMerkleTree(s: QuorumState, from: NodeId, b: MerkleTree, o: Env): QuorumState {
  const mine = merkleTree(s, from, o);
  if (mine.root === b.root) return s;
  const buckets = mine.leaves.flatMap((h, i) => (h === b.leaves[i] ? [] : [i]));
  o.ctx.send(from, { type: 'MerkleSync', body: { buckets, data: dataIn(s, from, buckets, o), reply: true } });
  return s;
}

/** The versions under differing leaves: reconcile them, and answer with this node's when asked. */
export function onMerkleSync(s: QuorumState, from: NodeId, b: MerkleSync, o: Env): QuorumState {
  let next = s;
  for (const key of Object.keys(b.data)) {
    if (o.home(key).includes(o.id)) next = storeVersions(next, key, b.data[key]!, null, o);
  }
  if (b.reply) o.ctx.send(from, { type: 'MerkleSync', body: { buckets: b.buckets, data: dataIn(next, from, b.buckets, o), reply: false } });
  return next;
}
