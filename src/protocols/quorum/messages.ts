/**
 * The quorum store's messages, as plain JSON-compatible data: the
 * coordinator's requests to replicas and their replies (Dynamo §4.5, and
 * ABD's two phases, which reuse them: a query is a `Get`, an update a
 * `Put`), read repair, hinted handoff (§4.6), Merkle-tree anti-entropy
 * (§4.7), and the shared client proxy's messages.
 */
import type { NodeId } from '../../engine/protocol.js';
import type { ClientMessage } from '../_kit/client-proxy.js';
import type { Command } from './state.js';
import type { Version, Versions } from './versions.js';

/** Read `key`'s versions (Dynamo's read; ABD's query phase). */
export type Get = { id: string; key: string };
export type GetReply = { id: string; key: string; versions: Versions };
/**
 * Store `version` of `key` (Dynamo's write; ABD's update phase and a read's
 * write-back). `hint`: with a sloppy quorum, the home replica this node
 * stands in for — it keeps the version aside and hands it off later (§4.6).
 */
export type Put = { id: string; key: string; version: Version; hint: NodeId | null };
export type PutAck = { id: string; key: string };
/** Read repair: the versions a read found newest, for a replica that answered with fewer. */
export type Repair = { key: string; versions: Versions };
/** Hinted handoff: versions kept for `home` (the receiver), key by key. */
export type Handoff = { data: Readonly<Record<string, Versions>> };
/** Which keys' versions the home replica took (their op ids, to match what the sender still holds). */
export type HandoffAck = { taken: Readonly<Record<string, string[]>> };
/**
 * Anti-entropy (§4.7): the sender's Merkle tree over the keys both nodes
 * replicate — its leaves (one hash per bucket of key hashes) and its root.
 */
export type MerkleTree = { root: number; leaves: number[] };
/** The versions of the keys in the buckets whose hashes differ; `reply` asks for the receiver's in return. */
export type MerkleSync = { buckets: number[]; data: Readonly<Record<string, Versions>>; reply: boolean };

export type QuorumMessage =
  | { type: 'Get'; body: Get }
  | { type: 'GetReply'; body: GetReply }
  | { type: 'Put'; body: Put }
  | { type: 'PutAck'; body: PutAck }
  | { type: 'Repair'; body: Repair }
  | { type: 'Handoff'; body: Handoff }
  | { type: 'HandoffAck'; body: HandoffAck }
  | { type: 'MerkleTree'; body: MerkleTree }
  | { type: 'MerkleSync'; body: MerkleSync }
  | ClientMessage<Command>;
