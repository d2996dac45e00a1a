/**
 * The protocol registry: the one place that lists every protocol. Adding a
 * protocol means adding its folder under src/protocols/ and one line here.
 */
import type { Protocol } from '../engine/protocol.js';
import { commitProtocol } from './commit/index.js';
import { hashProtocol } from './hash/index.js';
import { kademliaProtocol } from './kademlia/index.js';
import { quorumProtocol } from './quorum/index.js';
import { paxosProtocol } from './paxos/index.js';
import { raftProtocol } from './raft/index.js';
import { ringProtocol } from './ring/index.js';

const all: readonly Protocol[] = [
  // one line per protocol
  hashProtocol,
  ringProtocol,
  raftProtocol,
  quorumProtocol,
  paxosProtocol,
  commitProtocol,
  kademliaProtocol,
];

export const protocols: ReadonlyMap<string, Protocol> = new Map(all.map((p) => [p.name, p]));

export function getProtocol(name: string): Protocol | undefined {
  return protocols.get(name);
}
