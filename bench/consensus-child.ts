/**
 * The Raft and Multi-Paxos cluster rounds of raft.bench.ts in a process of
 * their own (see benchRaft for why). Prints one JSON line:
 * `{ ms, paxosMs, events, paxosEvents }`. Usage: `node --import tsx bench/consensus-child.ts`.
 */
import { clusterRounds } from './raft.bench.js';

console.log(JSON.stringify(clusterRounds()));
