/**
 * The quorum store's vocabulary: parameters, client operations, invariants,
 * queries, message types and metrics, with the one-line docs hover and
 * completion show.
 */
import type { Vocabulary } from '../../engine/vocabulary.js';
import { CLIENT_METRIC_LIST } from '../../engine/run-metrics.js';
import { CLIENT_MESSAGES } from '../_kit/client-proxy.js';
import { RING_HASHES } from '../ring/ring.js';
import { invariants } from './invariants.js';
import { DEFAULTS, MODES } from './params.js';
import { queries } from './queries.js';
import type { QuorumState } from './state.js';

export const vocabulary: Vocabulary<QuorumState> = {
  doc: 'A Dynamo-style quorum key-value store (DeCandia et al. 2007): N/R/W, sloppy quorums, hinted handoff, read repair, vector clocks or LWW — and the ABD register (Attiya, Bar-Noy & Dolev 1995).',
  params: [
    { name: 'mode', type: 'enum', choices: MODES, default: DEFAULTS.mode,
      doc: 'vclock: Dynamo with vector clocks (siblings); lww: Dynamo, last writer wins by the coordinator\'s clock; abd: the ABD register (reads write back).' },
    { name: 'n', type: 'int', default: DEFAULTS.n, min: 1, doc: 'N: replicas per key, the first N distinct nodes clockwise from the key on the ring (§4.3).' },
    { name: 'r', type: 'int', default: DEFAULTS.r, min: 1, doc: 'R: replies a read waits for; with R + W > N every read quorum meets every write quorum (§4.5).' },
    { name: 'w', type: 'int', default: DEFAULTS.w, min: 1, doc: 'W: acknowledgements a write waits for (§4.5).' },
    { name: 'sloppy', type: 'bool', default: DEFAULTS.sloppy,
      doc: 'Sloppy quorum (§4.6): use the first N healthy nodes of the ring walk, fallbacks keeping hinted copies; false: only the N home replicas.' },
    { name: 'read_repair', type: 'bool', default: DEFAULTS.readRepair, doc: 'After a read, send the newest versions to home replicas that answered with less (§5).' },
    { name: 'request_timeout', type: 'duration', default: DEFAULTS.requestTimeout, min: 1,
      doc: 'How long a coordinator waits for R replies or W acknowledgements per round before suspecting the silent replicas.' },
    { name: 'rounds', type: 'int', default: DEFAULTS.rounds, min: 1, doc: 'Rounds a coordinator tries (a sloppy one asks fresh fallbacks in each) before a request fails.' },
    { name: 'client_timeout', type: 'duration', default: DEFAULTS.clientTimeout, min: 1,
      doc: 'How long the node that took a client operation waits for its answer before giving up (outcome unknown).' },
    { name: 'client_retries', type: 'int', default: DEFAULTS.clientRetries, min: 0,
      doc: 'Retries of an unanswered client operation at another coordinator; a retried write may be applied twice.' },
    { name: 'suspect_for', type: 'duration', default: DEFAULTS.suspectFor, min: 0,
      doc: 'How long a node treats a peer that did not answer in time as down (§4.8.3) before trying it again.' },
    { name: 'handoff_every', type: 'duration', default: DEFAULTS.handoffEvery, min: 1,
      doc: 'How often a node with hints tries to hand them off to their home replicas (§4.6).' },
    { name: 'anti_entropy', type: 'duration', default: DEFAULTS.antiEntropy, min: 0,
      doc: 'Period of Merkle-tree anti-entropy between replicas (§4.7); 0 turns it off.' },
    { name: 'vnodes', type: 'int', default: DEFAULTS.vnodes, min: 1, max: 1000, doc: 'Points (virtual nodes) per node on the ring (§4.2).' },
    { name: 'hash', type: 'enum', choices: RING_HASHES, default: DEFAULTS.hash, doc: 'Hash that places keys and virtual nodes on the ring.' },
    { name: 'clock_tick', type: 'duration', default: DEFAULTS.clockTick, min: 1,
      doc: 'Tick of each node\'s own clock (lww timestamps); the scenario\'s drift stretches a node\'s ticks.' },
    { name: 'clock_offset', type: 'duration', default: 0, min: 0, scope: 'node', doc: 'How far ahead of true time this node\'s clock starts (lww timestamps).' },
    { name: 'bug_drop_siblings', type: 'bool', default: false,
      doc: 'BUG: reconcile concurrent versions by keeping one (the largest clock) instead of all siblings: concurrent writes are lost.' },
    { name: 'bug_keep_dominated', type: 'bool', default: false,
      doc: 'BUG: keep versions their successors supersede as siblings (no syntactic reconciliation).' },
    { name: 'bug_no_write_back', type: 'bool', default: false,
      doc: 'BUG: ABD reads answer without writing the value back to a quorum: a later read may return an older value.' },
  ],
  ops: [
    { name: 'put', template: 'put <key:key> = <value:value>', args: [{ name: 'key', type: 'key' }, { name: 'value', type: 'value' }],
      doc: 'Write VALUE to KEY: answered after W acknowledgements (ABD: after a query and W acknowledgements).' },
    { name: 'get', template: 'get <key:key>', args: [{ name: 'key', type: 'key' }],
      doc: 'Read KEY: answered after R replies — one value, { siblings: [...] } for concurrent versions, null when absent (ABD: after writing back).' },
  ],
  invariants,
  queries,
  messages: [
    { type: 'Get', doc: 'A coordinator asks a replica for its versions of a key (a read, or ABD\'s query phase).' },
    { type: 'GetReply', doc: 'A replica\'s versions of the key (its own and those it keeps as hints).' },
    { type: 'Put', doc: 'A coordinator sends a version to store, with a hint naming the home replica a fallback stands in for.' },
    { type: 'PutAck', doc: 'A replica stored the version durably.' },
    { type: 'Repair', doc: 'Read repair: the newest versions a read found, for a replica that answered with less.' },
    { type: 'Handoff', doc: 'A fallback hands the versions it kept for a home replica back to it (hinted handoff).' },
    { type: 'HandoffAck', doc: 'The home replica took the hinted versions; the fallback drops them.' },
    { type: 'MerkleTree', doc: 'Anti-entropy: the Merkle tree (root and leaves) of the keys two replicas share.' },
    { type: 'MerkleSync', doc: 'Anti-entropy: the versions of the keys under the leaves that differ.' },
    ...CLIENT_MESSAGES,
  ],
  metrics: [
    ...CLIENT_METRIC_LIST,
    { name: 'lost_writes', doc: 'Acknowledged writes no node holds any more, nor a version descending from them (LWW loses these).' },
    { name: 'max_siblings', doc: 'The most concurrent versions any node held for one key during the run.' },
    { name: 'hints_max', doc: 'The most hinted versions waiting for handoff at any moment of the run.' },
    { name: 'hints_outstanding', doc: 'Hinted versions still waiting for handoff at the end.' },
    { name: 'keys', doc: 'Keys written at the end of the run.' },
  ],
  history: { model: 'kv' },
};
