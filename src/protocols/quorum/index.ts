/**
 * The `quorum` protocol: a Dynamo-style replicated key-value store
 * (DeCandia et al., "Dynamo: Amazon's Highly Available Key-value Store",
 * SOSP 2007) and, in `abd` mode, the ABD linearizable register (Attiya,
 * Bar-Noy & Dolev, "Sharing Memory Robustly in Message-Passing Systems",
 * JACM 1995) — the same store, so CAP, BASE and PACELC can be run as
 * experiments: one parameter apart, under the same partition.
 *
 * Layout: placement.ts (the ring of src/protocols/ring and preference
 * lists), versions.ts (vector clocks, LWW timestamps, ABD tags,
 * reconciliation), clock.ts (each node's drifting clock), coordinator.ts
 * (N/R/W, sloppy quorums, read repair, ABD's phases), replica.ts (storage,
 * hinted handoff), sync.ts (Merkle anti-entropy), machine.ts (the handlers),
 * invariants.ts and queries.ts (what the checker sees).
 *
 * A handler that meets a malformed input notes it in the trace and keeps
 * its state instead of throwing (_kit/guard.ts).
 */
import type { Json, Protocol, World } from '../../engine/protocol.js';
import { guarded } from '../_kit/guard.js';
import { client, init, message, restart, timer } from './machine.js';
import type { QuorumMessage } from './messages.js';
import { hintsOutstanding, keysOf } from './queries.js';
import type { QuorumState } from './state.js';
import { vocabulary } from './vocabulary.js';

export const quorumProtocol: Protocol<QuorumState, QuorumMessage> = {
  name: 'quorum',
  vocabulary,
  init,
  ...guarded<QuorumState, QuorumMessage>('quorum', { onMessage: message, onTimer: timer, onClient: client }),
  onRestart: (durable: Json | undefined, ctx) => restart(durable, ctx),
  role: (s) => (s && Object.keys(s.hints ?? {}).length > 0 ? 'fallback' : 'replica'),
  finalMetrics: (world: World<QuorumState>) => ({
    hints_outstanding: hintsOutstanding(world),
    keys: keysOf(world).length,
  }),
};

export type { QuorumState } from './state.js';
export type { QuorumMessage } from './messages.js';
